"""FeedbackAnswers: what a student's feedback shows for each autograded question."""
from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

from ..grading.core import question_spec_from_source
from .sanitizestudenthtml import SanitizeStudentHtml

__all__ = ["FeedbackAnswers"]


class FeedbackAnswers(NbGraderPreprocessor):
    """Runs before ``ClearHiddenTests`` in ``GenerateFeedback``.

    Error tracebacks of test cells are cut to one line (a traceback quotes the
    surrounding test code, and so the key).  With ``show_key`` the key (or the
    model answer) and the explanation are added below each question's result.
    Student content is sanitised here too (``SanitizeStudentHtml``), so
    feedback is safe even with a course config that does not list the
    sanitiser (it should still run last, after ``GetGrades``, for comments).
    """

    show_key = Bool(
        False,
        help="Show each autograded question's correct answer and explanation in the feedback.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        nb, resources = super().preprocess(nb, resources)
        sanitizer = SanitizeStudentHtml(config=self.config)
        sanitizer.log = self.log
        return sanitizer.preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        spec = question_spec_from_source(cell.source) if self.show_key else None
        if spec is not None:
            if spec.type == "rewrite":
                answer = f"参考答案：{spec.model}"
            elif spec.type == "call":
                lines = spec.model_lines
                answer = "参考通话：\n\n" + "\n".join(f"- 第{n}句：{t}" for n, t in enumerate(lines, 1))
            else:
                answer = f"正确答案：{spec.key}"
            text = answer + (f"\n\n解析：{spec.explanation}" if spec.explanation else "")
            cell.outputs.append(from_dict({"output_type": "display_data", "metadata": {},
                                           "data": {"text/markdown": text, "text/plain": text}}))
        return cell, resources
