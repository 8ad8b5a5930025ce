"""``jupyterhub_config.py`` for one class (written by ``up``; root-only)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .layout import ClassLayout


@dataclass(frozen=True)
class HubSettings:
    port: int
    hub_port: int
    proxy_api_port: int
    instructor: str
    students: dict  # login -> 学号
    ip: str = "127.0.0.1"
    cull_idle_seconds: int = 3600
    proxy_timeout_ms: int = 600_000  # longer than a spawn's progress stream (spawn_timeout)
    proxy_max_clients: int = 1000
    spawn_timeout: int = 300


TEMPLATE = '''\
# Written by `python -m autograder hub up` for class {course_id!r}; rewritten on every up.
import pwd
import random
import socket
import subprocess
import time

c = get_config()  # noqa: F821
VENV = {venv!r}
INSTRUCTOR = {instructor!r}
STUDENTS = {students!r}  # login -> 学号 (nbgrader's student id)

c.JupyterHub.bind_url = "http://{ip}:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
# The PyPI proxy's tornado client has tornado's defaults: 20 s per request and
# 10 requests at a time (the rest queue, and time out after 20 s in the queue).
# A kernel websocket's handshake waits for the kernel's first reply, which takes
# longer than 20 s when a class starts its kernels together on 2 cores: the
# student saw HTTP 599.  A 5-minute request timeout and no practical queue, as
# the npm proxy has (tests/hub/test_hubconfig.py shows the queue).
c.ConfigurableHTTPProxy.command = [
    VENV + "/bin/python", "-c",
    "import sys; from tornado.httpclient import AsyncHTTPClient; "
    "AsyncHTTPClient.configure(None, max_clients={proxy_max_clients}); "
    "from configurable_http_proxy.cli import main; sys.exit(main())",
    "--proxy-timeout={proxy_timeout_ms}",
]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{hub_dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{hub_dir}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # `hub down` stops every server

# PAM: the unix accounts `up` created; nobody else, no hub admins (an admin
# could open any student's server).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(STUDENTS) | {{INSTRUCTOR}}
c.Authenticator.admin_users = set()
c.PAMAuthenticator.open_sessions = False

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [VENV + "/bin/jupyterhub-singleuser"]
# Kernels talk to their server over unix sockets in the user's 0700 runtime
# directory, not TCP: TCP ports are picked free, then bound when the kernel has
# started, and at class start (kernels taking 30-60 s to start) another
# student's kernel took one in between ("Address already in use"; the kernel died).
c.Spawner.args = ["--KernelManager.transport=ipc"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# 40 students arriving within a minute on 2 busy cores: spawn p95 136 s
# (bench/bench_hub.py); the old 120 s would fail the slowest.
c.Spawner.start_timeout = {spawn_timeout}
c.Spawner.http_timeout = {spawn_timeout}
c.Spawner.environment = {{"LANG": "C.UTF-8", "PATH": VENV + "/bin:/usr/local/bin:/usr/bin:/bin"}}


_GIVEN = {{}}  # port -> when a server was given it


def server_port():
    """A free port below the ephemeral range.  The spawner's own pick is an
    ephemeral port, free when picked; a server that takes 30 s to start on a
    busy machine can find it taken by another student's kernel (kernels bind
    ephemeral ports) and the hub then waits on a kernel's socket until the
    spawn times out."""
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    now = time.monotonic()
    for _ in range(200):
        port = random.randrange(max(1024, low - 10000), low)
        if now - _GIVEN.get(port, -1e9) < 600:
            continue
        with socket.socket() as s:
            try:
                s.bind(("", port))
            except OSError:
                continue
        _GIVEN[port] = now
        return port
    return 0  # the spawner's own pick


def pre_spawn(spawner):
    spawner.port = server_port()
    login = spawner.user.name
    env = dict(spawner.environment)
    if login == INSTRUCTOR:
        env["JUPYTER_CONFIG_PATH"] = {instructor_config!r}
    else:
        env["JUPYTER_CONFIG_PATH"] = {class_config!r}
        env["KEFU_STUDENT_ID"] = STUDENTS[login]
    spawner.environment = env
    # Chapters: copied as the user (never as root into a home the user
    # controls), missing files only: a student's own work is never overwritten.
    pw = pwd.getpwnam(login)
    subprocess.run(["cp", "-r", "-n", {chapters!r} + "/.", "course"], cwd=pw.pw_dir,
                   user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], check=False)


c.Spawner.pre_spawn_hook = pre_spawn

c.JupyterHub.services = [{{
    "name": "idle-culler",
    "command": [VENV + "/bin/python", "-m", "jupyterhub_idle_culler", "--timeout={cull}"],
}}]
c.JupyterHub.load_roles = [{{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}}]
'''


def render(layout: ClassLayout, s: HubSettings) -> str:
    return TEMPLATE.format(
        course_id=layout.course_id, venv=str(layout.venv), instructor=s.instructor, students=s.students,
        ip=s.ip, port=s.port, hub_port=s.hub_port, proxy_api_port=s.proxy_api_port,
        proxy_pid=str(layout.hub_dir / "proxy.pid"), hub_dir=str(layout.hub_dir),
        instructor_config=str(layout.instructor_config), class_config=str(layout.class_config),
        chapters=str(layout.chapters), cull=s.cull_idle_seconds,
        proxy_timeout_ms=s.proxy_timeout_ms, proxy_max_clients=s.proxy_max_clients, spawn_timeout=s.spawn_timeout)


def write(layout: ClassLayout, s: HubSettings) -> Path:
    layout.hub_dir.mkdir(parents=True, exist_ok=True)
    layout.hub_dir.chmod(0o700)
    path = layout.hub_dir / "jupyterhub_config.py"
    path.write_text(render(layout, s), encoding="utf-8")
    path.chmod(0o600)
    return path
