"""Class roster import (``python -m autograder roster import FILE --course DIR``).

Reads the roster a school office hands out — CSV (UTF-8 with or without BOM,
GBK/GB18030 as Excel in China saves it, UTF-16 "Unicode text") or XLSX — with
the Chinese headers 学号, 姓名 and optionally 班级 (a title row above the
headers is fine), and writes it into the course's nbgrader gradebook with
``Gradebook.update_or_create_student``.

Where things go
---------------
* 学号 → ``Student.id`` (NFKC-normalised, so full-width digits typed on a
  phone become ASCII and match the ``submitted/<id>`` folders).
* 姓名 → ``last_name`` = the whole name as written, ``first_name`` = "".
  formgrader (nbgrader 0.9.6) builds every name in its lists as
  ``last_name + ", " + first_name`` (and prints "None" for a missing part);
  splitting 张伟 into 姓 and 名 made it read "张, 伟".  With the whole name
  in ``last_name`` the lists read "张伟, " — the name as the class knows it,
  sorted by it — and the empty ``first_name`` never shows as "None".
  nbgrader's own CSV export carries the name in its ``last_name`` column.
  Gradebooks written by earlier versions (姓 and 名 apart) still read as one
  name everywhere (:func:`join_name`), and re-importing the roster moves them
  to the whole-name form.  :func:`split_name` remains for callers that want
  姓 and 名 apart (compound surnames such as 欧阳 are recognised).
* 班级 → a one-table side store in the same gradebook database,
  ``autograder_student_class(student_id, class_name)``, created on first
  import.  nbgrader's Student has no field for it (email and lms_user_id mean
  something else to nbgrader and its LMS exporters); a table of our own in the
  gradebook travels with it (any db_url, SQLite or a server), is ignored by
  nbgrader and its migrations, and lets ``export`` show 班级.

Rules
-----
Bad rows are reported with their line number (the line of the CSV file, the
row of the sheet) and skipped: empty 学号, empty 姓名, a duplicate 学号 (the
first row wins), a 学号 that would break paths (``/ \\ : * ? " < > |``, a leading dot,
control characters, longer than 128 characters), that Excel has turned into
scientific notation (``2.02401E+11``), or that nbgrader's exchange and
formgrader cannot carry safely (anything but letters, digits, Chinese
characters and ``_ . @ -``: no ``+``, spaces or HTML; see
:mod:`autograder.grading.studentids`).  Columns other than 学号, 姓名 and 班级 (性别,
手机号 …) and cells outside the named columns are not imported, and the
report says which, so nothing is dropped without a word.  Importing a roster makes it the list of
students the grader and export accept.  Nothing already in the
gradebook is lost: existing students keep their grades and any field the file
leaves empty; students not in the file stay.  Re-importing the same file
changes nothing (idempotent).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..grading.coursedir import quiet_nbgrader_warnings
from ..messages import say
from .chinesenames import join_name, split_name
from .rosterfile import Roster, RosterEntry, RosterError, RosterProblem, parse_rows, read_roster, validate_id

__all__ = [
    "RosterError", "RosterEntry", "RosterProblem", "Roster", "ImportReport",
    "read_roster", "parse_rows", "import_roster", "import_rows", "split_name", "join_name",
    "validate_id", "student_classes", "CLASS_TABLE",
]

CLASS_TABLE = "autograder_student_class"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[RosterProblem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the gradebook, not in the file: left as they are
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    stray_cells: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """The run summary: messages in the form 中文（English）, each skipped row on a ``- `` line."""
        from ..terminal import printable

        lines = [self._headline()]
        if self.updated:
            lines.append(f"  {say('将更新' if self.dry_run else '已更新', 'would update' if self.dry_run else 'updated')}"
                         f"：{_first(self.updated, ', ')}")
        if self.skipped:
            lines.append(f"  {say('跳过的行', 'skipped rows')}：")
            lines += [f"    - {p}" for p in self.skipped]
        if self.ignored_columns:
            lines.append("  " + say("未导入的列：只导入“学号”“姓名”“班级”三列，其他列的内容没有写入成绩库",
                                    "ignored columns: only 学号, 姓名 and 班级 go into the gradebook")
                         + f"：{'、'.join(self.ignored_columns)}")
        if self.stray_cells:
            lines.append("  " + say("没有表头的列里有内容，未导入：请检查是否错列，或给这一列加上表头",
                                    "cells outside the named columns were not imported: check the columns "
                                    "or give this one a header")
                         + f"：{_first([f'第{n}行' for n in self.stray_cells], '、')}")
        if self.kept:
            n = len(self.kept)
            lines.append("  " + say(f"成绩库里另有 {n} 名学生不在名单中，已保留，未删除",
                                    f"kept, not removed: {n} students in the gradebook are not on the roster")
                         + f"：{_first(self.kept, ', ')}")
        return printable("\n".join(lines))

    def _headline(self) -> str:
        added, updated, same, skipped = len(self.added), len(self.updated), len(self.unchanged), len(self.skipped)
        if self.dry_run:
            return say(f"试运行，未写入：将新增 {added} 人，将更新 {updated} 人，无变化 {same} 人，跳过 {skipped} 行",
                       f"dry run, nothing written: would add {added}, would update {updated}, "
                       f"{same} unchanged, {skipped} rows skipped")
        return say(f"已导入名单：新增 {added} 人，更新 {updated} 人，无变化 {same} 人，跳过 {skipped} 行",
                   f"roster imported: {added} added, {updated} updated, {same} unchanged, {skipped} rows skipped")


def _first(items: list[str], sep: str, shown: int = 20) -> str:
    return sep.join(items[:shown]) + (" …" if len(items) > shown else "")


# --------------------------------------------------------------------------- the class side table


def _class_table(metadata=None):
    from sqlalchemy import Column, MetaData, String, Table

    metadata = metadata or MetaData()
    return Table(CLASS_TABLE, metadata,
                 Column("student_id", String(128), primary_key=True),
                 Column("class_name", String(128), nullable=False))


def student_classes(gb) -> dict[str, str]:
    """Student id → 班级, from the side table (empty when no roster with 班级 was imported)."""
    from sqlalchemy import inspect, select

    if not inspect(gb.engine).has_table(CLASS_TABLE):
        return {}
    table = _class_table()
    rows = gb.db.execute(select(table.c.student_id, table.c.class_name)).all()
    return {sid: klass for sid, klass in rows if klass}


def _set_classes(gb, classes: Mapping[str, str]) -> None:
    from sqlalchemy import delete, insert

    table = _class_table()
    table.metadata.create_all(gb.engine)
    for sid, klass in classes.items():
        gb.db.execute(delete(table).where(table.c.student_id == sid))
        gb.db.execute(insert(table).values(student_id=sid, class_name=klass))


# --------------------------------------------------------------------------- import


def _open_gradebook(course_dir: Path):
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config, open_gradebook

    if not course_dir.is_dir():
        raise FileNotFoundError(f"{say('课程文件夹不存在', 'no such course directory')}：{course_dir}")
    coursedir = CourseDirectory(config=load_config(course_dir))
    return open_gradebook(coursedir.db_url, coursedir.course_id)


def import_roster(path: str | Path, course_dir: str | Path, dry_run: bool = False) -> ImportReport:
    """Read ``path`` and merge it into the course's gradebook (see the module docstring)."""
    roster = read_roster(path)
    return import_rows(roster, course_dir, dry_run=dry_run)


