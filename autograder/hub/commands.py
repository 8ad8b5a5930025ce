"""``hub up | down | reset | status``: one class on this server.

``up`` checks everything first (root, Debian, the course, the roster, the
port, accounts that belong to someone else, a hub already running) and
creates nothing when a check fails.  Then, each step idempotent: the shared
venv, the class group and accounts (homes 0700, initial passwords in a
root-only file), the exchange, the per-class Jupyter config, the course copy
in the instructor's home, the chapters, optionally Postgres, and the hub.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import HubError, accounts, env, exchange, hubconfig, postgres, process
from .layout import COURSE_ID, DEFAULT_STATE, DEFAULT_VENV, ClassLayout


@dataclass
class UpOptions:
    roster: Path
    course: Path
    port: int = 8000
    ip: str = "127.0.0.1"
    instructor: str = "teacher"
    user_prefix: str = "s"
    postgres: bool = False
    chapters: Path | None = None
    state_root: Path = DEFAULT_STATE
    venv: Path = DEFAULT_VENV
    kit: str | None = None
    cull_idle_seconds: int = 3600
    log: object = field(default=print, repr=False)


def require_root() -> None:
    if os.geteuid() != 0:
        raise HubError("hub 需要 root 权限 must run as root (it creates unix users): sudo python -m autograder hub …")
    if not Path("/etc/debian_version").exists():
        raise HubError("hub supports Debian/Ubuntu only (useradd, PAM, Debian's postgresql)")


def course_id_of(course: Path) -> str:
    from ..grading.coursedir import load_config

    if not (course / "nbgrader_config.py").is_file():
        raise HubError(f"{course}: not an nbgrader course (no nbgrader_config.py); "
                       "make one with `python -m autograder new-course DIR --course-id ID` or copy exercises/")
    cid = load_config(course).CourseDirectory.get("course_id") or ""
    if not COURSE_ID.match(cid):
        raise HubError(f"{course}/nbgrader_config.py: course_id {cid!r} must be lower-case letters, digits, "
                       "_ or - (it names the class's exchange folder and database)")
    return cid


def _settings(layout: ClassLayout) -> dict:
    try:
        return json.loads(layout.settings.read_text())
    except (OSError, ValueError):
        return {}


def hub_pid(layout: ClassLayout) -> int | None:
    pid = process.read_pid(layout.pid_file)
    return pid if process.alive(pid) else None


def up(o: UpOptions) -> str:
    require_root()
    course = o.course.resolve()
    if not course.is_dir():
        raise HubError(f"{o.course}: 课程文件夹不存在 no such course directory")
    cid = course_id_of(course)
    layout = ClassLayout(cid, o.state_root, o.venv)
    pid = hub_pid(layout)
    if pid:
        raise HubError(f"班级 {cid} 已经在运行 is already running (pid {pid}) at "
                       f"http://{_settings(layout).get('ip', o.ip)}:{_settings(layout).get('port', '?')}/ — "
                       "`hub status` shows it, `hub down` stops it")
    if not process.port_free(o.port, o.ip):
        raise HubError(f"端口 port {o.port} on {o.ip} is in use: pick another with --port")
    if not accounts.LOGIN.match(o.instructor):
        raise HubError(f"--instructor {o.instructor!r}: not a valid login name (lower-case letters, digits, _ -)")
    planned = accounts.plan_accounts(o.roster, o.user_prefix)
    teacher = accounts.Account(o.instructor, "", "教师")
    everyone = [teacher, *planned]
    if o.instructor in {a.login for a in planned}:
        raise HubError(f"--instructor {o.instructor} is also a student's login")
    ours = {a.login for a in accounts.load_accounts(layout.accounts)}
    foreign = [a.login for a in everyone if accounts.exists(a.login) and a.login not in ours]
    if foreign:
        raise HubError("这些用户已存在且不属于本班 these unix users already exist and were not created for class "
                       f"{cid}: {', '.join(foreign)}; use another --user-prefix / --instructor")
    chapters = o.chapters or (env.project_root() / "course" if env.project_root() else None)
    if chapters is None or not chapters.is_dir():
        raise HubError("no chapters to hand out: pass --chapters DIR (the course/ folder)")
    if o.postgres:
        postgres.bindir()

    # ---- checks done: act (each step idempotent) ----
    log = o.log
    env.ensure_venv(o.venv, o.kit, log=log)
    layout.root.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o755)
    group = f"kefu-{cid}"[:32]
    accounts.ensure_group(group)
    passwords = {}
    for a in everyone:
        pw = accounts.ensure_user(a, group)
        if pw:
            passwords[a.login] = pw
    all_accounts = {a.login: a for a in accounts.load_accounts(layout.accounts)} | {a.login: a for a in everyone}
    accounts.save_accounts(layout.accounts, list(all_accounts.values()))
    if passwords:
        accounts.append_passwords(layout.passwords, passwords, all_accounts)
    teacher_course = _install_course(course, cid, o.instructor, log)
    exchange.ensure_exchange(layout, o.instructor, group)
    # the venv's exchange root is the server's default one; a class under another
    # --state-dir (tests) sets its own in its class config, which wins
    exchange.write_venv_config(layout, exchange=layout.state_root == DEFAULT_STATE
                               or not (o.venv / "etc/jupyter/nbgrader_config.py").exists())
    exchange.write_class_config(layout, o.instructor, teacher_course)
    exchange.publish_chapters(layout, chapters)
    settings = _settings(layout)
    pg_port = settings.get("pg_port")
    started_pg = False
    if o.postgres:
        pg_port = pg_port if pg_port and process.port_free(pg_port) else process.free_port()
        cluster = postgres.Cluster(layout.pg_dir, pg_port)
        started_pg = not postgres.running(cluster)
        db = f"kefu_{cid.replace('-', '_')}"
        url = postgres.ensure_cluster(cluster, db, db)
        set_db_url(teacher_course, url, o.instructor)
    hs = hubconfig.HubSettings(port=o.port, hub_port=process.free_port(), proxy_api_port=process.free_port(),
                               instructor=o.instructor, ip=o.ip, cull_idle_seconds=o.cull_idle_seconds,
                               students={a.login: a.student_id for a in all_accounts.values() if not a.is_instructor})
    config = hubconfig.write(layout, hs)
    layout.settings.write_text(json.dumps({
        "port": o.port, "ip": o.ip, "instructor": o.instructor, "course": str(teacher_course),
        "postgres": o.postgres, "pg_port": pg_port, "venv": str(o.venv), "group": group}, indent=2))
    hub_env = {"PATH": f"{o.venv}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
    pid = process.start([env.venv_bin(o.venv, "jupyterhub"), "-f", str(config)], layout.hub_dir,
                        layout.log_file, layout.pid_file, hub_env)
    try:
        process.wait_ready(f"http://127.0.0.1:{o.port}/hub/api", pid, layout.log_file)
    except HubError:
        process.stop_pid(pid)
        if started_pg:
            postgres.stop(postgres.Cluster(layout.pg_dir, pg_port))
        raise
    url = f"http://{o.ip}:{o.port}/"
    lines = [f"班级 {cid} 已启动 is up: {url}  (pid {pid}, log {layout.log_file})",
             f"  教师 instructor: {o.instructor}; 课程 course: {teacher_course}",
             f"  学生 students: {len(planned)}; 账号对照 accounts: {layout.accounts}",
             f"  初始密码 initial passwords (root only): {layout.passwords}"
             + (f" — {len(passwords)} new" if passwords else "")]
    if o.postgres:
        lines.append(f"  成绩库 gradebook: PostgreSQL on 127.0.0.1:{pg_port} (db_url in {teacher_course}/nbgrader_config.py, 0600)")
    return "\n".join(lines)


def _install_course(course: Path, cid: str, instructor: str, log) -> Path:
    """The course lives in the instructor's 0700 home; copied there once."""
    home = accounts.home_of(instructor)
    dest = home / cid
    if course == dest or dest in course.parents:
        return course
    if not dest.exists():
        log(f"copying {course} to {dest} (the instructor's copy; edit it there)")
        shutil.copytree(course, dest, symlinks=True, ignore=shutil.ignore_patterns(
            "gradebook.db", "submitted", "autograded", "feedback", "release", ".ipynb_checkpoints"))
        accounts.chown_tree(dest, instructor)
    return dest


