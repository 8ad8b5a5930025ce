"""Whole-call agreement (autograder/callevaluate.py) on the labelled call set
tests/data/calls, and `python -m autograder evaluate` reporting it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine.callevaluate import evaluate_calls, load_call_set
from autograder.engine.schema import SchemaError

ROOT = Path(__file__).resolve().parents[1]
CALLS = ROOT / "tests" / "data" / "calls"
FLOOR = 0.95  # call verdict agreement reached on the set; lower it only with a reason
TURN_FLOOR = 0.95

# calls where the checker and the instructor disagree, each with why
DISAGREE = {
    "complaint_profanity_warning_pass_01":
        "the last turn's 您冷静后可以随时再打过来 fires irritating.calm_down (a turn-level rule of the "
        "pack: telling a customer to calm down); the instructor accepts it after repeated abuse",
}


@pytest.fixture(scope="module")
def report():
    return evaluate_calls(CALLS)


def test_the_set_is_large_enough_and_mixed(report):
    assert report.total >= 40
    whys = report.per_why()
    assert {"order", "missing_step", "forbidden", "contradiction", "none"} <= set(whys)


def test_agreement_floor(report):
    assert report.agreement >= FLOOR, report.text()
    agreed, turns = report.turn_agreement
    assert agreed / turns >= TURN_FLOOR, report.text()


def test_faults_are_found_for_the_labelled_reason(report):
    """A failed call should fail for the fault the instructor names (order,
    missing step, …), not by accident; kinds may overlap (a discount offered
    instead of the product's value is labelled forbidden, found as a missing step)."""
    faults = {k: e for k, e in report.per_why().items() if k != "none"}
    named = sum(e["named"] for e in faults.values())
    calls = sum(e["calls"] for e in faults.values())
    assert named / calls >= 0.9, faults
    assert all(e["named"] >= e["calls"] - 2 for e in faults.values()), faults


CASES = [c for c in load_call_set(CALLS)]


@pytest.mark.parametrize("call", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=DISAGREE[c.id])) if c.id in DISAGREE else c
    for c in CASES], ids=[c.id for c in CASES])
def test_each_call_gets_the_instructors_verdict(report, call):
    (judged,) = [j for j in report.judged if j.call.id == call.id]
    assert judged.agrees, judged.result.walkthrough()


@pytest.mark.cli
def test_cli_reports_calls_next_to_utterances():
    p = subprocess.run([sys.executable, "-m", "autograder", "evaluate", "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["answers"] > 0 and data["calls"]["calls"] >= 40
    assert data["calls"]["agreement"] >= FLOOR
    text = subprocess.run([sys.executable, "-m", "autograder", "evaluate", "--calls", str(CALLS)],
                          capture_output=True, text=True, cwd=ROOT).stdout
    assert "call verdict agreement" in text and "per-turn agreement" in text


@pytest.mark.cli
def test_cli_refuses_a_missing_call_set(tmp_path):
    p = subprocess.run([sys.executable, "-m", "autograder", "evaluate", "--calls", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2 and "no labelled call set" in p.stderr


@pytest.mark.parametrize("body, problem", [
    ("- id: a\n  turns: [{agent: opening, say: 您好}]\n  label: {call: maybe, turns: [pass], why: [none]}\n", "label.call"),
    ("- id: a\n  turns: [{agent: opening, say: 您好}]\n  label: {call: pass, turns: [], why: [none]}\n", "label.turns"),
    ("- id: a\n  turns: [{agent: opening, say: 您好}]\n  label: {call: pass, turns: [pass], why: [vibes]}\n", "vibes"),
    ("- id: a\n  turns: [{agent: opening}]\n  label: {call: pass, turns: [pass], why: [none]}\n", "turn 1"),
])
def test_bad_call_set_files_name_the_file_and_call(tmp_path, body, problem):
    (tmp_path / "set.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(SchemaError, match=problem) as err:
        load_call_set(tmp_path)
    assert "set.yaml" in str(err.value)


def test_an_unknown_phase_in_the_set_is_reported_with_the_call(tmp_path):
    (tmp_path / "set.yaml").write_text(
        "- id: a\n  turns: [{agent: goodbye, say: 再见}]\n  label: {call: pass, turns: [pass], why: [none]}\n",
        encoding="utf-8")
    with pytest.raises(SchemaError, match="set.yaml: a: .*goodbye"):
        evaluate_calls(tmp_path)


def test_reusing_the_turn_checks_changes_no_finding(report, monkeypatch):
    """Call-level rules take a requirement's presence from the turn's own check
    when the turn is in that scenario; looking it up afresh finds the same."""
    from autograder.engine import callview

    before = {j.call.id: [(f.rule, f.turn) for f in j.result.findings] for j in report.judged}
    monkeypatch.setattr(callview, "_met", lambda result, phase: None)
    fresh = evaluate_calls(CALLS)
    assert {j.call.id: [(f.rule, f.turn) for f in j.result.findings] for j in fresh.judged} == before
