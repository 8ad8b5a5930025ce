"""The model call scripts (course/scripts/*.yaml) against the rule engine.

Every agent line of every good call passes its scenario's check; a line that
fits no scenario (asking for details, repeating back) must not trip any rule
family (the engine has no scenario-free check, so such lines are checked with
``price_objection``, whose active rules are every global family plus the price
family, and only what is *said wrong* counts).  Every bad line annotated with a
scenario fails it, and reports the rules its annotation names.
"""
from __future__ import annotations

import pytest

from autograder import check
from autograder.engine.engine import scenarios
from autograder.teaching.roleplay import CHAPTERS, CallLine, load_scripts

SCRIPTS = {ch: load_scripts(ch) for ch in CHAPTERS}
BROADEST = "price_objection"  # global families + the scenario-scoped price family


def _agent_lines(good: bool) -> list[tuple[str, CallLine, str]]:
    """(id, line, text to check): ``joins_previous`` lines are checked with the agent's previous line."""
    out = []
    for ch, data in SCRIPTS.items():
        for script in data.scripts:
            previous = ""
            for n, line in enumerate(script.good if good else script.bad, 1):
                if not line.spoken_by_agent:
                    continue
                text = previous + line.say if line.joins_previous else line.say
                out.append((f"{script.id}:{'good' if good else 'bad'}{n}", line, text))
                previous = line.say
    return out


GOOD = _agent_lines(True)
BAD = _agent_lines(False)


def _said_wrong(text: str, scenario: str) -> list[tuple[str, str]]:
    return [(f.rule, f.kind) for f in check(text, scenario).findings if f.kind != "missing"]


@pytest.mark.parametrize("line,text", [(l, t) for _, l, t in GOOD if l.scenario], ids=[i for i, l, _ in GOOD if l.scenario])
def test_good_line_passes_its_scenario(line, text):
    result = check(text, line.scenario)
    assert result.passed, (text, [(f.rule, f.message) for f in result.findings])
    # a model call carries no warnings either (no fillers, no casual words)
    assert not [f for f in result.findings if f.kind == "warning"], text


@pytest.mark.parametrize("line,text", [(l, t) for _, l, t in GOOD if not l.scenario],
                         ids=[i for i, l, _ in GOOD if not l.scenario])
def test_good_line_without_scenario_breaks_no_rule(line, text):
    assert _said_wrong(text, BROADEST) == [], text


@pytest.mark.parametrize("line,text", [(l, t) for _, l, t in BAD if l.scenario], ids=[i for i, l, _ in BAD if l.scenario])
def test_bad_line_fails_its_scenario(line, text):
    assert not check(text, line.scenario).passed, text


@pytest.mark.parametrize("line,text", [(l, t) for _, l, t in BAD if l.flags], ids=[i for i, l, _ in BAD if l.flags])
def test_bad_line_reports_the_rules_its_note_names(line, text):
    reported = {f.rule for f in check(text, line.scenario or BROADEST).findings}
    assert set(line.flags) <= reported, (text, sorted(reported))


def test_scenario_keys_exist_and_annotations_name_real_rules():
    from autograder.engine.engine import rules

    keys = {s.key for s in scenarios()}
    ids = {r.id for r in rules()}
    for _, line, _ in GOOD + BAD:
        assert line.scenario is None or line.scenario in keys, line
        assert set(line.flags) <= ids, line


def test_each_chapter_has_two_whole_calls_good_and_bad():
    for ch, data in SCRIPTS.items():
        assert data.chapter == ch
        assert len(data.scripts) >= 2, ch
        for s in data.scripts:
            good = [l for l in s.good if l.spoken_by_agent]
            bad = [l for l in s.bad if l.spoken_by_agent]
            assert len(good) >= 5 and len(bad) >= 3, s.id
            assert any(l.scenario == "closing" for l in good), f"{s.id}: a whole call ends with a closing"
            assert any(l.scenario for l in bad), s.id


def test_the_hold_call_updates_every_15_seconds_and_thanks_on_return():
    hold = next(s for s in SCRIPTS["ch1_telephone"].scripts if s.id == "ch1_call_hold")
    keys = [l.scenario for l in hold.good if l.spoken_by_agent]
    assert keys.count("hold") >= 2  # ask to wait, then the update after 15 s
    assert keys.index("resume_after_hold") > keys.index("hold")
    assert any("15" in (l.act or "") for l in hold.good)


def test_outbound_call_confirms_the_person_before_introducing_itself():
    # seeds 001/002: 确认对方 → 介绍自己
    out = next(s for s in SCRIPTS["ch1_telephone"].scripts if s.id == "ch1_call_outbound")
    spoken = [l for l in out.good if l.spoken_by_agent]
    assert "请问是" in spoken[0].say and "我是" not in spoken[0].say
    assert spoken[1].joins_previous and "我是" in spoken[1].say

