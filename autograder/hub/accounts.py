"""Unix accounts for a class: one per roster row, plus the instructor.

学号 → login name: ``PREFIX + 学号`` in lower case (``2024001`` →
``s2024001``; Debian refuses all-digit names).  The mapping is written to a
root-only ``accounts.tsv``; nbgrader keeps using the 学号 as the student id
(the spawner passes it in, see :mod:`.exchange`), so the gradebook, the
exchange and the exports speak 学号.  A 学号 must be letters, digits, ``_`` or
``-``: ``+`` breaks nbgrader's exchange (``id+assignment+time`` folder names)
and anything else breaks paths or login names.  Any bad row stops ``up``
before anything is created.

Initial passwords are random, written to a root-only file for the instructor
to hand out (PAM: students change theirs with ``passwd`` in a terminal).  A
classroom has no e-mail or SSO to lean on, and PAM keeps the unix user — the
thing that isolates homes — the same as the login.
"""
from __future__ import annotations

import grp
import pwd
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import HubError
from ..messages import say

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
LOGIN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud in a classroom


@dataclass(frozen=True)
class Account:
    login: str
    student_id: str  # nbgrader's student id; "" for the instructor
    name: str = ""

    @property
    def is_instructor(self) -> bool:
        return not self.student_id


def plan_accounts(roster_path: Path, prefix: str) -> list[Account]:
    """Roster rows → accounts; every problem at once, as one HubError."""
    from ..classroom.roster import RosterError, read_roster

    try:
        roster = read_roster(roster_path)
    except (RosterError, FileNotFoundError, OSError) as exc:
        raise HubError(f"{say('名单文件无法使用', 'cannot use the roster')}：{roster_path}：{exc}") from None
    problems = [f"  - {p}" for p in roster.problems]
    accounts: list[Account] = []
    seen: dict[str, str] = {}
    for e in roster.entries:
        if not STUDENT_ID.match(e.id):
            problems.append(f"  - 学号 {e.id!r}：" + say("只能用字母、数字、_ 和 -，最多 32 个字符；'+' 会破坏 nbgrader 的交换目录",
                                                        "only letters, digits, _ and -, at most 32; no '+'"))
            continue
        login = f"{prefix}{e.id}".lower()
        if not LOGIN.match(login):
            problems.append(f"  - 学号 {e.id!r}：" + say(f"登录名 {login!r} 不合法，请换一个 --user-prefix",
                                                        f"invalid login name {login!r}: try another --user-prefix"))
        elif login in seen:
            problems.append(f"  - 学号 {e.id!r}：" + say(f"与 {seen[login]!r} 只差大小写，登录名都是 {login}",
                                                        f"differ only in case from {seen[login]!r}, same login {login}"))
        else:
            seen[login] = e.id
            accounts.append(Account(login, e.id, e.name))
    if not accounts and not problems:
        problems.append("  - " + say("名单是空的", "the roster has no students"))
    if problems:
        raise HubError(say("名单有问题，什么都没有创建", "the roster has problems: nothing was created")
                       + f"：{roster_path}\n" + "\n".join(problems))
    return accounts


def exists(login: str) -> bool:
    try:
        pwd.getpwnam(login)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        subprocess.run(["groupadd", name], check=True, capture_output=True)


def ensure_user(acc: Account, group: str) -> str | None:
    """Create ``acc`` (home 0700, in ``group``); return its new password, None if it existed."""
    password = None
    if not exists(acc.login):
        r = subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group,
                            "--comment", acc.name or acc.login, acc.login], capture_output=True, text=True)
        if r.returncode:
            raise HubError(f"{say(f'建立用户 {acc.login} 失败', f'useradd {acc.login} failed')}：{r.stderr.strip()}")
        password = "".join(secrets.choice(ALPHABET) for _ in range(10))
        subprocess.run(["chpasswd"], input=f"{acc.login}:{password}\n", text=True, check=True)
    else:
        subprocess.run(["usermod", "--append", "--groups", group, acc.login], check=True, capture_output=True)
    home = Path(pwd.getpwnam(acc.login).pw_dir)
    home.chmod(0o700)  # Debian's default 0755 lets everyone read everyone's work
    return password


def remove_user(login: str) -> None:
    """Delete a class account and its home (its processes must be stopped first)."""
    if exists(login):
        subprocess.run(["userdel", "--remove", login], capture_output=True)
        if exists(login):
            raise HubError(say(f"删除用户 {login} 失败：它还有进程在运行吗", f"userdel {login} failed: is a process of it still running?"))


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


def save_accounts(path: Path, accounts: list[Account]) -> None:
    lines = ["login\t学号\t姓名"] + [f"{a.login}\t{a.student_id}\t{a.name}" for a in accounts]
    write_private(path, "\n".join(lines) + "\n")


def load_accounts(path: Path) -> list[Account]:
    if not path.exists():
        return []
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line]
    return [Account(r[0], r[1], r[2] if len(r) > 2 else "") for r in rows]


def append_passwords(path: Path, new: dict[str, str], accounts: dict[str, Account]) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "登录名 login\t学号\t姓名\t初始密码 password\n"
    lines = [f"{login}\t{accounts[login].student_id or '(教师 instructor)'}\t{accounts[login].name}\t{pw}"
             for login, pw in new.items()]
    write_private(path, old + "".join(line + "\n" for line in lines))


def home_of(login: str) -> Path:
    return Path(pwd.getpwnam(login).pw_dir)


def chown_tree(path: Path, login: str) -> None:
    pw = pwd.getpwnam(login)
    for p in [path, *path.rglob("*")]:
        shutil.chown(p, pw.pw_uid, pw.pw_gid)
