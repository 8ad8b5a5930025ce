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
is reported and not collected.  The exchange plugin that does this is
:class:`autograder.classroom.safecollect.SafeExchangeCollect`; this module
holds the report and the command.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from ..grading.coursedir import quiet_nbgrader_warnings
from ..messages import error_line, say

__all__ = ["CollectReport", "collect"]


@dataclass
class CollectReport:
    assignment: str
    collected: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (printable inbound name, why)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (student, printable path): not copied
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The run summary: messages in the form 中文（English）, each list item on a ``- `` line."""
        from ..terminal import printable

        n, name = len(self.collected), self.assignment
        head = say(f"已收取 {name} 共 {n} 份", f"collected {n} of {name}")
        lines = [head + (f"：{_first_ids(self.collected)}" if self.collected else "")]
        lines += [error_line(e) for e in self.errors]
        if self.refused:
            lines.append(say(f"未收取 {len(self.refused)} 份", f"refused {len(self.refused)}") + "：")
            lines += [f"  - {who}: {why}" for who, why in self.refused]
        if self.skipped_files:
            lines.append(say("未复制的文件：符号链接、特殊文件、太大或被忽略的文件",
                             "files not copied: links, special files, files too large or ignored") + "：")
            lines += [f"  - {sid}: {path}" for sid, path in self.skipped_files]
        return printable("\n".join(lines))


def _first_ids(ids: list[str], shown: int = 20) -> str:
    return ", ".join(ids[:shown]) + (" …" if len(ids) > shown else "")


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
        raise FileNotFoundError(f"{say('课程文件夹不存在', 'no such course directory')}：{course_dir}")
    config = load_config(course_dir)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    if student:
        coursedir.student_id = student
    report = CollectReport(assignment)
    with quiet_nbgrader_warnings():
        with open_gradebook(coursedir.db_url, coursedir.course_id) as gb:
            roster = roster_ids(gb)
    from .safecollect import SafeExchangeCollect

    exchange = SafeExchangeCollect(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    exchange.log = _quiet_logger()
    exchange.report, exchange.roster = report, roster
    exchange.update = exchange.update or update
    exchange.before_duedate = exchange.before_duedate or before_duedate
    try:
        exchange.start()
    except ExchangeError as exc:
        report.errors.append(str(exc))
    return report
