"""Whole-call checking (autograder/calls.py): turn verdicts, weights, feedback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from autograder import check, check_call
from autograder.engine.calls import CallResult, agent_phases

GOOD_OPENING = "您好，星河宽带客服中心，工号2316，请问有什么可以帮您？"
GOOD_HOLD = "好的，我帮您查询一下报修单的进度，请您稍等。"
GOOD_RESUME = "让您久等了，报修单已经派给师傅，师傅明天上午会上门。"
GOOD_CLOSING = "请问您还有其他需要吗？感谢您的来电，再见！"

SPEC = {
    "direction": "inbound",
    "turns": [
        {"customer": "（电话铃响）"},
        {"agent": "opening"},
        {"customer": "我家宽带前天报修了，到现在还没人来。"},
        {"agent": "free"},
        {"customer": "13800001234。"},
        {"agent": "hold"},
        {"agent": "resume_after_hold"},
        {"customer": "好的。"},
        {"agent": "closing"},
    ],
}
GOOD = [GOOD_OPENING, "您是说前天报修的宽带还没有师傅上门，对吗？请问您登记的电话是多少？", GOOD_HOLD, GOOD_RESUME,
        GOOD_CLOSING]


def test_phases_are_the_agent_turns_in_order():
    assert agent_phases(SPEC) == ["opening", "free", "hold", "resume_after_hold", "closing"]


def test_a_good_call_passes_with_full_marks():
    r = check_call(GOOD, SPEC)
    assert isinstance(r, CallResult)
    assert r.passed, r.walkthrough()
    assert r.score == 1.0
    assert [t.number for t in r.turns] == [1, 2, 3, 4, 5]
    assert [t.phase for t in r.turns] == agent_phases(SPEC)


def test_each_turn_is_judged_by_check_against_its_phase():
    bad_hold = "等着！"
    r = check_call([GOOD_OPENING, GOOD[1], bad_hold, GOOD_RESUME, GOOD_CLOSING], SPEC)
    expected = check(bad_hold, "hold")
    assert r.turns[2].result.passed is False
    assert r.turns[2].score == expected.score == 0.0
    assert [f.rule for f in r.turns[2].result.findings] == [f.rule for f in expected.findings]
    assert not r.passed
    # four of five turns are right: 0.7 * 4/5 (+ the call-level share)
    assert r.turn_score == pytest.approx(0.8)
    assert r.score == pytest.approx(0.7 * 0.8 + 0.3 * r.call_score, abs=1e-3)


def test_free_turn_applies_only_the_global_rules():
    plain = check("好的，我记下了。", "free")
    assert plain.passed and plain.score == 1.0 and plain.findings == []
    rude = check("喂，你到底要干嘛？", "free")
    assert not rude.passed
    assert {f.rule.split(".")[0] for f in rude.findings} <= {"address", "taboo", "irritating", "casual", "tone"}
    # no scenario requirement and no off-topic check: any content is fine
    assert check("让您久等了，我帮您查一下，感谢您的来电，再见！", "free").passed


def test_free_is_not_in_the_scenario_catalogue():
    from autograder.engine.engine import scenarios

    assert "free" not in [s.key for s in scenarios()]


def test_an_empty_turn_scores_zero_without_hiding_the_others():
    turns = [GOOD_OPENING, "", "等着！", GOOD_RESUME, None]
    r = check_call(turns, SPEC)
    assert r.turns[1].result is None and r.turns[1].score == 0.0
    assert r.turns[4].result is None
    assert r.turns[0].passed and r.turns[3].passed
    assert r.turns[2].result is not None and not r.turns[2].passed
    assert r.turn_score == pytest.approx(2 / 5)
    assert not r.passed
    text = r.walkthrough()
    assert "第2句（自由应答）：没有作答" in text and "第5句" in text and "等着" in text


def test_weights_come_from_the_spec():
    turns = [GOOD_OPENING, "", GOOD_HOLD, GOOD_RESUME, GOOD_CLOSING]
    default = check_call(turns, SPEC)
    only_turns = check_call(turns, {**SPEC, "weights": {"turns": 1, "call": 0}})
    assert only_turns.score == pytest.approx(0.8)
    assert default.score == pytest.approx(0.7 * 0.8 + 0.3 * default.call_score, abs=1e-3)
    halves = check_call(turns, {**SPEC, "weights": {"turns": 0.5, "call": 0.5}})
    assert halves.score == pytest.approx(0.5 * 0.8 + 0.5 * halves.call_score, abs=1e-3)


@pytest.mark.parametrize("turns, spec, words", [
    (GOOD[:3], SPEC, "5句"),
    (GOOD, {**SPEC, "turns": SPEC["turns"][:-1] + [{"agent": "goodbye"}]}, "goodbye"),
    (GOOD, {**SPEC, "weights": {"turns": -1, "call": 0}}, "weights"),
    (GOOD, {**SPEC, "direction": "sideways"}, "direction"),
    ("您好", SPEC, "列表"),
    (GOOD[:4] + [42], SPEC, "第5句"),
])
def test_bad_input_raises_a_clear_chinese_value_error(turns, spec, words):
    with pytest.raises(ValueError, match=words):
        check_call(turns, spec)


def test_to_dict_is_json_and_names_each_turn():
    r = check_call([GOOD_OPENING, "", "等着！", GOOD_RESUME, GOOD_CLOSING], SPEC)
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert d["passed"] is False and d["score"] == r.score
    assert [t["number"] for t in d["turns"]] == [1, 2, 3, 4, 5]
    assert d["turns"][1]["findings"] == [] and d["turns"][1]["score"] == 0.0
    assert any(f["rule"] == "hold.command" for f in d["turns"][2]["findings"])
    assert isinstance(d["findings"], list)


def test_walkthrough_goes_turn_by_turn_in_chinese():
    text = check_call(GOOD, SPEC).walkthrough()
    order = [text.index(f"第{n}句") for n in range(1, 6)]
    assert order == sorted(order)
    assert "整通电话" in text and "总分100%" in text


@pytest.mark.cli
def test_import_stays_light():
    code = ("import sys, autograder; assert 'autograder.engine.calls' not in sys.modules; "
            "from autograder import check_call; assert callable(check_call); "
            "heavy = {'nbgrader', 'pandas', 'matplotlib', 'nbformat'} & set(sys.modules); assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)
