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
from ..messages import say
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
        raise HubError(say("hub 需要 root 权限，因为要建立 unix 用户", "hub must run as root: it creates unix users")
                       + "：sudo python -m autograder hub …")
    if not Path("/etc/debian_version").exists():
        raise HubError(say("hub 只支持 Debian/Ubuntu", "hub supports Debian/Ubuntu only: useradd, PAM, Debian's postgresql"))


def course_id_of(course: Path) -> str:
    from ..grading.coursedir import load_config

    if not (course / "nbgrader_config.py").is_file():
        raise HubError(say("不是 nbgrader 课程文件夹，缺少 nbgrader_config.py；"
                           "可以用 `python -m autograder new-course DIR --course-id ID` 新建，或复制 exercises/",
                           "not an nbgrader course, no nbgrader_config.py; "
                           "make one with `python -m autograder new-course DIR --course-id ID` or copy exercises/")
                       + f"：{course}")
    cid = load_config(course).CourseDirectory.get("course_id") or ""
    if not COURSE_ID.match(cid):
        raise HubError(say(f"course_id {cid!r} 只能用小写字母、数字、_ 和 -，它是班级交换目录和数据库的名字",
                           f"course_id {cid!r} must be lower-case letters, digits, _ or -: "
                           "it names the class's exchange folder and database") + f"：{course}/nbgrader_config.py")
    return cid


def _settings(layout: ClassLayout) -> dict:
    try:
        return json.loads(layout.settings.read_text())
    except (OSError, ValueError):
        return {}


def hub_pid(layout: ClassLayout) -> int | None:
    pid = process.read_pid(layout.pid_file)
    return pid if process.alive(pid) else None


@dataclass
class _Deployment:
    """One ``up`` run: what the checks found, then what each step made."""

    options: UpOptions
    course: Path
    layout: ClassLayout
    teacher: accounts.Account
    students: list[accounts.Account]
    chapters: Path
    group: str = ""
    accounts: dict[str, accounts.Account] = field(default_factory=dict)  # login → account, old and new
    passwords: dict[str, str] = field(default_factory=dict)  # login → initial password, new accounts only
    teacher_course: Path | None = None
    pg_port: int | None = None
    started_pg: bool = False
    pid: int | None = None

    @property
    def cid(self) -> str:
        return self.layout.course_id


def up(o: UpOptions) -> str:
    """Check everything, then set up and start one class (each step idempotent); the instructor's summary."""
    require_root()
    d = _checked(o)
    env.ensure_venv(o.venv, o.kit, log=o.log)
    d.layout.root.mkdir(parents=True, exist_ok=True)
    d.layout.root.chmod(0o755)
    _create_accounts(d)
    _install_class(d)
    d.pg_port = _settings(d.layout).get("pg_port")  # kept in the settings even when this run has no --postgres
    if o.postgres:
        _start_postgres(d)
    _start_hub(d)
    return _up_summary(d)


def _checked(o: UpOptions) -> _Deployment:
    """Every check ``up`` makes before it creates anything (a failed check raises HubError)."""
    course = o.course.resolve()
    if not course.is_dir():
        raise HubError(f"{say('课程文件夹不存在', 'no such course directory')}：{o.course}")
    cid = course_id_of(course)
    layout = ClassLayout(cid, o.state_root, o.venv)
    pid = hub_pid(layout)
    if pid:
        where = f"http://{_settings(layout).get('ip', o.ip)}:{_settings(layout).get('port', '?')}/"
        raise HubError(say(f"班级 {cid} 已经在运行，`hub status` 查看，`hub down` 停止",
                           f"class {cid} is already running: `hub status` shows it, `hub down` stops it")
                       + f"：pid {pid}，{where}")
    if not process.port_free(o.port, o.ip):
        raise HubError(say(f"端口 {o.port} 已被占用，请用 --port 换一个", f"port {o.port} on {o.ip} is in use: "
                           "pick another with --port"))
    if not accounts.LOGIN.match(o.instructor):
        raise HubError(say(f"教师登录名 --instructor {o.instructor!r} 不合法：只能用小写字母、数字、_ 和 -",
                           f"the login --instructor {o.instructor!r} is not valid: lower-case letters, digits, _ -"))
    students = accounts.plan_accounts(o.roster, o.user_prefix)
    if o.instructor in {a.login for a in students}:
        raise HubError(say(f"教师登录名 {o.instructor} 也是某个学生的登录名",
                           f"the instructor login {o.instructor} is also a student's login"))
    d = _Deployment(o, course, layout, accounts.Account(o.instructor, "", "教师"), students, Path())
    ours = {a.login for a in accounts.load_accounts(layout.accounts)}
    foreign = [a.login for a in [d.teacher, *students] if accounts.exists(a.login) and a.login not in ours]
    if foreign:
        raise HubError(say(f"这些 unix 用户已经存在，却不是为班级 {cid} 建的：请换一个 --user-prefix 或 --instructor",
                           f"these unix users already exist and were not created for class {cid}: "
                           "use another --user-prefix or --instructor") + f"：{', '.join(foreign)}")
    d.chapters = o.chapters or (env.project_root() / "course" if env.project_root() else None)
    if d.chapters is None or not d.chapters.is_dir():
        raise HubError(say("没有可以发给学生的章节：请用 --chapters 指定 course/ 文件夹",
                           "no chapters to hand out: pass --chapters DIR, the course/ folder"))
    if o.postgres:
        postgres.bindir()
    return d


