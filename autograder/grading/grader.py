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

One bad submission never stops the class: each is graded in its own
transaction; whatever cannot be read scores 0 with a message that reaches
the summary, the answer cell's autograder comment (formgrader) and the
feedback.  Manual scores and comments are never overwritten.

Everything under ``submitted/`` is a student's: no symlink is followed and
only regular files are read (:mod:`autograder.grading.safefiles`), within the size
and time limits of :class:`autograder.grading.limits.SubmissionLimits`.  A folder
whose name is not a safe student id, or not on the roster when there is one
(:mod:`autograder.grading.studentids`), is reported and nothing is written for it.
A submission that cannot be graded (the source notebook handed in, nbgrader
metadata that fails to validate, an unreadable timestamp.txt, time out)
scores 0 and is marked 无法读取: it never keeps an earlier submission's
scores.

(Over 400 lines: the per-submission steps of one ``Grader`` share its run
state; the reports and the file handling could move out into modules of
their own.)
"""
from __future__ import annotations

import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .coursedir import _quiet_logger, load_config, open_gradebook, quiet_nbgrader_warnings
from .statuscomment import MISSING, UNREADABLE, status_comment  # the comment left on answer cells

__all__ = ["Issue", "Refused", "SubmissionResult", "GradeReport", "Grader", "grade_course",
           "Ungradable", "Unreadable", "UNREADABLE", "MISSING"]


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


@dataclass(frozen=True, slots=True)
class Refused:
    """A folder in ``submitted/`` that was not graded and left no trace in the gradebook."""

    folder: str  # printable
    assignment: str
    reason: str


@dataclass
class GradeReport:
    """What one grading run did: each submission's result, the refused
    submissions, course-level errors and warnings, and the time it took."""
    results: list[SubmissionResult] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # course-level problems (nothing graded)
    warnings: list[str] = field(default_factory=list)  # course-level doubts (graded all the same)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, summed over notebooks

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.results for i in r.issues]

    def summary(self) -> str:
        """The report as text; print it through :func:`autograder.terminal.printable`."""
        graded = sum(r.status == "graded" for r in self.results)
        students = len({r.student for r in self.results})
        lines = [f"评分完成 graded: {len(self.results)} notebooks of {students} students "
                 f"in {self.seconds:.1f} s ({graded} read fully or in part)"]
        lines += [f"error: {e}" for e in self.errors]
        lines += [f"警告 warning: {w}" for w in self.warnings]
        if self.refused:
            lines.append(f"未评分、未写入成绩库的文件夹 folders refused, nothing written ({len(self.refused)}):")
            for r in self.refused:
                where = f"{r.folder}/{r.assignment}" if r.assignment else r.folder
                lines.append(f"  - {where}: {r.reason}")
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
        from ..terminal import printable

        return printable("\n".join(lines))


class Grader:
    """Grades ``submitted/`` of one nbgrader course directory, kernel-free."""

    def __init__(self, course_dir: str | Path):
        from nbgrader.coursedir import CourseDirectory

        from .pipeline import build_pipeline

        self.course_dir = Path(course_dir).resolve()
        if not self.course_dir.is_dir():
            raise FileNotFoundError(f"{course_dir}: no such course directory")
        self.config = load_config(self.course_dir)
        self.coursedir = CourseDirectory(config=self.config)
        log = _quiet_logger()
        self.coursedir.log = log
        pipeline = build_pipeline(self.config, log)  # the course config's lists, see grading.pipeline
        self.sanitize, self.autograde = pipeline.sanitize, pipeline.autograde
        self.permissions = 0o444
        self.timings: dict[str, float] = {}
        from .keycopy import Delimiters
        from .limits import SubmissionLimits

        self.limits = SubmissionLimits(config=self.config)
        self.delimiters = Delimiters(self.config)
        self._solutions: dict[tuple[str, str], dict[str, str]] = {}

    # ------------------------------------------------------------------ discovery

    def _path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def submitted_assignments(self) -> set[str]:
        root = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        if not root.is_dir():
            return set()
        return {a.name for s in root.iterdir() if s.is_dir() and not s.is_symlink()
                for a in s.iterdir() if a.is_dir() and not a.is_symlink()}

    @property
    def submitted_root(self) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", ".")).resolve()

    def submissions(self, assignment: str, roster: set[str] | None = None) -> tuple[list[str], list[Refused]]:
        """(folders to grade, folders refused) for ``assignment``; no link is followed."""
        from .safefiles import kind
        from .studentids import id_problem, shown

        root = self.submitted_root
        if kind(root) != "dir" and not root.is_dir():
            return [], []
        found, refused = [], []
        for name in sorted(os.listdir(root)):
            top = kind(root / name)
            if top == "symlink":
                if kind(os.path.join(root, name, assignment)) != "missing":  # only to say what it is
                    refused.append(Refused(shown(name), assignment, "学生文件夹是符号链接（快捷方式），不跟随、不评分"))
                continue
            if top != "dir" or kind(root / name / assignment) == "missing":
                continue
            problem = id_problem(name)
            if problem is None and roster is not None and name not in roster:
                problem = "不在名单中（成绩库里没有这个学号）：请先导入名单或核对文件夹名"
            if problem:
                refused.append(Refused(shown(name), assignment, problem))
            else:
                found.append(name)
        return found, refused

    # ------------------------------------------------------------------ grading

    def grade(self, assignments: list[str] | None = None, progress: bool = True) -> GradeReport:
        """Grade every submission of ``assignments`` (default: all released) into
        the gradebook and ``autograded/``, reading answers from the files (no
        student code runs).  One bad submission is recorded in the report and
        never stops the others; a manual grade already given is kept."""
        from .session import SourceCache
        from .studentids import roster_ids

        started = time.perf_counter()
        report = GradeReport()
        with quiet_nbgrader_warnings():
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
                from .structure import gradebook_disagreements

                source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", "."))
                report.warnings += gradebook_disagreements(gb, source, wanted)
                roster = roster_ids(gb)
                work = []
                for a in wanted:
                    found, refused = self.submissions(a, roster)
                    work += [(a, s) for s in found]
                    report.refused += refused
                cache = SourceCache(gb)
                cells_of = {}  # notebook cell names, to recognise another assignment's file
                for a in gb.assignments:
                    for nb in a.notebooks:
                        cells_of[(a.name, nb.name)] = {c.name for c in nb.source_cells}
                bar = _progress(len(work), progress)
                try:
                    for assignment, student in work:
                        report.results.extend(
                            self._grade_submission(gb, cache, cells_of, assignment, student, roster is None))
                        bar.update(1)
                finally:
                    bar.close()
        report.timings = dict(self.timings)
        report.seconds = time.perf_counter() - started
        return report

    def _grade_submission(self, gb, cache, cells_of, assignment: str, student: str,
                          unlisted: bool = False) -> list[SubmissionResult]:
        from .limits import Deadline
        from .safefiles import kind
        from .studentids import mark_unlisted

        src = self._path(self.coursedir.submitted_directory, student, assignment)
        dest = self._path(self.coursedir.autograded_directory, student, assignment)
        deadline = Deadline(self.limits.max_seconds)
        results: list[SubmissionResult] = []
        try:
            t = time.perf_counter()
            if unlisted:
                try:
                    gb.find_student(student)
                except Exception:
                    mark_unlisted(gb, student)
            gb.update_or_create_student(student)
            if kind(src) != "dir":
                raise Ungradable("作业文件夹是符号链接或不是文件夹，不跟随、不读取")
            timestamp = self._timestamp(student, assignment)
            if timestamp is not None:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)
            gb.db.commit()
            self._tick("student/submission rows", t)
            t = time.perf_counter()
            skipped = self._prepare_destination(student, assignment, dest)
            self._tick("copy files", t)
            for nb in gb.find_assignment(assignment).notebooks:
                deadline.check()
                result = self._grade_notebook(gb, cache, cells_of, assignment, student, nb.name, src, dest, deadline)
                if skipped:
                    result.issues.insert(0, Issue(student, assignment, None, None, skipped))
                    skipped = None
                results.append(result)
            t = time.perf_counter()
            gb.db.commit()
            self._tick("commit", t)
            self._set_permissions(dest)
        except Exception as exc:  # one submission never stops the class, and never keeps stale scores
            from .limits import SubmissionTimeout

            if isinstance(exc, (Ungradable, SubmissionTimeout)):
                why = str(exc)
            else:
                why = f"评分出错（{type(exc).__name__}: {_short(exc)}）"
            results = self._ungradable(gb, cache, assignment, student, dest, why)
        return results

    def _ungradable(self, gb, cache, assignment: str, student: str, dest: Path, why: str) -> list[SubmissionResult]:
        """The submission scores 0 and is marked 无法读取 (manual scores kept).

        Its autograded files go; each notebook is replaced by the zero-score
        release copy (:meth:`_write_zero_notebook`), never by the student's earlier one.
        """
        from nbgrader.utils import rmtree

        gb.db.rollback()
        message = f"{why}，各题记 0 分。"
        results = []
        try:
            if dest.exists():
                rmtree(str(dest))  # no stale autograded notebook for formgrader or feedback
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment, student)
            for nb in gb.find_assignment(assignment).notebooks:
                self._zero(gb, assignment, student, nb.name, message, UNREADABLE)
                gb.find_submission_notebook(nb.name, assignment, student).late_submission_penalty = None
                results.append(SubmissionResult(student, assignment, nb.name, "unreadable",
                                                issues=[Issue(student, assignment, nb.name, None, message)]))
                self._write_zero_notebook(gb, cache, assignment, student, nb.name, dest, message)
            gb.db.commit()
            self._set_permissions(dest)
        except Exception as exc:
            gb.db.rollback()
            results = [SubmissionResult(student, assignment, "", "unreadable", issues=[Issue(
                student, assignment, None, None, f"{message}（且无法把成绩记为 0：{type(exc).__name__}: {_short(exc)}）")])]
        return results

    def _timestamp(self, student: str, assignment: str):
        """The submission time from timestamp.txt, None without one; :class:`Ungradable` when it is not a time."""
        from .safefiles import UnsafeFile, read_regular

        parts = (student, assignment, "timestamp.txt")
        try:
            data = read_regular(self.submitted_root, parts, self.limits.max_timestamp_bytes)
        except FileNotFoundError:
            return None
        except UnsafeFile as exc:
            raise Ungradable(f"timestamp.txt {exc.reason}：提交时间不明，无法判断是否迟交") from None
        try:
            text = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise Ungradable("timestamp.txt 不是文字：提交时间不明，无法判断是否迟交；"
                             "请核对后改正 timestamp.txt 再重新评分") from None
        if not text:
            return None  # as nbgrader: an empty file is no timestamp
        from nbgrader.utils import parse_utc

        try:
            return parse_utc(text)
        except Exception:
            from .studentids import shown

            raise Ungradable(f"timestamp.txt 的内容“{shown(text[:40])}”不是时间：提交时间不明，无法判断是否迟交；"
                             "请核对后改正 timestamp.txt 再重新评分（nbgrader autograde 也拒绝评分）") from None

    def _prepare_destination(self, student: str, assignment: str, dest: Path) -> str | None:
        """Rebuild ``dest``: the student's regular extra files, then the source's own files.

        Returns a note on the student's files that were not copied (links, special files), or None.
        """
        from nbgrader.utils import find_all_files, is_ignored, rmtree

        from .safefiles import UnsafeFile, copy_regular, kind
        from .studentids import shown

        if dest.exists():
            rmtree(str(dest))  # re-grading: the gradebook keeps manual grades; files are rebuilt
        dest.mkdir(parents=True)
        ignore = list(self.coursedir.ignore) + ["*.ipynb"]
        root = self.submitted_root
        base = root / student / assignment
        limit = int(self.coursedir.max_file_size * 1000) if self.coursedir.max_file_size else 100_000_000
        skipped = []
        for dirname, dirnames, filenames in os.walk(base):  # os.walk does not descend into linked folders
            rel = Path(dirname).relative_to(base)
            if is_ignored(dirname, ignore) and dirname != str(base):
                dirnames[:] = []
                continue
            for d in list(dirnames):
                if kind(Path(dirname, d)) != "dir":
                    skipped.append(str(rel / d))
                    dirnames.remove(d)
            for filename in filenames:
                full = os.path.join(dirname, filename)
                if is_ignored(full, ignore):
                    continue
                parts = (student, assignment) + (rel / filename).parts
                try:
                    copy_regular(root, parts, dest / rel / filename, limit)
                except (UnsafeFile, OSError):
                    skipped.append(str(rel / filename))
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))
        for filename in find_all_files(str(source), ignore):  # the instructor's files win
            target = dest / os.path.relpath(filename, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(filename, target)
        if not skipped:
            return None
        names = "、".join(shown(n) for n in skipped[:5]) + (" 等" if len(skipped) > 5 else "")
        return f"这些附带文件是符号链接、特殊文件或太大，未复制：{names}"

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
            comment.auto_comment = status_comment(prefix, message)
        gb.db.flush()

    def _write_zero_notebook(self, gb, cache, assignment: str, student: str, notebook: str, dest: Path,
                             message: str) -> bool:
        """An autograded notebook for a submission that could not be read: the release copy, scored 0.

        Formgrader and ``generate_feedback`` need a file in ``autograded/``;
        without one the student is invisible (HTTP 500, no feedback).  Every
        test cell says why on stderr (0 points under nbgrader's rule too); the
        answer cells stay blank.  The student's file in ``submitted/`` is
        never touched.  Without a release copy nothing is written (False).
        """
        import nbformat
        from nbformat.notebooknode import from_dict
        from nbgrader import utils

        from .session import NotebookView

        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment))
        try:
            nb = nbformat.read(release / f"{notebook}.ipynb", as_version=4)
            view = NotebookView(gb, cache, notebook, assignment, student)
            resources = {
                "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                             "db_url": self.coursedir.db_url},
                "autograder": {"gradebook": view}, "unique_key": notebook, "output_files_dir": None,
            }
            for pp in self.sanitize:
                nb, resources = pp(nb, resources)
            for cell in nb.cells:
                if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
                    cell.outputs = [from_dict({"output_type": "stream", "name": "stderr",
                                               "text": status_comment(UNREADABLE, message) + "\n"})]
            dest.mkdir(parents=True, exist_ok=True)
            (dest / f"{notebook}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
        except Exception:  # noqa: BLE001 - the zero scores are recorded; the file is a courtesy
            return False
        return True

    def _solutions_of(self, assignment: str, notebook: str) -> dict[str, str]:
        from .keycopy import source_solutions

        key = (assignment, notebook)
        if key not in self._solutions:
            source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))
            self._solutions[key] = source_solutions(source / f"{notebook}.ipynb", self.delimiters)
        return self._solutions[key]

    def _read(self, student: str, assignment: str, notebook: str):
        """The submitted notebook as nbformat reads it; raises :class:`Unreadable` with the reason."""
        import nbformat
        from nbformat.warnings import MissingIDFieldWarning

        from .keycopy import key_copy_problem
        from .safefiles import UnsafeFile, decode_text, read_regular

        try:
            data = read_regular(self.submitted_root, (student, assignment, f"{notebook}.ipynb"),
                                self.limits.max_notebook_bytes)
        except UnsafeFile as exc:
            raise Unreadable(f"{notebook}.ipynb {exc.reason}，拒绝读取") from None
        try:
            raw, _ = decode_text(data)
            with warnings.catch_warnings():  # a student's file without cell ids (older Jupyter): nbformat adds them
                warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
                nb = nbformat.reads(raw, as_version=4)
        except Exception as exc:
            raise Unreadable(f"文件无法打开（不是有效的 notebook：{_exc_kind(exc)}）") from None
        problem = key_copy_problem(list(nb.get("cells", [])), self.delimiters, self._solutions_of(assignment, notebook))
        if problem:
            raise Unreadable(f"这不是学生自己的作答：文件{problem}，看起来是老师的源文件（答案），已拒绝")
        return nb

    def _grade_notebook(self, gb, cache, cells_of, assignment, student, notebook, src, dest,
                        deadline=None) -> SubmissionResult:
        import nbformat

        from .session import NotebookView
        from .safefiles import kind

        path = src / f"{notebook}.ipynb"
        result = SubmissionResult(student, assignment, notebook, "graded")
        if kind(path) == "missing":
            others = sorted(p.name for p in src.glob("*.ipynb"))
            message = f"没有提交 {notebook}.ipynb" + (f"（文件夹里有：{', '.join(others)}）" if others else "") + "，各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, MISSING)
            result.status = "missing"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            return result
        try:
            t = time.perf_counter()
            nb = self._read(student, assignment, notebook)
            self._tick("read notebook", t)
        except Unreadable as exc:
            message = f"{exc}，各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, UNREADABLE)
            result.status = "unreadable"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            self._write_zero_notebook(gb, cache, assignment, student, notebook, dest, message)
            return result

        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
        if ids and not ids & cells_of.get((assignment, notebook), set()):
            other = next((f"{a}/{n}" for (a, n), names in cells_of.items() if ids & names), None)
            hint = f"（看起来是 {other} 的文件）" if other else ""
            message = f"这不是本作业的 notebook{hint}：找不到本作业的任何题目，各题记 0 分。"
            self._zero(gb, assignment, student, notebook, message, UNREADABLE)
            result.status = "unreadable"
            result.issues.append(Issue(student, assignment, notebook, None, message))
            self._write_zero_notebook(gb, cache, assignment, student, notebook, dest, message)
            return result  # its answers belong to other questions: none may count here

        t = time.perf_counter()
        view = NotebookView(gb, cache, notebook, assignment, student)
        self._tick("load grade rows", t)
        resources = {
            "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                         "db_url": self.coursedir.db_url},
            "autograder": {"gradebook": view, "deadline": deadline},
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
                result.issues.append(Issue(student, assignment, notebook, o.var, o.reason.message if o.reason else o.message))
                comment = view.comment(o.qid + "_answer")
                if comment is not None:
                    comment.auto_comment = status_comment(UNREADABLE, o.message)
            elif o.problems:  # a call with some turns unreadable: those score 0, the rest was graded
                result.issues += [Issue(student, assignment, notebook, o.var, p) for p in o.problems]
        gb.db.flush()
        t = time.perf_counter()
        (dest / f"{notebook}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
        self._tick("write notebook", t)
        return result

    def _tick(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started


class Ungradable(RuntimeError):
    """The whole submission cannot be graded; the message (Chinese) says why."""


class Unreadable(RuntimeError):
    """One notebook file cannot be read; the message (Chinese) says why."""


def _exc_kind(exc: Exception) -> str:
    # the exception's type only: its text may quote the file (a symlinked /etc/passwd, say)
    return type(exc).__name__


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
    """``python -m autograder grade``: grade a course directory (see :meth:`Grader.grade`)."""
    return Grader(course_dir).grade(assignments, progress=progress)
