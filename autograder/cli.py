"""``python -m autograder …``: the kit's command line.

The commands live by audience: :mod:`autograder.authorcommands` (content
authors and developers, English) and :mod:`autograder.classcommands` (the
instructor's class commands, 中文（English）); ``hub`` is
:mod:`autograder.hub.cli`.  Each sub-command imports what it needs only when
it runs, so ``check`` starts as fast as the engine itself.
"""
from __future__ import annotations

import argparse

from .authorcommands import add_author_commands
from .classcommands import add_course_commands, add_handout_commands

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The parser of every sub-command, group by group."""
    p = argparse.ArgumentParser(prog="python -m autograder",
                                description="客服礼仪课程与自动评分工具 / call-center etiquette courseware kit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_author_commands(sub)
    add_course_commands(sub)
    add_handout_commands(sub)
    from .hub.cli import add_parser as add_hub_parser  # stdlib-only: `check` stays fast
    add_hub_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder``: run one sub-command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