def _create_accounts(d: _Deployment) -> None:
    """The class group and one unix account per person; new passwords into the root-only file."""
    d.group = f"kefu-{d.cid}"[:32]
    accounts.ensure_group(d.group)
    for a in [d.teacher, *d.students]:
        pw = accounts.ensure_user(a, d.group)
        if pw:
            d.passwords[a.login] = pw
    d.accounts = {a.login: a for a in accounts.load_accounts(d.layout.accounts)} | \
        {a.login: a for a in [d.teacher, *d.students]}
    accounts.save_accounts(d.layout.accounts, list(d.accounts.values()))
    if d.passwords:
        accounts.append_passwords(d.layout.passwords, d.passwords, d.accounts)


def _install_class(d: _Deployment) -> None:
    """The instructor's course copy, the exchange, the Jupyter configs and the chapters."""
    o, layout = d.options, d.layout
    d.teacher_course = _install_course(d.course, d.cid, o.instructor, o.log)
    exchange.ensure_exchange(layout, o.instructor, d.group)
    # the venv's exchange root is the server's default one; a class under another
    # --state-dir (tests) sets its own in its class config, which wins
    exchange.write_venv_config(layout, exchange=layout.state_root == DEFAULT_STATE
                               or not (o.venv / "etc/jupyter/nbgrader_config.py").exists())
    exchange.write_class_config(layout, o.instructor, d.teacher_course)
    exchange.publish_chapters(layout, d.chapters)


def _start_postgres(d: _Deployment) -> None:
    """The class's private PostgreSQL cluster, its database, and the course's db_url pointing at it."""
    d.pg_port = d.pg_port if d.pg_port and process.port_free(d.pg_port) else process.free_port()
    cluster = postgres.Cluster(d.layout.pg_dir, d.pg_port)
    d.started_pg = not postgres.running(cluster)
    db = f"kefu_{d.cid.replace('-', '_')}"
    set_db_url(d.teacher_course, postgres.ensure_cluster(cluster, db, db), d.options.instructor)


