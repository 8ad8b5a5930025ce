"""The ``hub`` sub-command of ``python -m autograder``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .layout import DEFAULT_STATE, DEFAULT_VENV
from ..messages import error_line, say


def run(args: argparse.Namespace) -> int:
    from . import HubError, commands

    common = dict(state_root=Path(args.state_dir), venv=Path(args.venv))
    try:
        if args.hub_command == "up":
            if not args.roster:
                raise HubError(say("启动班级需要名单：--roster 名单.xlsx，含学号、姓名，班级可选",
                                   "hub up needs --roster FILE with 学号, 姓名 and optionally 班级"))
            print(commands.up(commands.UpOptions(
                roster=Path(args.roster), course=Path(args.course), port=args.port, ip=args.ip,
                instructor=args.instructor, user_prefix=args.user_prefix, postgres=args.postgres,
                chapters=Path(args.chapters) if args.chapters else None, kit=args.kit,
                cull_idle_seconds=args.cull_idle, **common)))
        elif args.hub_command == "down":
            print(commands.down(Path(args.course), **common))
        elif args.hub_command == "reset":
            print(commands.reset(Path(args.course), remove_students=args.remove_students, **common))
        else:
            running, text = commands.status(Path(args.course), **common)
            print(text)
            return 0 if running else 3
    except HubError as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    return 0


def add_parser(sub) -> None:
    h = sub.add_parser("hub", help="deploy a class onto JupyterHub on this server (root; up/down/reset/status)")
    h.add_argument("hub_command", choices=["up", "down", "reset", "status"], metavar="up|down|reset|status")
    h.add_argument("--course", required=True, metavar="DIR", help="the nbgrader course directory")
    h.add_argument("--roster", metavar="FILE", help="up: class roster (.xlsx/.csv with 学号, 姓名[, 班级])")
    h.add_argument("--postgres", action="store_true", help="up: a private PostgreSQL cluster for the gradebook")
    h.add_argument("--port", type=int, default=8000, help="up: the port students open (default 8000)")
    h.add_argument("--ip", default="127.0.0.1",
                   help="up: the address to listen on (default 127.0.0.1; 0.0.0.0 for the classroom network)")
    h.add_argument("--instructor", default="teacher", metavar="LOGIN", help="up: the instructor's login (default teacher)")
    h.add_argument("--user-prefix", default="s", metavar="P", help="up: student login = P + 学号 (default s)")
    h.add_argument("--chapters", metavar="DIR", help="up: chapter folder to hand out (default the kit's course/)")
    h.add_argument("--kit", metavar="SPEC", help="up: what to pip-install as the kit (default this source tree)")
    h.add_argument("--cull-idle", type=int, default=3600, metavar="SECONDS",
                   help="up: stop servers idle this long (default 3600)")
    h.add_argument("--remove-students", action="store_true", help="reset: also delete student accounts and homes")
    h.add_argument("--state-dir", default=str(DEFAULT_STATE), help=argparse.SUPPRESS)
    h.add_argument("--venv", default=str(DEFAULT_VENV), help=argparse.SUPPRESS)
    h.set_defaults(func=run)