def import_rows(roster: Roster | Iterable[Mapping[str, object]], course_dir: str | Path,
                dry_run: bool = False) -> ImportReport:
    """Merge a :class:`Roster` (or dict rows with 学号/姓名/班级 keys) into the gradebook."""

    from nbgrader.api import MissingEntry

    if not isinstance(roster, Roster):
        rows = list(roster)
        keys = list(rows[0].keys()) if rows else ["学号", "姓名", "班级"]
        roster = parse_rows([(1, keys)] + [(i, [r.get(k) for k in keys]) for i, r in enumerate(rows, start=2)])
    report = ImportReport(skipped=list(roster.problems), dry_run=dry_run,
                          ignored_columns=list(roster.ignored_columns), stray_cells=list(roster.stray_cells))
    course_dir = Path(course_dir).resolve()
    with quiet_nbgrader_warnings():
        with _open_gradebook(course_dir) as gb:
            classes = student_classes(gb)
            existing = {s.id for s in gb.students}
            new_classes = {}
            for e in roster.entries:
                fields = {}
                if e.name:  # the whole name in last_name: formgrader shows last_name + ", " + first_name
                    fields.update(last_name=e.name, first_name="")
                try:
                    student = gb.find_student(e.id)
                except MissingEntry:
                    report.added.append(e.id)
                    if not dry_run:
                        gb.add_student(e.id, **fields)
                else:
                    changed = any(getattr(student, k) != v for k, v in fields.items())
                    changed |= bool(e.klass) and classes.get(e.id) != e.klass
                    (report.updated if changed else report.unchanged).append(e.id)
                    if changed and not dry_run:
                        gb.update_or_create_student(e.id, **fields)
                if e.klass and classes.get(e.id) != e.klass:
                    new_classes[e.id] = e.klass
            if new_classes and not dry_run:
                _set_classes(gb, new_classes)
            if not dry_run:
                from ..grading.studentids import mark_listed

                mark_listed(gb, [e.id for e in roster.entries])
                gb.db.commit()
            listed = {e.id for e in roster.entries}
            report.kept = sorted(existing - listed)
    return report
