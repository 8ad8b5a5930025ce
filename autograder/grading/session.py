"""One open nbgrader Gradebook shared by every notebook of a grading run.

nbgrader's preprocessors open a new Gradebook (engine, table check, session)
for every notebook and commit after every cell; over a class that overhead
dominates.  ``NotebookView`` answers the per-cell lookups they make from
memory (source cells are the same for every student) and defers their
per-cell ``commit()``; the grader commits once per submission.

The grader hands that gradebook to the kit's preprocessors in
``resources["autograder"]["gradebook"]``; :func:`bind_shared` is how a
preprocessor picks it up (without it, each behaves as nbgrader's own).
"""
from __future__ import annotations

from types import SimpleNamespace

from nbgrader.api import Comment, Grade, Gradebook, MissingEntry
from sqlalchemy.orm import joinedload

__all__ = ["NotebookView", "SourceCache", "shared_gradebook", "bind_shared"]


class _DeferredCommit:
    """A session whose ``commit`` waits for the grader's own commit (autoflush keeps queries right)."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._session, name)


class SourceCache:
    """Source and graded cells of each (notebook, assignment), loaded once."""

    def __init__(self, gb: Gradebook):
        self._gb = gb
        self._source: dict[tuple[str, str], dict] = {}
        self._graded: dict[tuple[str, str], dict] = {}
        self._kernelspec: dict[tuple[str, str], str | None] = {}

    def _load(self, notebook: str, assignment: str) -> None:
        # Plain snapshots, not ORM rows: rows expire at every commit and would
        # be re-read from the database, attribute by attribute.
        key = (notebook, assignment)
        if key not in self._source:
            nb = self._gb.find_notebook(notebook, assignment)
            self._source[key] = {c.name: SimpleNamespace(
                name=c.name, cell_type=c.cell_type, locked=c.locked, source=c.source, checksum=c.checksum)
                for c in nb.source_cells}
            self._graded[key] = {c.name: SimpleNamespace(name=c.name, max_score=c.max_score, cell_type=c.cell_type)
                                 for c in nb.grade_cells}
            self._kernelspec[key] = nb.kernelspec

    def kernelspec(self, notebook: str, assignment: str) -> str | None:
        """The source notebook's kernelspec (JSON text), as the gradebook stores it."""
        self._load(notebook, assignment)
        return self._kernelspec[(notebook, assignment)]

    def source_cell(self, name: str, notebook: str, assignment: str):
        self._load(notebook, assignment)
        try:
            return self._source[(notebook, assignment)][name]
        except KeyError:
            raise MissingEntry() from None

    def graded_cell(self, name: str, notebook: str, assignment: str):
        self._load(notebook, assignment)
        try:
            return self._graded[(notebook, assignment)][name]
        except KeyError:
            raise MissingEntry() from None


class NotebookView:
    """The Gradebook as nbgrader's preprocessors see it for one submitted notebook."""

    def __init__(self, gb: Gradebook, cache: SourceCache, notebook: str, assignment: str, student: str):
        self._gb = gb
        self._cache = cache
        self.db = _DeferredCommit(gb.db)
        sub = gb.find_submission_notebook(notebook, assignment, student)
        # one query each, cells joined in (Grade.name would lazy-load its cell row by row)
        grades = gb.db.query(Grade).options(joinedload(Grade.cell)).filter(Grade.notebook_id == sub.id)
        comments = gb.db.query(Comment).options(joinedload(Comment.cell)).filter(Comment.notebook_id == sub.id)
        self._grades = {g.cell.name: g for g in grades}
        self._comments = {c.cell.name: c for c in comments}

    def find_source_cell(self, name, notebook, assignment):
        return self._cache.source_cell(name, notebook, assignment)

    def find_graded_cell(self, name, notebook, assignment):
        return self._cache.graded_cell(name, notebook, assignment)

    def find_grade(self, name, notebook, assignment, student):
        try:
            return self._grades[name]
        except KeyError:
            raise MissingEntry() from None

    def find_comment(self, name, notebook, assignment, student):
        try:
            return self._comments[name]
        except KeyError:
            raise MissingEntry() from None

    def kernelspec(self, notebook: str, assignment: str) -> str | None:
        return self._cache.kernelspec(notebook, assignment)

    def comment(self, name: str):
        """The comment row of a cell of this submission, or None."""
        return self._comments.get(name)

    def __getattr__(self, name):
        return getattr(self._gb, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass  # the grading run owns the connection



def shared_gradebook(resources: dict):
    return (resources.get("autograder") or {}).get("gradebook")


def bind_shared(pp, resources: dict):
    """Set the ids nbgrader's preprocessors keep, and their gradebook, from the run's shared one.

    Returns the shared gradebook, or None when there is none (then the
    preprocessor behaves exactly as nbgrader's own and opens its own).
    """
    gb = shared_gradebook(resources)
    if gb is not None:
        ids = resources["nbgrader"]
        pp.notebook_id = ids["notebook"]
        pp.assignment_id = ids["assignment"]
        pp.student_id = ids.get("student")
        pp.db_url = ids["db_url"]
        pp.gradebook = gb
    return gb
