"""nbgrader's ``ExchangeCollect`` that never follows a link: find, choose, copy.

The three steps of a collection, each its own piece:

* **find** (:func:`inbound_record`): one inbound folder becomes nbgrader's
  record (student, folder, timestamp), or a refusal with a reason: a name
  that is not ``学号+作业+时间``, a link or special file, an unsafe id, an id
  not on the roster, an unreadable timestamp;
* **choose** (:meth:`SafeExchangeCollect.init_src`): the latest submission
  of each student, or the last one before the due date, as nbgrader chooses;
* **copy** (:class:`RegularFileCopy`): real folders and regular files only,
  within nbgrader's size limits and ``ignore``/``include`` globs.

Importing this module imports nbgrader; :mod:`autograder.classroom.collect`
imports it only when a collection runs.
"""
from __future__ import annotations

import fnmatch
import glob
import os
import shutil
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import parse_utc

from ..grading.safefiles import UnsafeFile, kind, read_regular
from ..grading.studentids import id_problem, shown
from ..messages import say

__all__ = ["SafeExchangeCollect", "RegularFileCopy", "inbound_record"]


def inbound_record(path: str, roster: set[str] | None) -> tuple[dict | None, str | None]:
    """nbgrader's record of one inbound folder, or None and why it is refused."""
    name = os.path.basename(path)
    parts = name.rsplit("+", 3)
    if len(parts) < 3:
        return None, say("名字不是“学号+作业+时间”的格式", "the name is not id+assignment+time")
    if kind(path) != "dir":
        return None, say("不是文件夹（符号链接或特殊文件），不跟随", "not a folder: a link or special file, not followed")
    why = id_problem(parts[0])
    if why is None and roster is not None and parts[0] not in roster:
        why = say("学号不在名单中", "the id is not on the roster")
    if why is not None:
        return None, why
    try:
        return {"username": parts[0], "filename": name, "timestamp": parse_utc(parts[2])}, None
    except Exception:  # noqa: BLE001 - any unreadable time refuses this folder only
        return None, say("文件夹名里的提交时间无法解析", "the submission time in the name cannot be read")


class RegularFileCopy:
    """One submission copied from ``src`` to ``dest``: real folders and regular files only.

    Links, FIFOs and devices are skipped and listed in :attr:`skipped`, as are
    files over ``max_file`` bytes; a submission over ``max_total`` bytes in all
    raises ``RuntimeError`` (the caller refuses the whole submission).
    """

    def __init__(self, src: str, dest: str, max_file: int, max_total: int,
                 ignore: list[str], include: list[str]) -> None:
        self.src, self.dest = src, dest
        self.max_file, self.left = max_file, max_total
        self.max_total = max_total
        self.ignore, self.include = ignore, include
        self.skipped: list[tuple[str, str]] = []  # (printable relative path, why)

    def run(self) -> None:
        self._walk("")

    def _walk(self, rel: str) -> None:
        os.makedirs(os.path.join(self.dest, rel), exist_ok=True)
        with os.scandir(os.path.join(self.src, rel)) as entries:
            names = sorted(e.name for e in entries)
        for name in names:
            sub = os.path.join(rel, name) if rel else name
            if self.ignore and any(fnmatch.fnmatch(name, g) for g in self.ignore):
                continue
            what = kind(os.path.join(self.src, sub))
            if what == "dir":
                self._walk(sub)
            elif what != "file":
                self.skipped.append((shown(sub), say("符号链接或特殊文件", "a link or special file")))
            elif not self.include or any(fnmatch.fnmatch(name, g) for g in self.include):
                self._copy_file(sub)

    def _copy_file(self, rel: str) -> None:
        try:
            data = read_regular(self.src, tuple(Path(rel).parts), self.max_file)
        except UnsafeFile as exc:
            self.skipped.append((shown(rel), exc.reason))
            return
        self.left -= len(data)
        if self.left < 0:
            mb = f"{self.max_total / 1_000_000:g} MB"
            raise RuntimeError(say(f"提交的文件总大小超过上限 {mb}", f"the submission is larger than {mb} in all"))
        with open(os.path.join(self.dest, rel), "xb") as fh:
            fh.write(data)


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's default ``ExchangeCollect`` that never follows a link (see the module docstring).

    The caller sets ``report`` (a :class:`~autograder.classroom.collect.CollectReport`)
    and ``roster`` (the ids on the roster, or None when there is none).
    """

    report = None
    roster: set[str] | None = None

    def _record(self, path: str) -> dict | None:
        record, why = inbound_record(path, self.roster)
        if why is not None:
            self.report.refused.append((shown(os.path.basename(path)), why))
        return record

    def init_src(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        sid = self.coursedir.student_id
        student_id = glob.escape(sid) if sid and sid != "*" else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{glob.escape(self.coursedir.assignment_id)}+*")
        groups: dict[str, list] = {}
        for record in filter(None, (self._record(f) for f in sorted(glob.glob(pattern)))):
            groups.setdefault(record["username"], []).append(record)
        self.duedate = self._due_date()
        self.src_records = [self._chosen(records) for records in groups.values()]

    def _due_date(self):
        from nbgrader.api import MissingEntry

        from ..grading.coursedir import open_gradebook

        with open_gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                return gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                return None

    def _chosen(self, records: list[dict]) -> dict:
        """A student's latest submission, or the latest before the due date (``--before-duedate``)."""
        records = self._sort_by_timestamp(records)
        if self.duedate is not None and self.before_duedate:
            records = [r for r in records if r["timestamp"] <= self.duedate] or records
        return records[0]

    def do_copy(self, src, dest, log=None):
        """Real folders and regular files only, within nbgrader's size limits."""
        student = os.path.basename(os.path.dirname(dest))
        copy = RegularFileCopy(src, dest, self.coursedir.max_file_size * 1000, self.coursedir.max_dir_size * 1000,
                               self.coursedir.ignore, self.coursedir.include)
        try:
            copy.run()
        except Exception as exc:  # noqa: BLE001 - one submission never stops the collection
            shutil.rmtree(dest, ignore_errors=True)
            self.report.refused.append((shown(os.path.basename(src)), f"{type(exc).__name__}: {exc}"))
            return
        finally:
            self.report.skipped_files += [(student, f"{path}：{why}") for path, why in copy.skipped]
        self.report.collected.append(student)
