"""KernelFreeGrade: nbgrader's ``Execute`` replaced by reading answers as data."""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ..grading.answers import answer_cells
from ..grading.core import grade_question, outputs_for, spec_from_source
from ..grading.decisions import METADATA_KEY, store

__all__ = ["KernelFreeGrade"]


class KernelFreeGrade(NbGraderPreprocessor):
    """Fill each autograder-test cell's outputs as the kernel would, without a kernel.

    For every test cell generated from the bank (a hidden ``run_test({...})``
    call), the answer is read from the source text of the code cells above it
    (``ast``, literals only) and scored by the same function the kernel would
    call, so ``SaveAutoGrades`` records the same score.  No cell is executed;
    each cell is parsed at most once per notebook, whatever the number of
    questions.  The outcomes are left in ``resources["autograder"]["outcomes"]``;
    a ``Deadline`` in ``resources["autograder"]["deadline"]`` is checked
    before each question.
    """

    unknown_test_message = Unicode(
        "这个评分格不是由题库生成的，免内核评分无法判断它：请在 formgrader 里人工评分，"
        "或设置环境变量 AUTOGRADER_EXECUTE=1 后用 nbgrader 的内核执行重新评分。",
        help="Written to stderr (so the cell scores 0 until graded by hand) for test cells "
             "that were not generated from the question bank.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        sources = answer_cells(cell.source for cell in code)
        deadline = (resources.get("autograder") or {}).get("deadline")
        outcomes = []
        for i, cell in enumerate(code):
            if not utils.is_grade(cell) or utils.is_solution(cell):
                continue
            if deadline is not None:
                deadline.check()
            spec = spec_from_source(cell.source)
            if spec is None:
                cell.metadata.pop(METADATA_KEY, None)  # only grading writes what grading decided
                cell.outputs = [from_dict({"output_type": "stream", "name": "stderr",
                                           "text": self.unknown_test_message + "\n"})]
                continue
            outcome = grade_question(spec, sources[:i], sources[i + 1:])
            cell.outputs = [from_dict(o) for o in outputs_for(outcome)]
            store(cell, outcome)
            outcomes.append(outcome)
        resources.setdefault("autograder", {})["outcomes"] = outcomes
        return nb, resources
