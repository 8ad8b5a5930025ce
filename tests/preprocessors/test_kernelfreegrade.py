"""KernelFreeGrade: test cells get the outputs a kernel would give, no code runs."""
from __future__ import annotations

from autograder.preprocessors import KernelFreeGrade

from fixturenotebooks import fixture_notebook


def test_a_right_answer_leaves_no_error_and_full_points():
    nb, res = KernelFreeGrade()(fixture_notebook("single_choice_right"), {})
    assert not any(o.get("name") == "stderr" for o in nb.cells[2].outputs)
    assert [o.points for o in res["autograder"]["outcomes"]] == [2.0]


def test_a_wrong_answer_writes_stderr_and_scores_zero():
    nb, res = KernelFreeGrade()(fixture_notebook("single_choice_wrong"), {})
    out = nb.cells[2].outputs
    assert out[0]["name"] == "stderr" and "回答不正确" in out[0]["text"]
    assert res["autograder"]["outcomes"][0].points == 0


def test_a_test_cell_written_by_hand_scores_zero_with_an_explanation():
    nb, res = KernelFreeGrade()(fixture_notebook("test_cell_written_by_hand"), {})
    assert nb.cells[2].outputs[0]["name"] == "stderr" and "人工评分" in nb.cells[2].outputs[0]["text"]
    assert res["autograder"]["outcomes"] == []
