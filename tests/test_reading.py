"""The one answer-reading ladder: typed readings, reasons as fields, the same verdict everywhere."""
from __future__ import annotations

import pytest

from autograder.grading.core import grade_question
from autograder.grading.reading import Status, read_call_answer, read_question, read_value
from autograder.grading.selfcheck import check_answers

CALL = {"var": "第5题", "turns": [{"customer": "（电话铃响）"}, {"agent": "opening"}, {"agent": "closing"}]}


@pytest.mark.parametrize("source, status, code", [
    ('第1题 = "C"', Status.ANSWERED, None),
    ('第1题 = "c、"', Status.ANSWERED, None),
    ('第1题 = ""', Status.EMPTY, "empty"),
    ('第1题 = "Z"', Status.UNREADABLE, "not_an_option"),
    ('第1题 = "AB"', Status.UNREADABLE, "too_many"),
    ('第1题 = "好像是C吧"', Status.UNREADABLE, "unknown_text"),
    ("第1题 = answer", Status.UNREADABLE, "not_literal"),
    ("第1题 = 3", Status.UNREADABLE, "not_text"),
    ("x = 1", Status.MISSING, "missing"),
])
def test_a_single_choice_reading_has_a_status_and_a_reason_code(source, status, code):
    reading = read_question("single", "第1题", [source], options="ABCD")
    assert reading.status == status
    assert (reading.reason.code if reading.reason else None) == code
    if reading.reason:
        assert reading.reason.message  # the Chinese sentence shown to the student
    assert reading.usable == (status == Status.ANSWERED)


def test_choice_value_is_the_sorted_letters():
    assert read_question("multiple", "第2题", ['第2题 = "D,b，A"'], options="ABCD").value == "ABD"


def test_rewrite_reading_keeps_the_text_and_marks_an_empty_answer():
    assert read_question("rewrite", "第3题", ['第3题 = "您好\u200b，请稍等"']).value == "您好，请稍等"
    empty = read_question("rewrite", "第3题", ['第3题 = "  "'])
    assert empty.status == Status.EMPTY and empty.value == "  "
    listed = read_question("rewrite", "第3题", ['第3题 = ["您好"]'])
    assert listed.status == Status.UNREADABLE and listed.reason.code == "not_text"


def test_an_answer_moved_below_its_test_is_read_and_marked_moved():
    above = read_value("第1题", ['第1题 = "B"'], ['第1题 = "C"'])
    assert above.value == "B" and not above.moved
    below = read_question("single", "第1题", ["# 其他"], ['第1题 = "C"'], options="ABCD")
    assert below.value == "C" and below.moved


def test_call_readings_distinguish_missing_unreadable_empty_and_answered():
    missing = read_call_answer(CALL, ["x = 1"])
    assert missing.status == Status.MISSING and missing.reason.code == "missing"
    unreadable = read_call_answer(CALL, ['第5题_第1句 = ["您好"]\n第5题_第2句 = 1'])
    assert unreadable.status == Status.UNREADABLE
    empty = read_call_answer(CALL, ['第5题_第1句 = ""\n第5题_第2句 = ["再见"]'])
    assert empty.status == Status.EMPTY  # one empty, one unreadable: nothing to judge
    answered = read_call_answer(CALL, ['第5题_第1句 = "您好"\n第5题_第2句 = ["再见"]'])
    assert answered.status == Status.ANSWERED
    assert [t.text for t in answered.value] == ["您好", ""] and answered.value[1].problem


def test_unknown_question_type_is_a_developer_error():
    with pytest.raises(ValueError):
        read_question("short", "第9题", ['第9题 = "x"'])


SPEC = {"qid": "ch1_s01", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C"}


@pytest.mark.parametrize("source", ['第1题 = "Z"', "x = 1", "第1题 = answer"])
def test_grading_and_self_check_give_the_same_reason(source):
    """The reason is a field of the outcome: the sentence after 无法读取答案—— is never cut out of the message."""
    outcome = grade_question(SPEC, [source])
    reading = read_question("single", "第1题", [source], options="ABCD")
    assert outcome.status == "unreadable" and outcome.reason.code == reading.reason.code
    assert outcome.reason.message.startswith(reading.reason.message)
    assert outcome.message.endswith(outcome.reason.message)
    row, = check_answers({"第1题": {"type": "single", "options": "ABCD"}}, [source])
    assert row.status == "error" and row.message == reading.reason.message


def test_a_readable_outcome_has_no_reason():
    assert grade_question(SPEC, ['第1题 = "C"']).reason is None
    assert grade_question(SPEC, ['第1题 = ""']).status == "unanswered"
