"""RestoreCells: nbgrader's ``OverwriteCells`` on the run's shared gradebook."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells

from .sharedgradebook import shared_gradebook

__all__ = ["RestoreCells"]


class RestoreCells(OverwriteCells):
    """Restore locked and graded cells from the source, as ``OverwriteCells`` does.

    Same behaviour and settings (``OverwriteCells.add_missing_cells`` …); when
    the grader passes its open gradebook in ``resources`` no new database
    connection is opened per notebook.
    """

    def preprocess(self, nb, resources):
        gb = shared_gradebook(resources)
        if gb is None:
            return super().preprocess(nb, resources)
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = gb
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources
