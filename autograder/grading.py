"""Kernel-free grading of a whole course (``python -m autograder grade``).

The same steps as ``nbgrader autograde`` — create the student and the
submission, copy files, sanitize (``ClearOutput``, ``DeduplicateIds``,
``OverwriteKernelspec``, ``OverwriteCells``, ``CheckCellMetadata``), grade,
save grades, late penalties — with nbgrader's own preprocessors, written
where ``nbgrader autograde`` writes (gradebook, ``autograded/``), so
formgrader, ``generate_feedback`` and ``nbgrader export`` work unchanged.
Two things differ: ``KernelFreeGrade`` stands in for ``Execute`` (answers
are read as data; no student code runs), and one gradebook session serves
the whole run, committed once per submission (nbgrader opens a connection
per notebook and commits per cell: most of its per-notebook cost).

One bad submission never stops the class: each is graded in its own
transaction; whatever cannot be read scores 0 with a message that reaches
the summary, the answer cell's autograder comment (formgrader) and the
feedback.  Manual scores and comments are never overwritten.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Issue", "SubmissionResult", "GradeReport", "Grader", "grade_course", "load_config",
           "UNREADABLE", "MISSING", "GradebookError", "open_gradebook"]

# Prefixes of the autograder comments left on answer cells (formgrader shows
# them; export reads them to tell a missing or unreadable file from a zero).
UNREADABLE = "无法读取"
MISSING = "未提交"


@dataclass(frozen=True, slots=True)
class Issue:
    student: str
    assignment: str
    notebook: str | None
    question: str | None  # 第N题, or None for the whole file
    message: str


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    notebook: str
    status: str  # graded | missing | unreadable
    score: float = 0.0
    max_score: float = 0.0
    outcomes: list = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class GradeReport:
    results: list[SubmissionResult] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # course-level problems (nothing graded)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, summed over notebooks

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.results for i in r.issues]

    def summary(self) -> str:
        graded = sum(r.status == "graded" for r in self.results)
        students = len({r.student for r in self.results})
        lines = [f"评分完成 graded: {len(self.results)} notebooks of {students} students "
                 f"in {self.seconds:.1f} s ({graded} read fully or in part)"]
        lines += [f"error: {e}" for e in self.errors]
        by_student: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_student.setdefault(issue.student, []).append(issue)
        if by_student:
            lines.append(f"无法完整读取的提交 submissions not read fully ({len(by_student)} students):")
            for student in sorted(by_student):
                lines.append(f"  {student}:")
                for i in by_student[student]:
                    where = f"{i.assignment}/{i.notebook or ''}".rstrip("/")
                    q = f" {i.question}" if i.question else ""
                    lines.append(f"    - {where}{q}: {i.message}")
        else:
            lines.append("所有提交都已完整读取 every submission was read fully.")
        return "\n".join(lines)


def load_config(course_dir: Path):
    """nbgrader's configuration for ``course_dir``, read through nbgrader's own chain.

    Every ``nbgrader_config.py``/``.json`` on the Jupyter config path, lowest
    priority first (the venv's ``etc/jupyter``, ``JUPYTER_CONFIG_PATH``,
    ``~/.jupyter``), then the course's own file: a ``db_url`` or exchange set
    for the class (``hub up``) is the one the kit uses, never a second
    gradebook of its own.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    cfg = Config()
    for folder in reversed(jupyter_config_path()):
        for loader in (JSONFileConfigLoader, PyFileConfigLoader):
            name = "nbgrader_config." + ("json" if loader is JSONFileConfigLoader else "py")
            if os.path.isfile(os.path.join(folder, name)):
                cfg.merge(loader(name, path=folder).load_config())
    if (course_dir / "nbgrader_config.py").exists():
        cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    cfg.CourseDirectory.root = str(course_dir)
    return cfg


class GradebookError(RuntimeError):
    """The gradebook database cannot be used (wrong password, server down): one line."""


