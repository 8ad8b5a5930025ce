"""Grading one question; the outputs nbgrader turns into the same score."""
from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell
from nbgrader.utils import determine_grade

from autograder.grading.core import grade_question, outputs_for, spec_from_source

SINGLE = {"qid": "ch1_s01", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C",
          "explanation": "语速每分钟120字左右。"}
MULTI = {"qid": "ch1_m01", "type": "multiple", "var": "第9题", "points": 4.0, "options": "ABCDE", "key": "ABD",
         "policy": "subset_partial", "explanation": "x"}
REWRITE = {"qid": "ch1_r01", "type": "rewrite", "var": "第14题", "points": 5.0, "scenario": "opening",
           "bad": "喂，你找谁？", "model": "您好，这里是客服中心，我是3号客服，请问有什么可以帮您？", "explanation": "x"}


def _nbgrader_score(outcome) -> float:
    cell = new_code_cell(source="", metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                           "points": outcome.max_points, "grade_id": "t",
                                                           "schema_version": 3}})
    cell.outputs = outputs_for(outcome)
    from nbformat import from_dict

    return determine_grade(from_dict(cell))[0]


@pytest.mark.parametrize("spec, answer, points, status", [
    (SINGLE, '第1题 = "C"', 2, "correct"),
    (SINGLE, '第1题 = "B"', 0, "wrong"),
    (SINGLE, '第1题 = ""', 0, "unanswered"),
    (SINGLE, '第1题 = "AB"', 0, "unreadable"),
    (MULTI, '第9题 = "ABD"', 4, "correct"),
    (MULTI, '第9题 = "AB"', 2.67, "partial"),
    (MULTI, '第9题 = "ABC"', 0, "wrong"),
    (REWRITE, '第14题 = "您好，这里是客服中心，我是3号客服，请问有什么可以帮您？"', 5, "correct"),
    (REWRITE, '第14题 = "喂，你找谁？"', 0, "wrong"),
    (REWRITE, '第14题 = ""', 0, "unanswered"),
    (REWRITE, '第14题 = ["您好"]', 0, "unreadable"),
])
def test_outcome_and_the_score_nbgrader_derives_from_its_outputs(spec, answer, points, status):
    outcome = grade_question(spec, ["import os", answer])
    assert outcome.points == points and outcome.status == status
    assert _nbgrader_score(outcome) == points  # stderr for 0, a number for partial, nothing for full


def test_messages_never_give_the_key_or_the_explanation_away():
    for answer in ('第1题 = "B"', '第1题 = ""', '第1题 = "AB"', '第1题 = "X"'):
        outcome = grade_question(SINGLE, [answer])
        assert "C" not in outcome.message.replace("（单选题）", "")
        assert SINGLE["explanation"] not in outcome.message
    rewrite = grade_question(REWRITE, ['第14题 = "您好"'])
    assert REWRITE["model"] not in rewrite.message


def test_rewrite_message_lists_the_engine_findings():
    outcome = grade_question(REWRITE, ['第14题 = "你好，有什么事？"'])
    assert "“您”" in outcome.message and "缺少" in outcome.message
    assert "address.ni" in outcome.rules


def test_answer_moved_below_its_test_is_still_read():
    assert grade_question(SINGLE, [], ['第1题 = "C"']).points == 2
    # but an answer above wins, as it would in a kernel
    assert grade_question(SINGLE, ['第1题 = "B"'], ['第1题 = "C"']).points == 0


def test_missing_answer_cell():
    outcome = grade_question(SINGLE, ["x = 1"])
    assert outcome.status == "unreadable" and "找不到" in outcome.message


def test_spec_is_read_from_the_hidden_test_without_running_it():
    source = ('# 第1题\n### BEGIN HIDDEN TESTS\nfrom autograder.autotest import run_test\n'
              f'run_test({SINGLE!r})\n### END HIDDEN TESTS')
    assert spec_from_source(source) == SINGLE
    assert spec_from_source("run_test(make_spec())") is None
    assert spec_from_source("run_test({'qid': 1})") is None
    assert spec_from_source("this is not python (") is None
    assert spec_from_source("__import__('os').system('rm -rf /')") is None
