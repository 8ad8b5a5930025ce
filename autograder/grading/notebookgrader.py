"""Grading one submitted notebook on the run's shared gradebook session.

:class:`NotebookGrader` holds what every notebook of a grading run shares —
the open gradebook, its cache of source cells (:mod:`autograder.grading.session`),
the course's preprocessors and the step timings — and grades one notebook:
a missing file, a file that cannot be read or another assignment's notebook
scores 0 with a status comment (:mod:`autograder.grading.statuscomment`);
any other runs through the sanitize and autograde preprocessors, kernel-free,
and is written to ``autograded/``.  It flushes; the grader commits once per
submission.
"""
from __future__ import annotations

import time
from pathlib import Path

from .gradereport import Issue, SubmissionResult
from .statuscomment import MISSING, UNREADABLE, status_comment
from .submissionfiles import SubmissionFiles, Unreadable

__all__ = ["NotebookGrader"]


class NotebookGrader:
    """Grades the notebooks of one run into the open gradebook ``gb``."""

    def __init__(self, gb, files: SubmissionFiles, sanitize: list, autograde: list, timings: dict[str, float]):
        from .session import SourceCache

        self.gb, self.files = gb, files
        self.sanitize, self.autograde = sanitize, autograde
        self.timings = timings  # seconds per step, summed over notebooks (the grader's)
        self.cache = SourceCache(gb)
        self.cells_of = {}  # notebook cell names, to recognise another assignment's file
        for a in gb.assignments:
            for nb in a.notebooks:
                self.cells_of[(a.name, nb.name)] = {c.name for c in nb.source_cells}

    def tick(self, step: str, started: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started

    def resources(self, assignment: str, student: str, notebook: str, deadline=None) -> dict:
        """nbconvert resources for the kit's preprocessors: the shared session's view of this notebook."""
        from .session import NotebookView

        shared = {"gradebook": NotebookView(self.gb, self.cache, notebook, assignment, student)}
        if deadline is not None:
            shared["deadline"] = deadline
        return {
            "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                         "db_url": self.files.coursedir.db_url},
            "autograder": shared, "unique_key": notebook, "output_files_dir": None,
        }

    # ------------------------------------------------------------------ one notebook

    def grade(self, assignment: str, student: str, notebook: str, src: Path, dest: Path,
              deadline=None) -> SubmissionResult:
        """Grade ``src/notebook.ipynb`` into the gradebook and ``dest``; never raises for a bad file."""
        from .safefiles import kind

        result = SubmissionResult(student, assignment, notebook, "graded")
        if kind(src / f"{notebook}.ipynb") == "missing":
            others = sorted(p.name for p in src.glob("*.ipynb"))
            message = f"没有提交 {notebook}.ipynb" + (f"（文件夹里有：{', '.join(others)}）" if others else "") + "，各题记 0 分。"
            return self._refuse(result, message, MISSING, dest)
        try:
            t = time.perf_counter()
            nb = self.files.read_notebook(student, assignment, notebook)
            self.tick("read notebook", t)
        except Unreadable as exc:
            return self._refuse(result, f"{exc}，各题记 0 分。", UNREADABLE, dest)
        other = self._foreign(nb, assignment, notebook)
        if other is not None:  # its answers belong to other questions: none may count here
            return self._refuse(result, f"这不是本作业的 notebook{other}：找不到本作业的任何题目，各题记 0 分。",
                                UNREADABLE, dest)
        t = time.perf_counter()
        resources = self.resources(assignment, student, notebook, deadline)
        view = resources["autograder"]["gradebook"]
        self.tick("load grade rows", t)
        for pp in self.sanitize + self.autograde:
            t = time.perf_counter()
            nb, resources = pp(nb, resources)  # __call__ honours `enabled`, as nbconvert's exporter does
            self.tick(type(pp).__name__, t)
        self._record(result, resources["autograder"].get("outcomes", []), view)
        self.gb.db.flush()
        t = time.perf_counter()
        self._write(nb, dest, notebook)
        self.tick("write notebook", t)
        return result

    def _foreign(self, nb, assignment: str, notebook: str) -> str | None:
        """None when ``nb`` has a question of this notebook (or none at all); else a hint whose file it is."""
        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
        if not ids or ids & self.cells_of.get((assignment, notebook), set()):
            return None
        other = next((f"{a}/{n}" for (a, n), names in self.cells_of.items() if ids & names), None)
        return f"（看起来是 {other} 的文件）" if other else ""

    def _refuse(self, result: SubmissionResult, message: str, prefix: str, dest: Path) -> SubmissionResult:
        """The notebook scores 0 with ``message``; an unreadable one also gets a zero-score autograded copy."""
        a, s, n = result.assignment, result.student, result.notebook
        self.zero(a, s, n, message, prefix)
        result.status = "missing" if prefix == MISSING else "unreadable"
        result.issues.append(Issue(s, a, n, None, message))
        if prefix == UNREADABLE:
            self.write_zero_notebook(a, s, n, dest, message)
        return result

    def _record(self, result: SubmissionResult, outcomes: list, view) -> None:
        """The outcomes' points and problems into ``result``; unreadable answers get their status comment."""
        result.outcomes = outcomes
        result.score = sum(o.points for o in outcomes)
        result.max_score = sum(o.max_points for o in outcomes)
        s, a, n = result.student, result.assignment, result.notebook
        for o in outcomes:
            if o.status == "unreadable":
                result.issues.append(Issue(s, a, n, o.var, o.reason.message if o.reason else o.message))
                comment = view.comment(o.qid + "_answer")
                if comment is not None:
                    comment.auto_comment = status_comment(UNREADABLE, o.message)
            elif o.problems:  # a call with some turns unreadable: those score 0, the rest was graded
                result.issues += [Issue(s, a, n, o.var, p) for p in o.problems]

    @staticmethod
    def _write(nb, dest: Path, notebook: str) -> None:
        import nbformat

        (dest / f"{notebook}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")

    # ------------------------------------------------------------------ zero scores

    def zero(self, assignment: str, student: str, notebook: str, message: str, prefix: str) -> None:
        """No answer could be read: every autograded cell scores 0 (manual scores kept)."""
        sub = self.gb.find_submission_notebook(notebook, assignment, student)
        for grade in sub.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = grade.manual_score is not None
        for comment in sub.comments:
            comment.auto_comment = status_comment(prefix, message)
        self.gb.db.flush()

    def write_zero_notebook(self, assignment: str, student: str, notebook: str, dest: Path, message: str) -> bool:
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

        try:
            nb = nbformat.read(self.files.release(assignment) / f"{notebook}.ipynb", as_version=4)
            resources = self.resources(assignment, student, notebook)
            for pp in self.sanitize:
                nb, resources = pp(nb, resources)
            for cell in nb.cells:
                if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
                    cell.outputs = [from_dict({"output_type": "stream", "name": "stderr",
                                               "text": status_comment(UNREADABLE, message) + "\n"})]
            dest.mkdir(parents=True, exist_ok=True)
            self._write(nb, dest, notebook)
        except Exception:  # noqa: BLE001 - the zero scores are recorded; the file is a courtesy
            return False
        return True
