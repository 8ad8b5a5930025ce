"""Kernel-free grading of a whole course (``python -m autograder grade``).

The same steps as ``nbgrader autograde`` — create the student and the
submission, copy files, then the preprocessors the course config lists in
``Autograde.sanitize_preprocessors`` and ``Autograde.autograde_preprocessors``
(:mod:`autograder.grading.pipeline`) — with nbgrader's own preprocessors, written
where ``nbgrader autograde`` writes (gradebook, ``autograded/``), so
formgrader, ``generate_feedback`` and ``nbgrader export`` work unchanged.
Two things differ: ``KernelFreeGrade`` stands in for ``Execute`` (answers
are read as data; no student code runs), and one gradebook session serves
the whole run, committed once per submission (nbgrader opens a connection
per notebook and commits per cell: most of its per-notebook cost).

This module is the class loop: which assignments and folders to grade, one
transaction per submission.  The files of ``submitted/`` are read and copied
by :mod:`autograder.grading.submissionfiles`, each notebook is graded by
:mod:`autograder.grading.notebookgrader`, and the run's results are
:mod:`autograder.grading.gradereport`'s.

One bad submission never stops the class: each is graded in its own
transaction; whatever cannot be read scores 0 with a message that reaches
the summary, the answer cell's autograder comment (formgrader) and the
feedback.  Manual scores and comments are never overwritten.
A submission that cannot be graded (the source notebook handed in, nbgrader
metadata that fails to validate, an unreadable timestamp.txt, time out)
scores 0 and is marked 无法读取: it never keeps an earlier submission's
scores.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..messages import say
from .coursedir import _quiet_logger, load_config, open_gradebook, quiet_nbgrader_warnings
from .gradereport import GradeReport, Issue, Refused, SubmissionResult
from .statuscomment import MISSING, UNREADABLE  # the comment left on answer cells
from .submissionfiles import SubmissionFiles, Ungradable, Unreadable, short

__all__ = ["Issue", "Refused", "SubmissionResult", "GradeReport", "Grader", "grade_course",
           "Ungradable", "Unreadable", "UNREADABLE", "MISSING"]


class Grader:
    """Grades ``submitted/`` of one nbgrader course directory, kernel-free."""

    def __init__(self, course_dir: str | Path):
        from nbgrader.coursedir import CourseDirectory

        from .keycopy import Delimiters
        from .limits import SubmissionLimits
        from .pipeline import build_pipeline

        self.course_dir = Path(course_dir).resolve()
        if not self.course_dir.is_dir():
            raise FileNotFoundError(f"{say('课程文件夹不存在', 'no such course directory')}：{course_dir}")
        self.config = load_config(self.course_dir)
        self.coursedir = CourseDirectory(config=self.config)
        log = _quiet_logger()
        self.coursedir.log = log
        pipeline = build_pipeline(self.config, log)  # the course config's lists, see grading.pipeline
        self.sanitize, self.autograde = pipeline.sanitize, pipeline.autograde
        self.timings: dict[str, float] = {}
        self.limits = SubmissionLimits(config=self.config)
        self.files = SubmissionFiles(self.coursedir, self.limits, Delimiters(self.config))

    def grade(self, assignments: list[str] | None = None, progress: bool = True) -> GradeReport:
        """Grade every submission of ``assignments`` (default: all released) into
        the gradebook and ``autograded/``, reading answers from the files (no
        student code runs).  One bad submission is recorded in the report and
        never stops the others; a manual grade already given is kept."""
        from .notebookgrader import NotebookGrader
        from .studentids import roster_ids

        started = time.perf_counter()
        report = GradeReport()
        with quiet_nbgrader_warnings():
            with open_gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                wanted = self._released(gb, assignments, report)
                roster = roster_ids(gb)
                work = []
                for a in wanted:
                    found, refused = self.files.submissions(a, roster)
                    work += [(a, s) for s in found]
                    report.refused += refused
                notebooks = NotebookGrader(gb, self.files, self.sanitize, self.autograde, self.timings)
                bar = _progress(len(work), progress)
                try:
                    for assignment, student in work:
                        report.results.extend(self._grade_submission(notebooks, assignment, student, roster is None))
                        bar.update(1)
                finally:
                    bar.close()
        report.timings = dict(self.timings)
        report.seconds = time.perf_counter() - started
        return report

    def _released(self, gb, assignments: list[str] | None, report: GradeReport) -> list[str]:
        """The released assignments to grade; the others, and source/ disagreeing with the gradebook, reported."""
        from .structure import gradebook_disagreements

        released = [a.name for a in gb.assignments]
        wanted = assignments or sorted(released)
        unknown = sorted(set(self.files.submitted_assignments()) - set(released))
        db = self.coursedir.db_url.split("@")[-1]
        if unknown and not assignments:
            report.errors.append(say(
                f"submitted/ 里有成绩库 {db} 不认识的作业：db_url 是不是本课程的？"
                "请先用 nbgrader generate_assignment 发布作业",
                f"submitted/ holds work the gradebook {db} does not know: is db_url the course's? "
                "release the assignment first (nbgrader generate_assignment)") + f"：{', '.join(unknown)}")
        for name in wanted:
            if name not in released:
                report.errors.append(say(
                    f"成绩库里没有作业 {name!r}：请先用 nbgrader generate_assignment {name} 发布；已发布的作业",
                    f"assignment {name!r} is not in the gradebook: release it first "
                    f"(nbgrader generate_assignment {name}); released") + f"：{', '.join(released) or '-'}")
        wanted = [a for a in wanted if a in released]
        report.warnings += gradebook_disagreements(gb, self.files.source("."), wanted)
        return wanted

    def _grade_submission(self, notebooks, assignment: str, student: str,
                          unlisted: bool = False) -> list[SubmissionResult]:
        """One student's submission of ``assignment``, in its own transaction; never raises."""
        from .limits import Deadline, SubmissionTimeout
        from .safefiles import kind

        gb, files = notebooks.gb, self.files
        src = files.path(self.coursedir.submitted_directory, student, assignment)
        dest = files.path(self.coursedir.autograded_directory, student, assignment)
        deadline = Deadline(self.limits.max_seconds)
        results: list[SubmissionResult] = []
        try:
            t = time.perf_counter()
            self._student_and_submission(gb, assignment, student, unlisted)
            if kind(src) != "dir":
                raise Ungradable("作业文件夹是符号链接或不是文件夹，不跟随、不读取")
            timestamp = files.timestamp(student, assignment)
            if timestamp is not None:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)
            gb.db.commit()
            notebooks.tick("student/submission rows", t)
            t = time.perf_counter()
            skipped = files.prepare_destination(student, assignment, dest)
            notebooks.tick("copy files", t)
            for nb in gb.find_assignment(assignment).notebooks:
                deadline.check()
                result = notebooks.grade(assignment, student, nb.name, src, dest, deadline)
                if skipped:
                    result.issues.insert(0, Issue(student, assignment, None, None, skipped))
                    skipped = None
                results.append(result)
            t = time.perf_counter()
            gb.db.commit()
            notebooks.tick("commit", t)
            files.set_permissions(dest)
        except Exception as exc:  # one submission never stops the class, and never keeps stale scores
            why = str(exc) if isinstance(exc, (Ungradable, SubmissionTimeout)) else \
                f"评分出错（{type(exc).__name__}: {short(exc)}）"
            results = self._ungradable(notebooks, assignment, student, dest, why)
        return results

    @staticmethod
    def _student_and_submission(gb, assignment: str, student: str, unlisted: bool) -> None:
        """The student's row (marked as not on a roster when there is none, if new)."""
        from .studentids import mark_unlisted

        if unlisted:
            try:
                gb.find_student(student)
            except Exception:
                mark_unlisted(gb, student)
        gb.update_or_create_student(student)

    def _ungradable(self, notebooks, assignment: str, student: str, dest: Path, why: str) -> list[SubmissionResult]:
        """The submission scores 0 and is marked 无法读取 (manual scores kept).

        Its autograded files go; each notebook is replaced by the zero-score
        release copy (:meth:`NotebookGrader.write_zero_notebook`), never by the student's earlier one.
        """
        from nbgrader.utils import rmtree

        gb = notebooks.gb
        gb.db.rollback()
        message = f"{why}，各题记 0 分。"
        results = []
        try:
            if dest.exists():
                rmtree(str(dest))  # no stale autograded notebook for formgrader or feedback
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment, student)
            for nb in gb.find_assignment(assignment).notebooks:
                notebooks.zero(assignment, student, nb.name, message, UNREADABLE)
                gb.find_submission_notebook(nb.name, assignment, student).late_submission_penalty = None
                results.append(SubmissionResult(student, assignment, nb.name, "unreadable",
                                                issues=[Issue(student, assignment, nb.name, None, message)]))
                notebooks.write_zero_notebook(assignment, student, nb.name, dest, message)
            gb.db.commit()
            self.files.set_permissions(dest)
        except Exception as exc:
            gb.db.rollback()
            results = [SubmissionResult(student, assignment, "", "unreadable", issues=[Issue(
                student, assignment, None, None, f"{message}（且无法把成绩记为 0：{type(exc).__name__}: {short(exc)}）")])]
        return results


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="份", desc=say("评分", "grading"), leave=False, disable=None)


def grade_course(course_dir: str | Path, assignments: list[str] | None = None, progress: bool = True) -> GradeReport:
    """``python -m autograder grade``: grade a course directory (see :meth:`Grader.grade`)."""
    return Grader(course_dir).grade(assignments, progress=progress)