def _start_hub(d: _Deployment) -> None:
    """The hub's config and settings, then JupyterHub itself; a hub that does not answer is stopped again."""
    o, layout = d.options, d.layout
    students = {a.login: a.student_id for a in d.accounts.values() if not a.is_instructor}
    hs = hubconfig.HubSettings(port=o.port, hub_port=process.free_port(), proxy_api_port=process.free_port(),
                               instructor=o.instructor, ip=o.ip, cull_idle_seconds=o.cull_idle_seconds,
                               students=students)
    config = hubconfig.write(layout, hs)
    layout.settings.write_text(json.dumps({
        "port": o.port, "ip": o.ip, "instructor": o.instructor, "course": str(d.teacher_course),
        "postgres": o.postgres, "pg_port": d.pg_port, "venv": str(o.venv), "group": d.group}, indent=2))
    hub_env = {"PATH": f"{o.venv}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
    d.pid = process.start([env.venv_bin(o.venv, "jupyterhub"), "-f", str(config)], layout.hub_dir,
                          layout.log_file, layout.pid_file, hub_env)
    try:
        process.wait_ready(f"http://127.0.0.1:{o.port}/hub/api", d.pid, layout.log_file)
    except HubError:
        process.stop_pid(d.pid)
        if d.started_pg:
            postgres.stop(postgres.Cluster(layout.pg_dir, d.pg_port))
        raise


def _up_summary(d: _Deployment) -> str:
    o, layout = d.options, d.layout
    new = f"，{say(f'新建 {len(d.passwords)} 个', f'{len(d.passwords)} new')}" if d.passwords else ""
    lines = [f"{say(f'班级 {d.cid} 已启动', f'class {d.cid} is up')}：http://{o.ip}:{o.port}/  "
             f"pid {d.pid}，log {layout.log_file}",
             f"  {say('教师', 'instructor')}：{o.instructor}；{say('课程', 'course')}：{d.teacher_course}",
             f"  {say('学生', 'students')}：{len(d.students)}；{say('账号对照', 'accounts')}：{layout.accounts}",
             f"  {say('初始密码，只有 root 能读', 'initial passwords, root only')}：{layout.passwords}{new}"]
    if o.postgres:
        lines.append(f"  {say('成绩库', 'gradebook')}：PostgreSQL 127.0.0.1:{d.pg_port}，"
                     f"db_url → {d.teacher_course}/nbgrader_config.py (0600)")
    return "\n".join(lines)


def _install_course(course: Path, cid: str, instructor: str, log) -> Path:
    """The course lives in the instructor's 0700 home; copied there once."""
    home = accounts.home_of(instructor)
    dest = home / cid
    if course == dest or dest in course.parents:
        return course
    if not dest.exists():
        log(f"{say('复制课程到教师的主目录，以后在那里修改', 'copying the course to the instructor, edit it there')}："
            f"{course} → {dest}")
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
    raise HubError(say("这里没有部署这门课，也找不到 nbgrader_config.py",
                       "not a course deployed here, no nbgrader_config.py") + f"：{course}")


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
        stopped.append(say(f"{left} 个遗留的用户进程", f"{left} leftover user processes"))
    if settings.get("pg_port") and postgres.stop(postgres.Cluster(layout.pg_dir, settings["pg_port"])):
        stopped.append("PostgreSQL")
    layout.pid_file.unlink(missing_ok=True)
    cid = layout.course_id
    if not stopped:
        return say(f"班级 {cid} 没有在运行，不用停止", f"class {cid} is not running: nothing to stop")
    return say(f"班级 {cid} 已停止", f"class {cid} stopped") + "：" + ", ".join(stopped)


def reset(course: Path, remove_students: bool = False, state_root: Path = DEFAULT_STATE,
          venv: Path = DEFAULT_VENV) -> str:
    """A new term: stop, empty the exchange, clear nbgrader caches and the hub's state."""
    require_root()
    layout = _find_layout(course, state_root, venv)
    lines = [down(course, state_root, venv)]
    exchange.clear_exchange(layout)
    lines.append(f"{say('已清空交换目录', 'exchange emptied')}：{layout.exchange / layout.course_id}")
    cleared = 0
    for a in accounts.load_accounts(layout.accounts):
        if accounts.exists(a.login):
            pw = pwd.getpwnam(a.login)
            # as the user: a symlink planted in the home cannot turn this into root's rm
            subprocess.run(["rm", "-rf", ".local/share/jupyter/nbgrader_cache"], cwd=pw.pw_dir,
                           user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], check=False)
            cleared += 1
    lines.append(say(f"已清除 {cleared} 个用户的 nbgrader_cache", f"nbgrader_cache cleared for {cleared} users"))
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
        lines.append(say("已删除学生账号和主目录", "student accounts and homes removed"))
    return "\n".join(lines)


def status(course: Path, state_root: Path = DEFAULT_STATE, venv: Path = DEFAULT_VENV) -> tuple[bool, str]:
    layout = _find_layout(course, state_root, venv)
    s = _settings(layout)
    pid = hub_pid(layout)
    n = sum(not a.is_instructor for a in accounts.load_accounts(layout.accounts))
    cid = layout.course_id
    if not pid:
        return False, say(f"班级 {cid} 未运行，学生账号 {n} 个", f"class {cid} is not running, {n} student accounts")
    pg = ""
    if s.get("postgres") and s.get("pg_port"):
        up_ = postgres.running(postgres.Cluster(layout.pg_dir, s["pg_port"]))
        pg = f"；PostgreSQL 127.0.0.1:{s['pg_port']} " + (say("运行中", "running") if up_ else say("未运行", "NOT running"))
    return True, (say(f"班级 {cid} 运行中，学生 {n} 人，教师 {s.get('instructor')}",
                      f"class {cid} is running, {n} students, instructor {s.get('instructor')}")
                  + f"：http://{s.get('ip')}:{s.get('port')}/，pid {pid}{pg}")
