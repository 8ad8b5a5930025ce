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
    assert c.Spawner.args == ["--KernelManager.transport=ipc"]  # no TCP port a kernel could lose
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


def _slow_backend():
    """127.0.0.1 backend: GET /slow answers after 1 s."""
    import http.server
    import threading
    import time

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            time.sleep(1)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.cli
@pytest.mark.parametrize("max_clients, all_served", [(10, False), (100, True)])
def test_proxy_command_takes_the_request_timeout_and_the_client_pool_size(max_clients, all_served):
    """50 students' requests at once: tornado's default pool of 10 queues the rest, and a queued
    request times out like a slow one (HTTP 599 → 503); the deployment's pool serves them all."""
    import os
    import subprocess
    import time
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from autograder.hub.process import free_port

    s = HubSettings(port=8000, hub_port=18081, proxy_api_port=18001, instructor="teacher", students={},
                    proxy_timeout_ms=3000, proxy_max_clients=max_clients)
    c, _ = _load(render(LAYOUT, s))
    cmd = c.ConfigurableHTTPProxy.command
    assert "--proxy-timeout=3000" in cmd
    if subprocess.run([cmd[0], "-c", "import configurable_http_proxy"], capture_output=True).returncode:
        pytest.skip("the shared hub venv (make hub-deps) is not built")
    backend = _slow_backend()
    port = free_port()
    proxy = subprocess.Popen(cmd + ["--ip", "127.0.0.1", "--port", str(port), "--api-ip", "127.0.0.1",
                                    "--api-port", str(free_port()),
                                    "--default-target", f"http://127.0.0.1:{backend.server_port}"],
                             env=dict(os.environ, CONFIGPROXY_AUTH_TOKEN="t"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/slow"

    def get(_):
        try:
            return urllib.request.urlopen(url, timeout=30).status
        except urllib.error.HTTPError as e:
            return e.code

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(0) == 200:
                    break
            except urllib.error.URLError:
                pass
            assert time.monotonic() < deadline, "proxy did not start"
            time.sleep(0.2)
        with ThreadPoolExecutor(50) as pool:
            codes = list(pool.map(get, range(50)))
    finally:
        proxy.terminate()
        proxy.wait(10)
        backend.shutdown()
    assert (codes == [200] * 50) is all_served, codes


def test_single_user_servers_get_free_ports_outside_the_range_kernels_take():
    _, ns = _load(render(LAYOUT, HubSettings(port=8000, hub_port=18081, proxy_api_port=18001,
                                             instructor="teacher", students={})))
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [ns["server_port"]() for _ in range(50)]
    assert all(max(1024, low - 10000) <= p < low for p in ports)
    assert len(set(ports)) == 50  # never handed out twice while a server may still be starting


def test_students_get_the_chapter_notebooks_not_their_text_sources(tmp_path):
    from autograder.hub.exchange import publish_chapters

    course = Path(__file__).resolve().parents[2] / "course"
    layout = ClassLayout("kefu-2401", tmp_path / "state", tmp_path / "venv")
    publish_chapters(layout, course)
    handed_out = {p.relative_to(layout.chapters).as_posix() for p in layout.chapters.rglob("*")}
    assert {"00_index.ipynb", "ch1_telephone.ipynb", "practice/ch1_telephone.yaml"} <= handed_out
    assert (course / "src" / "ch1_telephone.md").is_file()
    assert not any(name == "src" or name.startswith("src/") for name in handed_out), sorted(handed_out)
