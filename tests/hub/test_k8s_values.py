"""deploy/k8s/values.yaml (Zero to JupyterHub) is well-formed and says what the one-server deployment says.

Not run against a cluster here: this checks the file's structure, that its
Python snippets compile, and that the student/instructor settings match the
ones `hub up` writes (same disabled plugins, same exchange, same defaults).
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from autograder.hub.exchange import INSTRUCTOR_LAB_PLUGINS, INSTRUCTOR_SERVER_EXTENSIONS, LAB_DEFAULTS

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
VALUES = yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))


def _files():
    return VALUES["singleuser"]["extraFiles"]


def test_top_level_keys_are_the_charts():
    assert set(VALUES) <= {"hub", "singleuser", "cull", "scheduling", "prePuller", "proxy", "ingress"}


def test_the_idle_culler_is_on():
    cull = VALUES["cull"]
    assert cull["enabled"] is True and 600 <= cull["timeout"] <= 4 * 3600 and cull["every"] < cull["timeout"]


def test_hub_snippets_and_nbgrader_configs_compile():
    snippets = dict(VALUES["hub"]["extraConfig"])
    configs = {name: f["stringData"] for name, f in _files().items() if f["mountPath"].endswith(".py")}
    assert snippets and configs, "nothing to compile: the values file lost its hub snippets or config files"
    for name, code in {**snippets, **configs}.items():
        compile(code, name, "exec")  # a SyntaxError fails the test


def test_exchange_is_a_shared_volume_mounted_where_nbgrader_looks():
    storage = VALUES["singleuser"]["storage"]
    volumes = {v["name"]: v for v in storage["extraVolumes"]}
    claim = volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"]
    assert claim
    mount = next(m["mountPath"] for m in storage["extraVolumeMounts"] if m["name"] == "nbgrader-exchange")
    for key in ("exchange-config", "instructor-config"):
        assert f'c.Exchange.root = "{mount}"' in _files()[key]["stringData"]


def test_students_lose_the_instructor_tools_like_on_one_server():
    lab = _files()["student-lab"]["data"]["disabledExtensions"]
    assert set(lab) == set(INSTRUCTOR_LAB_PLUGINS) and all(lab.values())
    server = _files()["student-server"]["data"]["ServerApp"]["jpserver_extensions"]
    assert set(server) == set(INSTRUCTOR_SERVER_EXTENSIONS) and not any(server.values())
    student_dir = VALUES["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert all(f["mountPath"].startswith(student_dir + "/") for k, f in _files().items() if k.startswith(("student", "exchange")))


def test_profiles_student_by_default_and_an_instructor_profile_with_the_gradebook():
    profiles = {p["slug"]: p for p in VALUES["singleuser"]["profileList"]}
    assert set(profiles) == {"student", "instructor"} and profiles["student"].get("default") is True
    override = profiles["instructor"]["kubespawner_override"]
    assert override["environment"]["JUPYTER_CONFIG_PATH"] == "/etc/kefu/instructor"
    assert any(m["name"] == "kefu-gradebook" for m in override["volume_mounts"])
    assert "kefu-gradebook" not in [m["name"] for m in VALUES["singleuser"]["storage"]["extraVolumeMounts"]]
    assert "not spawner.user.admin" in VALUES["hub"]["extraConfig"]["10-kefu-users"]
    assert "db_url" in _files()["instructor-config"]["stringData"]


def test_the_image_gets_the_same_lab_defaults():
    assert json.loads((K8S / "overrides.json").read_text(encoding="utf-8")) == LAB_DEFAULTS
    docker = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert "overrides.json" in docker and "-e " not in docker  # the kit is installed from a wheel, not editable
    assert "rm -rf /opt/kefu/course/src" in docker  # chapters without their text sources, as `hub up` hands out
