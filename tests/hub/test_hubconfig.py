"""The generated jupyterhub_config.py and the class's Jupyter config files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.hub import HubError, commands
from autograder.hub.exchange import nbgrader_class_config
from autograder.hub.hubconfig import HubSettings, render
from autograder.hub.layout import ClassLayout

LAYOUT = ClassLayout("kefu-2401", Path("/srv/kefu-hub"), Path("/opt/kefu-hub/venv"))


def _load(text: str):
    from traitlets.config import Config

    c = Config()
    namespace = {"get_config": lambda: c}
    exec(compile(text, "jupyterhub_config.py", "exec"), namespace)
    return c, namespace


def test_hub_config_binds_where_asked_uses_pam_and_no_admins():
    s = HubSettings(port=8000, hub_port=18081, proxy_api_port=18001, instructor="teacher",
                    students={"s2024001": "2024001"}, ip="0.0.0.0", cull_idle_seconds=1800)
    c, ns = _load(render(LAYOUT, s))
    assert c.JupyterHub.bind_url == "http://0.0.0.0:8000"
    assert c.JupyterHub.hub_ip == "127.0.0.1" and c.JupyterHub.authenticator_class == "pam"
    assert c.Authenticator.allowed_users == {"s2024001", "teacher"} and c.Authenticator.admin_users == set()
    assert c.Spawner.cmd == ["/opt/kefu-hub/venv/bin/jupyterhub-singleuser"]
    assert "--timeout=1800" in c.JupyterHub.services[0]["command"]
    assert set(c.JupyterHub.load_roles[0]["scopes"]) >= {"delete:servers", "read:users:activity"}
    assert ns["STUDENTS"] == {"s2024001": "2024001"}


def test_class_config_sets_exchange_course_and_the_student_id_from_the_spawner(monkeypatch):
    text = nbgrader_class_config(LAYOUT)
    c, _ = _load(text)
    assert c.Exchange.root == "/srv/kefu-hub/exchange" and c.CourseDirectory.course_id == "kefu-2401"
    assert "student_id" not in c.CourseDirectory  # the instructor: nbgrader's default
    monkeypatch.setenv("KEFU_STUDENT_ID", "2024001")
    c, _ = _load(text)
    assert c.CourseDirectory.student_id == "2024001"


def test_up_refuses_to_run_without_root(monkeypatch, tmp_path):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(HubError, match="root"):
        commands.up(commands.UpOptions(roster=tmp_path / "r.csv", course=tmp_path))
    with pytest.raises(HubError, match="root"):
        commands.down(tmp_path)


def test_lab_defaults_are_chinese_without_news():
    from autograder.hub.exchange import LAB_DEFAULTS

    assert LAB_DEFAULTS["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"
    assert json.dumps(LAB_DEFAULTS["@jupyterlab/apputils-extension:notification"]) == \
        '{"fetchNews": "false", "checkForUpdates": false}'
