"""A private PostgreSQL cluster for one class's gradebook (``hub up --postgres``).

Debian's ``postgresql`` package provides the binaries
(``/usr/lib/postgresql/<v>/bin``); the cluster is our own: its data
directory under the class's state dir, owned by the ``postgres`` system user,
listening on 127.0.0.1 only at a port of its own, password (scram) logins
over TCP.  One role and one database per class; the ``db_url`` goes into the
instructor's course file (0600), the only place the kit and nbgrader read it.
"""
from __future__ import annotations

import os
import pwd
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import HubError
from ..messages import say


@dataclass(frozen=True)
class Cluster:
    base: Path  # the class's postgres/ dir
    port: int

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def log(self) -> Path:
        return self.base / "postgres.log"

    @property
    def password_file(self) -> Path:
        return self.base / "password"


def bindir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise HubError(say("找不到 PostgreSQL：请安装 postgresql，或者不用 --postgres",
                           "PostgreSQL not found: apt-get install postgresql, or leave out --postgres"))
    return versions[-1].parent


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    pw = pwd.getpwnam("postgres")
    return subprocess.run(cmd, user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], capture_output=True,
                          text=True, cwd="/",
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, **kw)


def running(cluster: Cluster) -> bool:
    if not (cluster.data / "postmaster.pid").exists():
        return False
    return _as_postgres([str(bindir() / "pg_ctl"), "-D", str(cluster.data), "status"]).returncode == 0


def ensure_cluster(cluster: Cluster, role: str, database: str) -> str:
    """Create (once) and start the cluster; return the ``db_url``."""
    pw = pwd.getpwnam("postgres")
    cluster.base.mkdir(parents=True, exist_ok=True)
    os.chown(cluster.base, pw.pw_uid, pw.pw_gid)
    cluster.base.chmod(0o700)
    cluster.socket_dir.mkdir(exist_ok=True)
    os.chown(cluster.socket_dir, pw.pw_uid, pw.pw_gid)
    if not (cluster.data / "PG_VERSION").exists():
        r = _as_postgres([str(bindir() / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-E", "UTF8",
                          "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=scram-sha-256"])
        if r.returncode:
            raise HubError(f"{say('初始化 PostgreSQL 失败', 'initdb failed')}：{r.stderr.strip()[-500:]}")
    if not running(cluster):
        opts = f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.socket_dir}"
        r = _as_postgres([str(bindir() / "pg_ctl"), "-D", str(cluster.data), "-l", str(cluster.log),
                          "-o", opts, "-w", "-t", "60", "start"])
        if r.returncode:
            tail = cluster.log.read_text(errors="replace")[-600:] if cluster.log.exists() else r.stderr
            raise HubError(say(f"数据库 PostgreSQL 没有在 127.0.0.1:{cluster.port} 上启动",
                               f"PostgreSQL did not start on 127.0.0.1:{cluster.port}") + f"：\n{tail}")
    if cluster.password_file.exists():
        password = cluster.password_file.read_text().strip()
    else:
        password = secrets.token_urlsafe(18)
        cluster.password_file.write_text(password)
        cluster.password_file.chmod(0o600)
    sql = (f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
           f"CREATE ROLE \"{role}\" LOGIN; END IF; END$$;\n"
           f"ALTER ROLE \"{role}\" PASSWORD '{password}';\n")
    _psql(cluster, sql)
    if _psql(cluster, f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip() != "1":
        _psql(cluster, f'CREATE DATABASE "{database}" OWNER "{role}"')
    return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{cluster.port}/{database}"


def _psql(cluster: Cluster, sql: str) -> str:
    r = _as_postgres([str(bindir() / "psql"), "-h", str(cluster.socket_dir), "-p", str(cluster.port),
                      "-U", "postgres", "-d", "postgres", "-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
    if r.returncode:
        raise HubError(f"{say('执行 psql 失败', 'psql failed')}：{r.stderr.strip()}")
    return r.stdout


def stop(cluster: Cluster) -> bool:
    if not running(cluster):
        return False
    r = _as_postgres([str(bindir() / "pg_ctl"), "-D", str(cluster.data), "-m", "fast", "-w", "-t", "60", "stop"])
    if r.returncode:
        raise HubError(f"{say('停止 PostgreSQL 失败', 'pg_ctl stop failed')}：{r.stderr.strip()}")
    return True