def open_gradebook(db_url: str, course_id: str):
    """``nbgrader.api.Gradebook``; a database error becomes one :class:`GradebookError` line."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return Gradebook(db_url, course_id)
    except SQLAlchemyError as exc:
        raise GradebookError(describe_db_error(db_url, exc)) from None


def describe_db_error(db_url: str, exc: Exception) -> str:
    from sqlalchemy.engine import make_url

    try:
        where = make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is itself the message
        where = "(unparsable db_url)"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"成绩库打不开 cannot use the gradebook {where}: {reason}"


def _quiet_logger() -> logging.Logger:
    log = logging.getLogger("autograder.nbgrader")
    log.setLevel(logging.ERROR)
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


class Grader:
    """Grades ``submitted/`` of one nbgrader course directory, kernel-free."""

    def __init__(self, course_dir: str | Path):
        from nbgrader.coursedir import CourseDirectory
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader.preprocessors import ClearOutput, DeduplicateIds, IgnorePattern, LimitOutput

        from .preprocessors import (CheckMetadata, DropEmptyMetadata, KernelFreeGrade, RecordGrades,
                                    RecordLatePenalties, RestoreCells, RestoreKernelspec, SanitizeStudentHtml)

        self.course_dir = Path(course_dir).resolve()
        if not self.course_dir.is_dir():
            raise FileNotFoundError(f"{course_dir}: no such course directory")
        self.config = load_config(self.course_dir)
        self.coursedir = CourseDirectory(config=self.config)
        log = _quiet_logger()
        self.coursedir.log = log

        def make(cls):
            pp = cls(config=self.config)
            pp.log = log
            return pp

        self.sanitize = [make(c) for c in (ClearOutput, DeduplicateIds, DropEmptyMetadata,
                                           RestoreKernelspec, RestoreCells, CheckMetadata)]
        self.sanitize[4].add_missing_cells = True  # deleted test cells come back (and score 0 if unanswered)
        self.autograde = [make(c) for c in (KernelFreeGrade, IgnorePattern, ClearMetadataPreprocessor,
                                            LimitOutput, RecordGrades, RecordLatePenalties, CheckMetadata,
                                            SanitizeStudentHtml)]  # always, whatever the course config says
        self.permissions = 0o444
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------------ discovery

    def _path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def submitted_assignments(self) -> set[str]:
        root = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        if not root.is_dir():
            return set()
        return {a.name for s in root.iterdir() if s.is_dir() for a in s.iterdir() if a.is_dir()}

    def submissions(self, assignment: str) -> list[str]:
        root = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())

    # ------------------------------------------------------------------ grading

    def grade(self, assignments: list[str] | None = None, progress: bool = True) -> GradeReport:
        from .gradebookview import SourceCache

        started = time.perf_counter()
        report = GradeReport()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy 2.x warnings from inside nbgrader's api
            with open_gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                released = [a.name for a in gb.assignments]
                wanted = assignments or sorted(released)
                unknown = sorted(set(self.submitted_assignments()) - set(released))
                if unknown and not assignments:
                    report.errors.append(
                        f"submitted/ holds work for {', '.join(unknown)}, which the gradebook "
                        f"({self.coursedir.db_url.split('@')[-1]}) does not know: is db_url the course's? "
                        "release the assignment first (nbgrader generate_assignment)")
                for name in wanted:
                    if name not in released:
                        report.errors.append(
                            f"assignment {name!r} is not in the gradebook: release it first "
                            f"(nbgrader generate_assignment {name}); known: {', '.join(released) or 'none'}")
                wanted = [a for a in wanted if a in released]
                work = [(a, s) for a in wanted for s in self.submissions(a)]
                cache = SourceCache(gb)
                cells_of = {}  # notebook cell names, to recognise another assignment's file
                for a in gb.assignments:
                    for nb in a.notebooks:
                        cells_of[(a.name, nb.name)] = {c.name for c in nb.source_cells}
                bar = _progress(len(work), progress)
                try:
                    for assignment, student in work:
                        report.results.extend(self._grade_submission(gb, cache, cells_of, assignment, student))
                        bar.update(1)
                finally:
                    bar.close()
        report.timings = dict(self.timings)
        report.seconds = time.perf_counter() - started
        return report

    def _grade_submission(self, gb, cache, cells_of, assignment: str, student: str) -> list[SubmissionResult]:
        src = self._path(self.coursedir.submitted_directory, student, assignment)
        dest = self._path(self.coursedir.autograded_directory, student, assignment)
        results: list[SubmissionResult] = []
        try:
            t = time.perf_counter()
            gb.update_or_create_student(student)
            timestamp, ts_issue = self._timestamp(src)
            if timestamp is not None:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)
            gb.db.commit()
            self._tick("student/submission rows", t)
            t = time.perf_counter()
            self._prepare_destination(src, dest, assignment)
            self._tick("copy files", t)
            for nb in gb.find_assignment(assignment).notebooks:
                result = self._grade_notebook(gb, cache, cells_of, assignment, student, nb.name, src, dest)
                if ts_issue:
                    result.issues.insert(0, Issue(student, assignment, None, None, ts_issue))
                    ts_issue = None
                results.append(result)
                t = time.perf_counter()
                gb.db.commit()
                self._tick("commit", t)
            self._set_permissions(dest)
        except Exception as exc:  # one submission never stops the class
            gb.db.rollback()
            results.append(SubmissionResult(student, assignment, "", "unreadable", issues=[
                Issue(student, assignment, None, None, f"评分出错，已跳过（{type(exc).__name__}: {exc}）")]))
        return results

    def _timestamp(self, src: Path):
        path = src / "timestamp.txt"
        if not path.exists():
            return None, None
        try:
            from nbgrader.utils import parse_utc

            text = path.read_text(encoding="utf-8", errors="replace").strip()
            return (parse_utc(text) if text else None), None
        except Exception:
            return None, "timestamp.txt 无法解析，按未注明提交时间处理（不计迟交）。"

    def _prepare_destination(self, src: Path, dest: Path, assignment: str) -> None:
        from nbgrader.utils import find_all_files, rmtree

        if dest.exists():
            rmtree(str(dest))  # re-grading: the gradebook keeps manual grades; files are rebuilt
        dest.mkdir(parents=True)
        ignore = list(self.coursedir.ignore) + ["*.ipynb"]
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))
        for base in (src, source):  # submitted files, then the source's own files win
            for filename in find_all_files(str(base), ignore):
                target = dest / os.path.relpath(filename, base)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    target.unlink()
                shutil.copy(filename, target)

    def _set_permissions(self, dest: Path) -> None:
        for dirname, _, filenames in os.walk(dest):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), self.permissions)

    def _zero(self, gb, assignment: str, student: str, notebook: str, message: str, prefix: str) -> None:
        """No answer could be read: every autograded cell scores 0 (manual scores kept)."""
        sub = gb.find_submission_notebook(notebook, assignment, student)
        for grade in sub.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = grade.manual_score is not None
        for comment in sub.comments:
            comment.auto_comment = f"{prefix}：{message}"
        gb.db.flush()

    def _grade_notebook(self, gb, cache, cells_of, assignment, student, notebook, src, dest) -> SubmissionResult:
        import nbformat

        from .gradebookview import NotebookView

        path = src / f"{notebook}.ipynb"
        result = SubmissionResult(student, assignment, notebook, "graded")
        if not path.exists():
            others = sorted(p.name for p in src.glob("*.ipynb"))
            message = f"没有提交 {notebook}.ipynb" + (f"（文件夹里有：{', '.join(others)}）" if others else "") + "，各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, MISSING)
            result.status = "missing"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            return result
        try:
            t = time.perf_counter()
            raw = path.read_text(encoding="utf-8")
            nb = nbformat.reads(raw, as_version=4)
            self._tick("read notebook", t)
        except Exception as exc:
            message = f"文件无法打开（不是有效的 notebook：{_short(exc)}），各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, UNREADABLE)
            result.status = "unreadable"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            return result

        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
        if ids and not ids & cells_of.get((assignment, notebook), set()):
            other = next((f"{a}/{n}" for (a, n), names in cells_of.items() if ids & names), None)
            hint = f"（看起来是 {other} 的文件）" if other else ""
            message = f"这不是本作业的 notebook{hint}：找不到本作业的任何题目，各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, UNREADABLE)
            result.status = "unreadable"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            return result  # its answers belong to other questions: none may count here

        t = time.perf_counter()
        view = NotebookView(gb, cache, notebook, assignment, student)
        self._tick("load grade rows", t)
        resources = {
            "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                         "db_url": self.coursedir.db_url},
            "autograder": {"gradebook": view},
            "unique_key": notebook, "output_files_dir": None,
        }
        for pp in self.sanitize + self.autograde:
            t = time.perf_counter()
            nb, resources = pp(nb, resources)  # __call__ honours `enabled`, as nbconvert's exporter does
            self._tick(type(pp).__name__, t)

        outcomes = resources["autograder"].get("outcomes", [])
        result.outcomes = outcomes
        result.score = sum(o.points for o in outcomes)
        result.max_score = sum(o.max_points for o in outcomes)
        for o in outcomes:
            if o.status == "unreadable":
                result.issues.append(Issue(student, assignment, notebook, o.var, o.message.split("——", 1)[-1]))
                comment = view.comment(o.qid + "_answer")
                if comment is not None:
                    comment.auto_comment = f"{UNREADABLE}：{o.message}"
        gb.db.flush()
        t = time.perf_counter()
        (dest / f"{notebook}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
        self._tick("write notebook", t)
        return result

    def _tick(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started


def _short(exc: Exception, limit: int = 80) -> str:
    text = str(exc).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="份", desc="评分 grading", leave=False, disable=None)


def grade_course(course_dir: str | Path, assignments: list[str] | None = None, progress: bool = True) -> GradeReport:
    return Grader(course_dir).grade(assignments, progress=progress)
