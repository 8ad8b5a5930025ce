"""The one walk over a checked call (grading/callreview.py) and its two renderers: text and HTML."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import check_call
from autograder.grading.callanswers import TurnRead
from autograder.grading.callfeedback import call_walkthrough, self_check_lines, walkthrough_text
from autograder.grading.callreview import EMPTY, FAILED, PASSED, UNREADABLE, phase_title, review_call
from autograder.widgets import load_practice
from autograder.widgets.callreport import call_feedback_html, review_html

COURSE = Path(__file__).resolve().parents[1] / "course"
RUDE = "喂，你找谁？说快点，我很忙的。"


@pytest.fixture(scope="module")
def call_item():
    return load_practice("ch1_telephone", base=COURSE).calls["call_install_appointment"]


def _reads(lines: list[str], unreadable: dict[int, str] = {}) -> list[TurnRead]:
    return [TurnRead(n, f"第1题_第{n}句", "" if n in unreadable else text, unreadable.get(n, ""))
            for n, text in enumerate(lines, 1)]


def test_the_model_call_passes_every_turn(call_item):
    review = review_call(check_call(list(call_item.model_call), call_item.spec))
    assert [t.state for t in review.turns] == [PASSED] * len(call_item.model_call)
    assert review.passed and review.passed_turns == len(review.turns) and review.unanswered_turns == 0
    assert [t.title for t in review.turns] == [phase_title(t.phase) for t in call_item.agent_turns]


def test_each_turn_keeps_the_engines_verdict_and_findings(call_item):
    lines = [RUDE] + list(call_item.model_call[1:])
    result = check_call(lines, call_item.spec)
    review = review_call(result)
    first = review.turns[0]
    assert first.state == FAILED and not first.passed and first.text == RUDE
    assert first.findings == tuple(result.turns[0].result.findings) and first.findings
    assert first.score == result.turns[0].score < 1
    assert review.findings == result.findings and review.score == result.score


def test_an_empty_turn_and_an_unreadable_turn_score_nothing_and_the_rest_is_judged(call_item):
    lines = ["", ""] + list(call_item.model_call[2:])
    result = check_call(lines, call_item.spec)
    review = review_call(result, _reads(lines, {2: "引号没有配对。"}))
    assert [t.state for t in review.turns[:3]] == [EMPTY, UNREADABLE, PASSED]
    assert review.turns[1].problem == "引号没有配对。" and review.turns[0].problem == ""
    assert all(t.findings == () and t.score == 0 and t.unanswered for t in review.turns[:2])
    assert review.unanswered_turns == 2 and not review.passed


def _text_states(text: str) -> dict[int, str]:
    marks = {"✓": PASSED, "○": EMPTY}
    found = {}
    for m in re.finditer(r"第(\d+)句（[^\n]*?）：(✓|✗|○) ?(无法读取)?", text):
        found[int(m.group(1))] = UNREADABLE if m.group(3) else marks.get(m.group(2), FAILED)
    return found


def _html_unanswered(html: str) -> set[int]:
    return {int(n) for n in re.findall(r"<b>第(\d+)句</b>(?:(?!<b>第).)*?这一句没有写", html)}


@pytest.mark.parametrize("attempt", ["model", "first_rude", "second_empty", "all_rude"])
def test_the_text_and_the_html_render_the_same_walk(call_item, attempt):
    model = list(call_item.model_call)
    lines = {"model": model, "first_rude": [RUDE] + model[1:], "second_empty": model[:1] + [""] + model[2:],
             "all_rude": [RUDE] * len(model)}[attempt]
    result = check_call(lines, call_item.spec)
    review = review_call(result, _reads(lines))
    text = walkthrough_text("第1题", review, 3.0, 5.0)
    assert text == call_walkthrough("第1题", result, _reads(lines), 3.0, 5.0)
    assert _text_states(text) == {t.number: t.state for t in review.turns}
    html = review_html(review)
    assert html == call_feedback_html(result)
    assert _html_unanswered(html) == {t.number for t in review.turns if t.unanswered}
    assert f"{len(review.turns)} 句里 {review.passed_turns} 句通过" in text


def test_the_self_check_lists_only_what_must_change_in_a_failed_turn(call_item):
    lines = [RUDE] + list(call_item.model_call[1:])
    result = check_call(lines, call_item.spec)
    out = self_check_lines(result, _reads(lines))
    failed = review_call(result).turns[0]
    must = [f.message for f in failed.findings if f.kind != "warning"]
    assert out[0].startswith("第1句") and "✗ 未通过" in out[0]
    assert [line.strip().split(" ", 1)[1] for line in out[1:1 + len(must)]] == must