MARK_BEGIN = "# --- kefu-hub gradebook (written by `hub up --postgres`) ---"
MARK_END = "# --- end kefu-hub gradebook ---"


def set_db_url(course: Path, url: str, owner: str) -> None:
    cfg = course / "nbgrader_config.py"
    text = cfg.read_text(encoding="utf-8")
    if MARK_BEGIN in text:
        text = text[:text.index(MARK_BEGIN)].rstrip("\n") + "\n" + text[text.index(MARK_END) + len(MARK_END):].lstrip("\n")
    text = text.rstrip("\n") + f"\n\n{MARK_BEGIN}\nc.CourseDirectory.db_url = {url!r}\n{MARK_END}\n"
    cfg.write_text(text, encoding="utf-8")
    pw = pwd.getpwnam(owner)
    os.chown(cfg, pw.pw_uid, pw.pw_gid)
    cfg.chmod(0o600)


def _find_layout(course: Path, state_root: Path, venv: Path) -> ClassLayout:
    course = course.resolve()
    if (course / "nbgrader_config.py").is_file():
        return ClassLayout(course_id_of(course), state_root, venv)
    if COURSE_ID.match(course.name) and (state_root / "classes" / course.name).is_dir():
        return ClassLayout(course.name, state_root, venv)
    raise HubError(f"{course}: not a course deployed here (no nbgrader_config.py)")


