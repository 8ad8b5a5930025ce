"""Structure of the labelled set of whole calls (tests/data/calls).

The set judges the call checker from outside, so this test looks only at the
data: every call is well formed, its labels line up with its agent turns, and
the set covers both verdicts and every kind of call-level failure. It never
runs the engine on the calls.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from autograder.engine.engine import scenarios

DATA = Path(__file__).parent / "data" / "calls"
FILES = sorted(DATA.glob("*.yaml"))
KINDS = {"order", "missing_step", "forbidden", "contradiction"}
CALL_KEYS = {"id", "direction", "situation", "turns", "label", "note"}


def _load() -> list[tuple[str, dict]]:
    calls = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list) and data, f"{path.name}: a non-empty list of calls"
        calls += [(path.name, call) for call in data]
    return calls


CALLS = _load()


def _agent_turns(call: dict) -> list[dict]:
    return [turn for turn in call["turns"] if "agent" in turn]


def test_set_is_large_enough_and_ids_are_unique():
    ids = [call["id"] for _, call in CALLS]
    assert len(ids) >= 40
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"ids used twice: {duplicates}"
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[c["id"] for _, c in CALLS])
def test_call_is_well_formed(name: str, call: dict):
    where = f"{name}: {call.get('id')}"
    assert set(call) == CALL_KEYS, where
    assert call["direction"] in {"inbound", "outbound"}, where
    for key in ("situation", "note"):
        assert isinstance(call[key], str) and call[key].strip(), f"{where}: {key}"
    known = {s.key for s in scenarios()} | {"free"}
    for turn in call["turns"]:
        assert set(turn) in ({"customer"}, {"agent", "say"}), f"{where}: {turn}"
        if "agent" in turn:
            assert turn["agent"] in known, f"{where}: unknown phase {turn['agent']!r}"
            assert isinstance(turn["say"], str) and turn["say"].strip(), where
        else:
            assert isinstance(turn["customer"], str) and turn["customer"].strip(), where
    # an outbound call is opened by the agent, an inbound one by the customer's ring
    first = call["turns"][0]
    assert ("agent" in first) == (call["direction"] == "outbound"), where


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[c["id"] for _, c in CALLS])
def test_labels_line_up_with_agent_turns(name: str, call: dict):
    where = f"{name}: {call['id']}"
    label = call["label"]
    assert set(label) == {"call", "turns", "why"}, where
    assert label["call"] in {"pass", "fail"}, where
    agent_turns = _agent_turns(call)
    assert 2 <= len(agent_turns) <= 12, where
    assert len(label["turns"]) == len(agent_turns), f"{where}: one turn label per agent turn"
    assert set(label["turns"]) <= {"pass", "fail"}, where
    why = label["why"]
    assert why and len(set(why)) == len(why), where
    if label["call"] == "pass":
        assert why == ["none"], f"{where}: a passing call has why [none]"
    else:
        assert set(why) <= KINDS, f"{where}: a failing call names its kinds, not none"


def test_set_has_both_verdicts_every_kind_and_the_mix_asked_for():
    verdicts = Counter(call["label"]["call"] for _, call in CALLS)
    share_pass = verdicts["pass"] / len(CALLS)
    assert 0.3 <= share_pass <= 0.5, verdicts
    kinds = {k for _, call in CALLS for k in call["label"]["why"]}
    assert kinds == KINDS | {"none"}
    assert {call["direction"] for _, call in CALLS} == {"inbound", "outbound"}
    # calls that fail as calls although every turn passes alone, and the reverse
    whole_only = [c for _, c in CALLS if c["label"]["call"] == "fail" and set(c["label"]["turns"]) == {"pass"}]
    weak_turn_passed = [c for _, c in CALLS if c["label"]["call"] == "pass" and "fail" in c["label"]["turns"]]
    assert {k for c in whole_only for k in c["label"]["why"]} >= {"order", "missing_step", "contradiction", "forbidden"}
    assert len(weak_turn_passed) >= 3
    # a call failed for something forbidden has a turn that fails alone, or too many fillers across turns
    rude = [c for _, c in CALLS if "forbidden" in c["label"]["why"] and "fail" in c["label"]["turns"]]
    assert len(rude) >= 5


def test_every_chapter_has_a_file_with_calls():
    names = {name for name, _ in CALLS}
    for stem in ("etiquette_inbound", "etiquette_outbound", "smile_voice", "complaint", "price_objection"):
        assert f"{stem}.yaml" in names


def test_readme_counts_match_the_data():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `?([a-z_]+)`? \| (\d+) \|", readme, flags=re.M))
    why = Counter(k for _, call in CALLS for k in call["label"]["why"])
    verdicts = Counter(call["label"]["call"] for _, call in CALLS)
    directions = Counter(call["direction"] for _, call in CALLS)
    expected = {**why, **verdicts, **directions, "total": len(CALLS)}
    assert {k: int(v) for k, v in rows.items()} == expected
    per_file = re.findall(r"^\| ([a-z_]+\.yaml) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", readme, flags=re.M)
    assert {name for name, *_ in per_file} == {path.name for path in FILES}
    for name, *figures in per_file:
        calls = [call for file, call in CALLS if file == name]
        label = Counter(call["label"]["call"] for call in calls)
        direction = Counter(call["direction"] for call in calls)
        actual = [len(calls), label["pass"], label["fail"], direction["inbound"], direction["outbound"]]
        assert [int(f) for f in figures] == actual, name
