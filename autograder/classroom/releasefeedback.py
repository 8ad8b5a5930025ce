"""Releasing feedback through nbgrader's exchange, one student at a time.

nbgrader 0.9.6's ``release_feedback`` reads ``timestamp.txt`` and
``submission_secret.txt`` beside each student's feedback and stops the whole
class at the first student who lacks them: every submission placed by hand
in ``submitted/<学号>/…`` instead of coming through the exchange.  The
students after that one get nothing.

:class:`SafeReleaseFeedback` is nbgrader's own exchange plugin with that loop
made per student: it releases every feedback file it can, and skips and
lists the ones it cannot (a hand-collected submission has no secret, so its
student could not fetch feedback through the exchange anyway: hand that
student the HTML file from ``feedback/``).  The course config installs it
(``c.ExchangeFactory.release_feedback``), so plain ``nbgrader
release_feedback`` benefits too; :func:`release_feedback` is the kit's command
with a typed report.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash
from traitlets import List
from ..grading.coursedir import quiet_nbgrader_warnings
from ..messages import say

__all__ = ["SafeReleaseFeedback", "FeedbackRelease", "Skipped", "release_feedback"]


@dataclass(frozen=True)
class Skipped:
    student: str
    notebook: str
    reason: str  # for the instructor: 中文（English）


@dataclass
class FeedbackRelease:
    assignment: str
    released: list[tuple[str, str]] = field(default_factory=list)  # (student, notebook)
    skipped: list[Skipped] = field(default_factory=list)
    ungraded: list[tuple[str, str]] = field(default_factory=list)  # (student, 第N题（简答题）) still waiting

    def summary(self) -> str:
        """The run summary: messages in the form 中文（English）, each skipped file on a ``- `` line."""
        done, skipped, name = len(self.released), len(self.skipped), self.assignment
        lines = [say(f"已发布 {name} 的反馈 {done} 份，跳过 {skipped} 份",
                     f"feedback of {name}: released {done}, skipped {skipped}")]
        if self.ungraded:
            lines.append(ungraded_warning(self.ungraded))
        for s in self.skipped:
            lines.append(f"  - {s.student} / {s.notebook}: {s.reason}")
        if self.skipped:
            lines.append("  " + say("跳过的学生不是通过 exchange 交的作业：请把 feedback/ 里对应的 HTML 文件直接发给他们",
                                    "the skipped students did not hand in through the exchange: "
                                    "give them their HTML file from feedback/"))
        return "\n".join(lines)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


def pending_manual_grades(coursedir, assignment: str, student: str | None = None) -> list[tuple[str, str]]:
    """(student, question label) of every answer still waiting for a manual grade, in the gradebook's order."""

    from nbgrader.api import MissingEntry

    from ..grading.coursedir import open_gradebook

    from ..grading.sourcenotebooks import load_course
    from ..preprocessors.feedbackquestions import TYPE_LABELS

    try:
        labels = {(q.notebook, q.grade_cell): f"{q.var}（{TYPE_LABELS.get(q.type, q.type)}）"
                  for nb in load_course(coursedir.root, [assignment]) for q in nb.questions}
    except (OSError, ValueError):
        labels = {}
    found = []
    with quiet_nbgrader_warnings():
        with open_gradebook(coursedir.db_url, coursedir.course_id) as gb:
            try:
                submissions = gb.find_assignment(assignment).submissions
            except MissingEntry:
                return []
            for sub in sorted(submissions, key=lambda s: s.student.id):
                if student and sub.student.id != student:
                    continue
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.needs_manual_grade and grade.manual_score is None:
                            found.append((sub.student.id, labels.get((nb.name, grade.name), grade.name)))
    return found


def ungraded_warning(ungraded: list[tuple[str, str]]) -> str:
    by_student: dict[str, list[str]] = {}
    for student, label in ungraded:
        by_student.setdefault(student, []).append(label)
    n = len(by_student)
    lines = ["  " + say(f"注意：{n} 名学生还有题目没有人工评分，他们的反馈里这些题显示为“待评分”，总分暂不含这些题；"
                        "评完后重新 generate_feedback 再发布",
                        f"warning: {n} students have answers still to grade by hand; their feedback shows them as "
                        "pending and the total leaves them out; grade them, run generate_feedback and release again")
             + "："]
    lines += [f"    - {s}：{'、'.join(labels)}" for s, labels in by_student.items()]
    return "\n".join(lines)


class SafeReleaseFeedback(ExchangeReleaseFeedback):
    """``release_feedback`` that releases per student and skips, with a reason, the ones it cannot."""

    released = List(help="(student, notebook) pairs released by the last run (filled in by copy_files)").tag(config=False)
    skipped = List(help="Skipped records of the last run (filled in by copy_files)").tag(config=False)
    ungraded = List(help="(student, question) pairs still waiting for a manual grade (filled in by copy_files)").tag(
        config=False)

    def copy_files(self) -> None:
        exclude = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        pattern = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>[^/]*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>[^/]*).html"])
        self.released, self.skipped = [], []
        try:
            student = self.coursedir.student_id if self.coursedir.student_id not in ("", "*") else None
            self.ungraded = pending_manual_grades(self.coursedir, self.coursedir.assignment_id, student)
        except Exception as exc:  # noqa: BLE001 - the warning must never stop the release
            self.log.warning("Could not look for ungraded answers: %s", exc)
            self.ungraded = []
        if self.ungraded:
            self.log.warning("\n%s", ungraded_warning(self.ungraded))
        for html_file in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            m = re.fullmatch(pattern, html_file)
            if m is None:
                self.log.error("Could not match '%s' with regexp '%s'", html_file, pattern)
                continue
            student, notebook = m.group("student_id"), m.group("notebook_id")
            if student in exclude:
                continue
            folder = os.path.dirname(html_file)
            if os.path.islink(html_file) or not os.path.isfile(html_file):
                self._skip(student, notebook, say("反馈文件不是普通文件", "not a regular file"))
                continue
            secret = _read(os.path.join(folder, "submission_secret.txt"))
            if not secret:
                self._skip(student, notebook, say("没有 submission_secret.txt：这份作业不是通过 exchange 提交的",
                                                  "no submission_secret.txt: handed in by hand, not through the exchange"))
                continue
            checksum = notebook_hash(secret=secret, notebook_id=notebook)
            tmp = os.path.join(self.dest_path, f"{checksum}-tmp.html")
            shutil.copy(html_file, tmp)
            shutil.move(tmp, os.path.join(self.dest_path, f"{checksum}.html"))  # atomic update
            self.released.append((student, notebook))
            self.log.info("Released feedback for student '%s' on '%s/%s'", student, self.coursedir.assignment_id,
                          notebook)

    def _skip(self, student: str, notebook: str, reason: str) -> None:
        self.skipped.append(Skipped(student, notebook, reason))
        self.log.warning("Skipped feedback for student '%s' on '%s/%s': %s", student,
                         self.coursedir.assignment_id, notebook, reason)


def release_feedback(course_dir: str | Path, assignment: str, student: str | None = None) -> FeedbackRelease:
    """Release ``feedback/*/<assignment>`` through the course's exchange, one student at a time."""
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config

    config = load_config(Path(course_dir).resolve())
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    if student:
        coursedir.student_id = student
    plugin = SafeReleaseFeedback(coursedir=coursedir, config=config)
    plugin.start()
    return FeedbackRelease(assignment, list(plugin.released), list(plugin.skipped), list(plugin.ungraded))