def down(course: Path, state_root: Path = DEFAULT_STATE, venv: Path = DEFAULT_VENV) -> str:
    require_root()
    layout = _find_layout(course, state_root, venv)
    settings = _settings(layout)
    pid = hub_pid(layout)
    stopped = []
    if pid:
        process.stop_pid(pid)
        stopped.append(f"JupyterHub (pid {pid})")
    proxy = process.read_pid(layout.hub_dir / "proxy.pid")
    if process.alive(proxy):
        process.stop_pid(proxy, timeout=10)
        stopped.append(f"proxy (pid {proxy})")
    uids = set()
    for a in accounts.load_accounts(layout.accounts):
        try:
            uids.add(pwd.getpwnam(a.login).pw_uid)
        except KeyError:
            pass
    left = process.stop_user_processes(uids, str(venv)) if uids else 0
    if left:
        stopped.append(f"{left} leftover user processes")
    if settings.get("pg_port") and postgres.stop(postgres.Cluster(layout.pg_dir, settings["pg_port"])):
        stopped.append("PostgreSQL")
    layout.pid_file.unlink(missing_ok=True)
    if not stopped:
        return f"班级 {layout.course_id} 没有在运行 is not running: nothing to stop"
    return f"班级 {layout.course_id} 已停止 stopped: " + ", ".join(stopped)


def reset(course: Path, remove_students: bool = False, state_root: Path = DEFAULT_STATE,
          venv: Path = DEFAULT_VENV) -> str:
    """A new term: stop, empty the exchange, clear nbgrader caches and the hub's state."""
    require_root()
    layout = _find_layout(course, state_root, venv)
    lines = [down(course, state_root, venv)]
    exchange.clear_exchange(layout)
    lines.append(f"exchange {layout.exchange / layout.course_id} emptied")
    cleared = 0
    for a in accounts.load_accounts(layout.accounts):
        if accounts.exists(a.login):
            pw = pwd.getpwnam(a.login)
            # as the user: a symlink planted in the home cannot turn this into root's rm
            subprocess.run(["rm", "-rf", ".local/share/jupyter/nbgrader_cache"], cwd=pw.pw_dir,
                           user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], check=False)
            cleared += 1
    lines.append(f"nbgrader_cache cleared for {cleared} users")
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret"):
        (layout.hub_dir / name).unlink(missing_ok=True)
    if remove_students:
        kept = []
        for a in accounts.load_accounts(layout.accounts):
            if a.is_instructor:
                kept.append(a)
            else:
                accounts.remove_user(a.login)
        accounts.save_accounts(layout.accounts, kept)
        lines.append("student accounts and homes removed")
    return "\n".join(lines)


def status(course: Path, state_root: Path = DEFAULT_STATE, venv: Path = DEFAULT_VENV) -> tuple[bool, str]:
    layout = _find_layout(course, state_root, venv)
    s = _settings(layout)
    pid = hub_pid(layout)
    n = sum(not a.is_instructor for a in accounts.load_accounts(layout.accounts))
    if not pid:
        return False, f"班级 {layout.course_id}: 未运行 not running ({n} student accounts)"
    pg = ""
    if s.get("postgres") and s.get("pg_port"):
        up_ = postgres.running(postgres.Cluster(layout.pg_dir, s["pg_port"]))
        pg = f"; PostgreSQL 127.0.0.1:{s['pg_port']} {'running' if up_ else 'NOT running'}"
    return True, (f"班级 {layout.course_id}: 运行中 running at http://{s.get('ip')}:{s.get('port')}/ "
                  f"(pid {pid}); {n} students; instructor {s.get('instructor')}{pg}")
