"""``python -m autograder collect --course DIR ASSIGNMENT``: ``nbgrader collect`` without following links.

Students write to the exchange inbound.  ``nbgrader collect`` runs as the
instructor and copies each submission with ``shutil.copytree``, which copies
the *target* of a symlink a student planted there (the instructor's source
notebook with its solutions, another student's work, any file the instructor
can read).  This step is nbgrader's own ``ExchangeCollect`` — same exchange
settings (``c.Exchange.root``, ``c.CourseDirectory.course_id``, ``ignore``,
``include``, ``max_file_size``, ``max_dir_size``), same choice of the latest
submission (``--update``, ``--before-duedate``), same ``submitted/`` layout —
with two changes: every entry is checked with ``lstat`` and only real folders
and regular files are copied (never a link, FIFO or device), and a
submission whose student id is unsafe (or not on the roster when there is
one, see :mod:`autograder.grading.studentids`) or whose name nbgrader cannot parse
is reported and not collected.
"""
from __future__ import annotations

import fnmatch
import glob
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from ..grading.coursedir import quiet_nbgrader_warnings

__all__ = ["CollectReport", "collect"]


@dataclass
class CollectReport:
    assignment: str
    collected: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (printable inbound name, why)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (student, printable path): not copied
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        from ..terminal import printable

        lines = [f"收取完成 collected {self.assignment}: {len(self.collected)} 份"
                 + (f"（{', '.join(self.collected[:20])}{' …' if len(self.collected) > 20 else ''}）"
                    if self.collected else "")]
        lines += [f"error: {e}" for e in self.errors]
        if self.refused:
            lines.append(f"未收取 refused ({len(self.refused)}):")
            lines += [f"  - {name}: {why}" for name, why in self.refused]
        if self.skipped_files:
            lines.append("未复制的文件（符号链接、特殊文件、太大或被忽略） files not copied:")
            lines += [f"  - {sid}: {path}" for sid, path in self.skipped_files]
        return printable("\n".join(lines))


def _exchange_collect_class():
    from nbgrader.exchange.default.collect import ExchangeCollect
    from nbgrader.utils import parse_utc

    from ..grading.safefiles import UnsafeFile, kind, read_regular
    from ..grading.studentids import id_problem, shown

    class SafeExchangeCollect(ExchangeCollect):
        """nbgrader's default ``ExchangeCollect`` that never follows a link (see the module docstring)."""

        report: CollectReport
        roster: set[str] | None = None

        def _record(self, path: str):
            name = os.path.basename(path)
            parts = name.rsplit("+", 3)
            why = None
            if len(parts) < 3:
                why = "名字不是“学号+作业+时间”的格式"
            elif kind(path) != "dir":
                why = "不是文件夹（符号链接或特殊文件），不跟随"
            else:
                why = id_problem(parts[0])
                if why is None and self.roster is not None and parts[0] not in self.roster:
                    why = "学号不在名单中"
            if why is None:
                try:
                    return {"username": parts[0], "filename": name, "timestamp": parse_utc(parts[2])}
                except Exception:
                    why = "文件夹名里的提交时间无法解析"
            self.report.refused.append((shown(name), why))
            return None

        def init_src(self):
            from nbgrader.api import MissingEntry

            from ..grading.coursedir import open_gradebook

            if self.coursedir.course_id == "":
                self.fail("No course id specified. Re-run with --course flag.")
            self.course_path = os.path.join(self.root, self.coursedir.course_id)
            self.inbound_path = os.path.join(self.course_path, "inbound")
            if not os.path.isdir(self.inbound_path):
                self.fail(f"Course not found: {self.inbound_path}")
            sid = self.coursedir.student_id
            student_id = glob.escape(sid) if sid and sid != "*" else "*"
            pattern = os.path.join(self.inbound_path, f"{student_id}+{glob.escape(self.coursedir.assignment_id)}+*")
            records = [r for r in (self._record(f) for f in sorted(glob.glob(pattern))) if r]
            groups: dict[str, list] = {}
            for r in records:
                groups.setdefault(r["username"], []).append(r)
            with open_gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                try:
                    self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
                except MissingEntry:
                    self.duedate = None
            self.src_records = []
            for recs in groups.values():
                recs = self._sort_by_timestamp(recs)
                if self.duedate is not None and self.before_duedate:
                    before = [r for r in recs if r["timestamp"] <= self.duedate]
                    recs = before or recs
                self.src_records.append(recs[0])

        def do_copy(self, src, dest, log=None):
            """Real folders and regular files only, within nbgrader's size limits."""
            student = os.path.basename(os.path.dirname(dest))
            max_file = self.coursedir.max_file_size * 1000
            budget = [self.coursedir.max_dir_size * 1000]
            exclude, include = self.coursedir.ignore, self.coursedir.include

            def skip(rel: str, why: str) -> None:
                self.report.skipped_files.append((student, f"{shown(rel)}（{why}）"))

            def walk(rel: str) -> None:
                os.makedirs(os.path.join(dest, rel), exist_ok=True)
                with os.scandir(os.path.join(src, rel)) as entries:
                    names = sorted(e.name for e in entries)
                for name in names:
                    sub = os.path.join(rel, name) if rel else name
                    what = kind(os.path.join(src, sub))
                    if exclude and any(fnmatch.fnmatch(name, g) for g in exclude):
                        continue
                    if what == "dir":
                        walk(sub)
                    elif what != "file":
                        skip(sub, "符号链接或特殊文件")
                    elif include and not any(fnmatch.fnmatch(name, g) for g in include):
                        continue
                    else:
                        try:
                            data = read_regular(src, tuple(Path(sub).parts), max_file)
                        except UnsafeFile as exc:
                            skip(sub, exc.reason)
                            continue
                        budget[0] -= len(data)
                        if budget[0] < 0:
                            raise RuntimeError(f"提交的文件总大小超过上限 {self.coursedir.max_dir_size / 1000:g} MB")
                        with open(os.path.join(dest, sub), "xb") as fh:
                            fh.write(data)

            try:
                walk("")
            except Exception as exc:  # one submission never stops the collection
                shutil.rmtree(dest, ignore_errors=True)
                self.report.refused.append((shown(os.path.basename(src)), f"{type(exc).__name__}: {exc}"))
                return
            self.report.collected.append(student)

    return SafeExchangeCollect


def collect(course_dir: str | Path, assignment: str, update: bool = False, before_duedate: bool = False,
            student: str | None = None) -> CollectReport:
    """Collect ``assignment`` from the exchange inbound into ``DIR/submitted`` (see the module docstring)."""
    from ..grading.coursedir import open_gradebook
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError

    from ..grading.coursedir import _quiet_logger, load_config
    from ..grading.studentids import roster_ids

    course_dir = Path(course_dir).resolve()
    if not course_dir.is_dir():
        raise FileNotFoundError(f"{course_dir}: no such course directory")
    config = load_config(course_dir)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    if student:
        coursedir.student_id = student
    report = CollectReport(assignment)
    with quiet_nbgrader_warnings():
        with open_gradebook(coursedir.db_url, coursedir.course_id) as gb:
            roster = roster_ids(gb)
    cls = _exchange_collect_class()
    exchange = cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    exchange.log = _quiet_logger()
    exchange.report, exchange.roster = report, roster
    exchange.update = exchange.update or update
    exchange.before_duedate = exchange.before_duedate or before_duedate
    try:
        exchange.start()
    except ExchangeError as exc:
        report.errors.append(str(exc))
    return report
