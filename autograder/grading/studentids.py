"""Which student ids the kit accepts: one rule for roster import, collect, grading and export.

A student id becomes a folder name (``submitted/<id>``), part of nbgrader's
exchange file names (``<id>+<assignment>+<timestamp>+<random>``), a
gradebook key and text in formgrader's pages.  A student can choose it (a
folder in the exchange inbound), so only ids that are harmless everywhere
are accepted: ASCII letters and digits, Chinese characters, and ``_ . @ -``
inside; at most 128 characters; not starting with ``.`` or ``-``.  No ``+``
(the exchange's separator), ``/``, spaces, control or invisible characters,
or HTML.

The roster: when the gradebook lists students that the kit's grader did not
create itself (a roster imported with ``roster import``, or students added
with ``nbgrader db student add`` / formgrader), only those ids are graded
and exported.  Ids the grader created because a folder appeared while there
was no roster are recorded in a side table so they never count as a roster.
"""
from __future__ import annotations

import os
import re

__all__ = ["MAX_ID", "SAFE_ID", "id_problem", "shown", "roster_ids", "mark_unlisted", "mark_listed",
           "UNLISTED_TABLE"]

MAX_ID = 128
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
SAFE_ID = re.compile(rf"[A-Za-z0-9_{_HAN}][A-Za-z0-9_.@\-{_HAN}]{{0,{MAX_ID - 1}}}")
UNLISTED_TABLE = "autograder_unlisted_student"

_NAMES = {" ": "空格", "+": "+", "\t": "制表符"}


def shown(name: str) -> str:
    """A folder name or id as safe, printable text (bytes that are not UTF-8 as \\xNN)."""
    from ..terminal import printable

    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return printable(name)


def id_problem(sid: str) -> str | None:
    """Why ``sid`` cannot be a student id (Chinese), or None when it is safe."""
    if not sid:
        return "学号为空"
    try:
        sid.encode("utf-8")
    except UnicodeEncodeError:
        return "文件夹名不是有效的 UTF-8 文字，不能作为学号"
    if len(sid) > MAX_ID:
        return f"学号太长（超过 {MAX_ID} 个字符）"
    if SAFE_ID.fullmatch(sid):
        return None
    if sid[0] in ".-":
        return f"学号不能以“{sid[0]}”开头"
    bad = sorted({c for c in sid if not SAFE_ID.fullmatch("a" + c)})
    listed = " ".join(_NAMES.get(c, shown(c) if c.isprintable() else repr(c)[1:-1]) for c in bad[:8])
    return f"学号只能由字母、数字、汉字和 _ . @ - 组成（nbgrader 的提交交换区和 formgrader 无法安全地使用 {listed}）"


# --------------------------------------------------------------------------- the roster


def _table():
    from sqlalchemy import Column, MetaData, String, Table

    return Table(UNLISTED_TABLE, MetaData(), Column("student_id", String(128), primary_key=True))


def _unlisted(gb) -> set[str]:
    from sqlalchemy import inspect, select

    if not inspect(gb.engine).has_table(UNLISTED_TABLE):
        return set()
    table = _table()
    return {row[0] for row in gb.db.execute(select(table.c.student_id)).all()}


def roster_ids(gb) -> set[str] | None:
    """The ids on the course's roster, or None when there is no roster (see the module docstring)."""
    listed = {s.id for s in gb.students} - _unlisted(gb)
    return listed or None


def mark_unlisted(gb, sid: str) -> None:
    """Record that the grader created ``sid`` from a folder name (no roster); flushed, not committed."""
    from sqlalchemy import insert

    if sid in _unlisted(gb):
        return
    table = _table()
    table.metadata.create_all(gb.engine)
    gb.db.execute(insert(table).values(student_id=sid))


def mark_listed(gb, ids) -> None:
    """Ids now on a roster (``roster import``): they count as listed from now on."""
    from sqlalchemy import delete, inspect

    ids = list(ids)
    if not ids or not inspect(gb.engine).has_table(UNLISTED_TABLE):
        return
    table = _table()
    gb.db.execute(delete(table).where(table.c.student_id.in_(ids)))
