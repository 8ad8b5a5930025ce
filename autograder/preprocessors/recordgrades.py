"""RecordGrades: nbgrader's ``SaveAutoGrades`` on the run's shared gradebook."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

from .sharedgradebook import shared_gradebook

__all__ = ["RecordGrades"]


class RecordGrades(SaveAutoGrades):
    """Save auto scores and "No response." comments exactly as ``SaveAutoGrades``.

    Manual scores and comments are never touched (a previously hand-graded
    cell is flagged for review, as nbgrader does).  With a shared gradebook
    the per-cell commits become flushes; the grader commits per submission.
    """

    def preprocess(self, nb, resources):
        gb = shared_gradebook(resources)
        if gb is None:
            return super().preprocess(nb, resources)
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.student_id = resources["nbgrader"]["student"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = gb
        return NbGraderPreprocessor.preprocess(self, nb, resources)
