"""SharedOverwriteCells: nbgrader's ``OverwriteCells`` on the run's shared gradebook."""
from __future__ import annotations

from nbformat.notebooknode import from_dict
from nbformat.v4.nbbase import random_cell_id
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells
from traitlets import Bool

from ..grading.session import bind_shared

__all__ = ["SharedOverwriteCells"]


class SharedOverwriteCells(OverwriteCells):
    """Restore locked and graded cells from the source, as ``OverwriteCells`` does.

    Same behaviour and settings (``OverwriteCells.add_missing_cells`` …); when
    the grader passes its open gradebook in ``resources`` no new database
    connection is opened per notebook.  A cell whose id is unknown to the
    gradebook (e.g. from another assignment's notebook) becomes an ordinary
    cell: nbgrader 0.9.6 leaves it half-marked and ``add_missing_cells`` then
    fails with ``KeyError: 'grade_id'``.  Missing grade cells are put back
    after the nearest earlier cell that is still there (nbgrader's version
    assumes the cell just before is present and fails otherwise).  A cell put
    back gets a cell id where the notebook's format has them (nbgrader's has
    none: writing the notebook then warned ``MissingIDFieldWarning``).
    """

    add_missing_cells = Bool(
        True,
        help="Put back grade and task cells a student deleted (they then score 0 if unanswered). "
             "On by default here (nbgrader's OverwriteCells has it off); "
             "c.OverwriteCells.add_missing_cells = False turns it off for both.",
    ).tag(config=True)

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [c.name for c in source_nb.source_cells]
        source = {c.name: c for c in source_nb.source_cells}
        graded = {c.name: c for c in source_nb.grade_cells}
        solutions = {c.name for c in source_nb.solution_cells}

        def present() -> dict[str, int]:
            ids = ((c["metadata"].get("nbgrader", {}).get("grade_id"), i) for i, c in enumerate(nb.cells))
            return {gid: i for gid, i in ids if gid}

        where = present()
        for pos, name in enumerate(order):
            if name not in graded or name in where:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            cell = from_dict(self.missing_cell_transform(source[name], graded[name].max_score,
                                                         is_solution=name in solutions))
            anchor = next((where[p] + 1 for p in reversed(order[:pos]) if p in where), 0)
            nb.cells.insert(anchor, cell)
            where = present()
        return _with_cell_ids(nb), resources

    def add_missing_task_cells(self, nb, resources):
        nb, resources = super().add_missing_task_cells(nb, resources)
        return _with_cell_ids(nb), resources

    def report_change(self, name, attr, old, new):
        """nbgrader's warning, except for the expected one: a locked cell whose hidden part release removed.

        Every autograder-test cell is locked and its hidden tests come back
        from the source (the short answer's question cell: its mark scheme),
        so nbgrader warned "checksum has changed" once per question per
        student; a locked cell a student really edited still warns.
        """
        if attr == "checksum":
            try:
                source = self.gradebook.find_source_cell(name, self.notebook_id, self.assignment_id).source or ""
            except Exception:  # noqa: BLE001 - unknown cell: keep nbgrader's warning
                source = ""
            if "BEGIN HIDDEN TESTS" in source or "BEGIN MARK SCHEME" in source:
                self.log.debug("Hidden tests or mark scheme of cell %s restored from the source", name)
                return
        super().report_change(name, attr, old, new)

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        meta = cell.metadata
        if "nbgrader" in meta and "grade_id" not in meta["nbgrader"]:
            del meta["nbgrader"]
        return cell, resources

    def preprocess(self, nb, resources):
        if bind_shared(self, resources) is None:
            return super().preprocess(nb, resources)
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


def _with_cell_ids(nb):
    """Give every cell without one an id, as nbformat would on writing, when the format has ids (4.5+)."""
    if (nb.get("nbformat", 4), nb.get("nbformat_minor", 0)) >= (4, 5):
        for cell in nb.cells:
            if "id" not in cell:
                cell["id"] = random_cell_id()
    return nb
