"""FeedbackQuestions: label each question of a feedback notebook, with its score or 待评分."""
from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Unicode

from ..grading.core import question_spec_from_source
from ..questiontypes import TYPE_LABEL
from ..grading.coursedir import open_gradebook

__all__ = ["FeedbackQuestions", "TYPE_LABELS"]

# The default labels are the bank's build's, the words in each question's heading.
TYPE_LABELS = dict(TYPE_LABEL)
_HEADING = re.compile(r"^#+\s*(第\d+题)（([^，,）]{1,12})")


class FeedbackQuestions(NbGraderPreprocessor):
    """Runs first in ``GenerateFeedback`` (it reads the hidden test specs before ``ClearHiddenTests``).

    Every cell of a question gets ``metadata.autograder.feedback``: the
    question's label (第N题（单选题）), the cell's role (``question``,
    ``answer`` or ``result``), its score and points from the gradebook, and
    ``pending`` when the question waits for a manual grade.  The kit's
    feedback template renders from these alone, whatever the question type.
    ``resources["autograder_feedback"]`` lists the questions; the ones still
    waiting for a grader are logged as a warning naming the student.
    """

    type_labels = Dict(
        TYPE_LABELS, help="Question type (from the test spec) -> the Chinese label shown in feedback.",
    ).tag(config=True)

    pending_text = Unicode("待评分", help="Shown instead of a score for a question not graded by hand yet.").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        ids = resources["nbgrader"]
        questions = self._questions(nb)
        with open_gradebook(ids["db_url"]) as gb:
            for q in questions.values():
                try:
                    grade = gb.find_grade(q["grade_cell"], ids["notebook"], ids["assignment"], ids["student"])
                except MissingEntry:
                    continue
                q["points"] = float(grade.max_score or 0)
                q["pending"] = bool(grade.needs_manual_grade) and grade.manual_score is None
                q["score"] = None if q["pending"] else float(grade.score or 0)
        for cell in nb.cells:
            role = self._role(cell, questions)
            if role is None:
                continue
            q, name = role
            cell.metadata.setdefault("autograder", {})["feedback"] = dict(q, role=name)
        ordered = list(questions.values())
        pending = [q["label"] for q in ordered if q.get("pending")]
        resources["autograder_feedback"] = {"questions": ordered, "pending": pending,
                                            "pending_text": self.pending_text}
        if pending:
            self.log.warning("%s 的 %s/%s 还有 %d 题没有人工评分：%s。反馈里显示为“%s”，总分暂不含这些题；"
                             "评完后请重新 generate_feedback。", ids["student"], ids["assignment"], ids["notebook"],
                             len(pending), "、".join(pending), self.pending_text)
        return nb, resources

    def _questions(self, nb: NotebookNode) -> dict[str, dict]:
        """qid -> label, type and grade cell, in notebook order."""
        headings = {}
        for cell in nb.cells:
            gid = _grade_id(cell)
            if cell.cell_type == "markdown" and gid.endswith("_question"):
                m = _HEADING.match(cell.source.lstrip())
                if m:
                    headings[gid[: -len("_question")]] = (m.group(1), m.group(2))
        found: dict[str, dict] = {}
        for cell in nb.cells:
            if not utils.is_grade(cell):
                continue
            gid = _grade_id(cell)
            spec = (question_spec_from_source(cell.source) if cell.cell_type == "code" and not utils.is_solution(cell)
                    else None)
            if spec is not None:
                qid, qtype, var = spec.qid, spec.type, spec.var
            else:
                qid = gid[: -len("_answer")] if gid.endswith("_answer") else gid
                var = headings.get(qid, ("", ""))[0]
                qtype = "short" if utils.is_solution(cell) else "other"
            label = self.type_labels.get(qtype) or headings.get(qid, ("", qtype))[1] or qtype
            var = var or headings.get(qid, (f"第{len(found) + 1}题", ""))[0]
            found[qid] = {"qid": qid, "var": var, "type": qtype, "type_label": label, "label": f"{var}（{label}）",
                          "grade_cell": gid, "score": None, "points": 0.0, "pending": False}
        return found

    @staticmethod
    def _role(cell: NotebookNode, questions: dict[str, dict]):
        gid = _grade_id(cell)
        for suffix, name in (("_question", "question"), ("_answer", "answer")):
            if gid.endswith(suffix) and gid[: -len(suffix)] in questions:
                return questions[gid[: -len(suffix)]], name
        for q in questions.values():
            if q["grade_cell"] == gid:
                return q, "result"
        return None

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover - preprocess does the work
        return cell, resources


def _grade_id(cell: NotebookNode) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") or ""
