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


def _test_cell_notebook(spec: dict):
    """A notebook with one bank test cell calling ``run_test`` with ``spec``."""
    import json

    from nbformat.v4 import new_code_cell, new_notebook

    meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": spec["points"],
                         "grade_id": f"{spec['qid']}_test", "schema_version": 3}}
    source = f"from autograder.autotest import run_test\nrun_test({json.dumps(spec, ensure_ascii=False)})\n"
    return new_notebook(cells=[new_code_cell(source, metadata=meta)])


def _bank_spec(qtype: str) -> dict:
    from autograder.questionbank.load import load_bank
    from helpers import EXERCISES

    return next(q for ch in load_bank(EXERCISES / "bank") for q in ch.questions if q.type == qtype).spec()


def test_show_key_gives_a_rewrite_its_model_answer_and_a_call_its_model_lines():
    rewrite, call = _bank_spec("rewrite"), _bank_spec("call")
    for spec, expected in (
            (rewrite, f"参考答案：{rewrite['model']}\n\n解析：{rewrite['explanation']}"),
            (call, "参考通话：\n\n" + "\n".join(f"- 第{n}句：{line}" for n, line in enumerate(call["model"], 1))
             + f"\n\n解析：{call['explanation']}")):
        nb, _ = FeedbackAnswers(show_key=True)(_test_cell_notebook(spec), {})
        assert nb.cells[0].outputs[-1]["data"]["text/plain"] == expected
        hidden, _ = FeedbackAnswers()(_test_cell_notebook(spec), {})
        assert hidden.cells[0].outputs == []


def test_show_key_without_an_explanation_shows_the_key_alone():
    spec = {k: v for k, v in _bank_spec("single").items() if k != "explanation"}
    nb, _ = FeedbackAnswers(show_key=True)(_test_cell_notebook(spec), {})
    assert nb.cells[0].outputs[-1]["data"]["text/plain"] == f"正确答案：{spec['key']}"
