"""FeedbackAnswers: tracebacks cut to one line; keys shown only when configured."""
from __future__ import annotations

from autograder.preprocessors import FeedbackAnswers

from fixturenotebooks import fixture_notebook


def test_a_traceback_that_quotes_the_key_is_cut_to_one_line():
    nb, _ = FeedbackAnswers()(fixture_notebook("test_cell_traceback_quotes_the_key"), {})
    assert nb.cells[2].outputs[0]["traceback"] == ["AssertionError: 答案不对"]
    assert len(nb.cells[2].outputs) == 1


def test_show_key_adds_the_key_and_the_explanation_below_the_result():
    nb, _ = FeedbackAnswers(show_key=True)(fixture_notebook("test_cell_traceback_quotes_the_key"), {})
    text = nb.cells[2].outputs[-1]["data"]["text/markdown"]
    assert "正确答案：C" in text and "先问候再报工号" in text
