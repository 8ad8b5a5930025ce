"""FeedbackQuestions: every cell of a question is labelled for the feedback page."""
from __future__ import annotations

import pytest

from autograder.preprocessors import FeedbackQuestions

from fixturenotebooks import fixture_notebook


@pytest.mark.nbgrader  # a gradebook
def test_each_cell_of_a_question_gets_its_label_and_role(tmp_path):
    ids = {"student": "s1", "assignment": "ch1", "notebook": "ch1", "db_url": f"sqlite:///{tmp_path / 'gradebook.db'}"}
    nb, res = FeedbackQuestions()(fixture_notebook("single_choice_right"), {"nbgrader": ids})
    roles = [c.metadata.get("autograder", {}).get("feedback", {}).get("role") for c in nb.cells]
    assert roles == ["question", "answer", "result"]
    question = nb.cells[2].metadata["autograder"]["feedback"]
    assert question["label"] == "第1题（单选题）" and question["score"] is None  # not in this gradebook
    assert res["autograder_feedback"]["pending"] == []


@pytest.mark.nbgrader  # a gradebook
def test_the_type_labels_are_configurable(tmp_path):
    ids = {"student": "s1", "assignment": "ch1", "notebook": "ch1", "db_url": f"sqlite:///{tmp_path / 'gradebook.db'}"}
    pp = FeedbackQuestions(type_labels={"single": "单项选择"})
    nb, _ = pp(fixture_notebook("single_choice_right"), {"nbgrader": ids})
    assert nb.cells[0].metadata["autograder"]["feedback"]["label"] == "第1题（单项选择）"
