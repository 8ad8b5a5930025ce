"""The self-check on a whole call: every turn read and checked, an empty turn shown, no key and no score."""
from __future__ import annotations

import json

from autograder.questionbank.load import load_bank
from autograder.questionbank.build import build_notebook
from autograder.grading.selfcheck import _html, check_answers

from helpers import EXERCISES

CH1 = next(ch for ch in load_bank(EXERCISES / "bank") if ch.assignment == "ch1_telephone")
CALL = next(q for q in CH1.questions if q.type == "call")


def _public() -> dict:
    """What the built notebook hands the self-check, read from the notebook itself."""
    cell = next(c for c in build_notebook(CH1)["cells"] if c["metadata"]["nbgrader"]["grade_id"].endswith("_selfcheck"))
    return {CALL.var: json.loads(cell["source"].split("self_check(", 1)[1].rsplit(")", 1)[0])[CALL.var]}


def _cell(lines) -> str:
    return "\n".join(f"{var} = {json.dumps(line, ensure_ascii=False)}" for var, line in zip(CALL.turn_vars, lines))


def _row(lines):
    return check_answers(_public(), [_cell(lines)])[0]


def test_the_model_call_passes_every_turn():
    row = _row(CALL.call.model_call)
    assert row.status == "ok" and "每一句都通过" in row.message
    assert "%" not in row.message  # no score: the self-check knows no weights


def test_an_empty_turn_is_shown_with_the_others_still_checked():
    lines = list(CALL.call.model_call)
    lines[1] = ""
    row = _row(lines)
    assert row.status == "error"
    assert "第2句" in row.message and "空着" in row.message
    assert all(f"第{n}句" in row.message for n in range(1, CALL.call.agent_turns + 1))


def test_a_rude_turn_gets_the_rule_message():
    lines = list(CALL.call.model_call)
    lines[0] = "喂，你找谁？"
    row = _row(lines)
    assert row.status == "error" and "第1句" in row.message and "“您”" in row.message


def test_an_untouched_call_is_unanswered_and_a_missing_one_is_an_error():
    assert check_answers(_public(), [_cell([""] * CALL.call.agent_turns)])[0].status == "empty"
    assert check_answers(_public(), ["x = 1"])[0].status == "error"


def test_the_table_shows_each_turn_on_its_own_line_and_escapes_student_text():
    lines = list(CALL.call.model_call)
    lines[0] = "<script>alert(1)</script>您好"
    html = _html([_row(lines)])
    assert "<script>" not in html and "&lt;script&gt;" in html and "<br>" in html
