"""SharedAssignLatePenalties: nbgrader's ``AssignLatePenalties`` on the run's shared gradebook."""
from __future__ import annotations

from nbgrader.preprocessors import AssignLatePenalties

from ..grading.session import bind_shared

__all__ = ["SharedAssignLatePenalties"]


class SharedAssignLatePenalties(AssignLatePenalties):
    """Apply the configured late-submission plugin, as ``AssignLatePenalties`` does."""

    def preprocess(self, nb, resources):
        gb = bind_shared(self, resources)
        if gb is None:
            return super().preprocess(nb, resources)
        self.init_plugin()
        assignment = gb.find_submission(self.assignment_id, self.student_id)
        notebook = gb.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
        notebook.late_submission_penalty = None
        if assignment.total_seconds_late > 0:
            penalty = self.plugin_inst.late_submission_penalty(
                self.student_id, notebook.score, assignment.total_seconds_late)
            if penalty is not None:
                notebook.late_submission_penalty = self._check_late_penalty(notebook, penalty)
        gb.db.flush()
        return nb, resources
