"""SharedSaveAutoGrades: nbgrader's ``SaveAutoGrades`` on the run's shared gradebook."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

from ..grading.session import bind_shared

__all__ = ["SharedSaveAutoGrades"]


class SharedSaveAutoGrades(SaveAutoGrades):
    """Save auto scores and "No response." comments exactly as ``SaveAutoGrades``.

    Manual scores and comments are never touched (a previously hand-graded
    cell is flagged for review, as nbgrader does).  With a shared gradebook
    the per-cell commits become flushes; the grader commits per submission.
    """

    def preprocess(self, nb, resources):
        if bind_shared(self, resources) is None:
            return super().preprocess(nb, resources)
        return NbGraderPreprocessor.preprocess(self, nb, resources)
