"""RescoreKitQuestions: kernel mode cannot change the score of a question from the bank."""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from ..grading.core import grade_question, outputs_for, spec_from_source
from ..grading.decisions import METADATA_KEY, store

__all__ = ["RescoreKitQuestions"]


class RescoreKitQuestions(NbGraderPreprocessor):
    """Run right after ``Execute``: re-score every test cell generated from the bank, kernel-free.

    In kernel mode the student's code shares the kernel with the hidden
    tests and can silence ``sys.stderr`` or ``print``, or replace
    ``grade_question``, so what a test cell printed proves nothing.  Each
    bank test cell's outputs are replaced by what ``KernelFreeGrade`` writes:
    the answers read from the notebook's cells (the submitted file, as
    sanitised), scored outside the kernel.  Test cells the instructor wrote
    by hand keep the kernel's outputs (kernel mode exists for them; the
    README says what that trusts).
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        sources = [cell.source for cell in code]
        for i, cell in enumerate(code):
            if not utils.is_grade(cell) or utils.is_solution(cell):
                continue
            spec = spec_from_source(cell.source)
            if spec is None:
                cell.metadata.pop(METADATA_KEY, None)  # only grading writes what grading decided
            else:
                outcome = grade_question(spec, sources[:i], sources[i + 1:])
                cell.outputs = [from_dict(o) for o in outputs_for(outcome)]
                store(cell, outcome)
        return nb, resources
