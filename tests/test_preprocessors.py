"""The kit's nbgrader preprocessors, one by one."""
from __future__ import annotations

import copy

import pytest
from nbformat import from_dict
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.preprocessors import CheckCellMetadata

from autograder.preprocessors import CheckMetadata, DropEmptyMetadata, FeedbackAnswers, KernelFreeGrade

SPEC = {"qid": "ch1_s01", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C",
        "explanation": "因为……"}


def _meta(gid, **kw):
    base = {"grade": False, "solution": False, "locked": False, "grade_id": gid, "schema_version": 3, "task": False}
    base.update(kw)
    return {"nbgrader": base}


def _nb(answer='第1题 = "C"'):
    return from_dict(new_notebook(cells=[
        new_code_cell(answer, metadata=_meta("ch1_s01_answer", solution=True)),
        new_code_cell(f"### BEGIN HIDDEN TESTS\nrun_test({SPEC!r})\n### END HIDDEN TESTS",
                      metadata=_meta("ch1_s01_test", grade=True, locked=True, points=2)),
    ]))


def test_kernel_free_grade_fills_outputs_and_reports_outcomes():
    nb, res = KernelFreeGrade()(_nb('第1题 = "B"'), {})
    out = nb.cells[1].outputs
    assert out[0]["name"] == "stderr" and "回答不正确" in out[0]["text"]
    assert res["autograder"]["outcomes"][0].points == 0


def test_unknown_test_cells_score_zero_with_an_explanation():
    nb = _nb()
    nb.cells[1].source = "assert 第1题 == 'C'"
    nb, _ = KernelFreeGrade()(nb, {})
    assert nb.cells[1].outputs[0]["name"] == "stderr" and "人工评分" in nb.cells[1].outputs[0]["text"]


@pytest.mark.parametrize("breakage", [
    lambda m: m.pop("grade_id"),
    lambda m: m.update(points="many"),
    lambda m: m.update(schema_version=1),
    lambda m: m.update(grade="yes"),
])
def test_check_metadata_rejects_what_nbgrader_rejects(breakage):
    nb = _nb()
    breakage(nb.cells[1].metadata["nbgrader"])
    with pytest.raises(Exception) as ours:
        CheckMetadata()(copy.deepcopy(nb), {})
    with pytest.raises(Exception) as theirs:
        CheckCellMetadata()(copy.deepcopy(nb), {})
    assert type(ours.value) is type(theirs.value)


def test_check_metadata_accepts_good_notebooks():
    good = _nb()
    nb, resources = CheckMetadata()(copy.deepcopy(good), {"unchanged": True})
    assert nb == good and resources == {"unchanged": True}


def test_drop_empty_metadata_after_deduplication():
    nb = _nb()
    nb.cells[0].metadata["nbgrader"] = {}
    nb, _ = DropEmptyMetadata()(nb, {})
    assert "nbgrader" not in nb.cells[0].metadata and "nbgrader" in nb.cells[1].metadata


def test_feedback_cuts_tracebacks_and_shows_keys_only_when_asked():
    nb = _nb()
    nb.cells[1].outputs = [from_dict({"output_type": "error", "ename": "NameError", "evalue": "x",
                                      "traceback": ["line with run_test({'key': 'C'})"]})]
    quiet, _ = FeedbackAnswers()(copy.deepcopy(nb), {})
    assert quiet.cells[1].outputs[0]["traceback"] == ["NameError: x"] and len(quiet.cells[1].outputs) == 1
    shown, _ = FeedbackAnswers(show_key=True)(copy.deepcopy(nb), {})
    text = shown.cells[1].outputs[-1]["data"]["text/markdown"]
    assert "正确答案：C" in text and "因为" in text
