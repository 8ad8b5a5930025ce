"""A call turn's characters and pairs are looked up once, in the scenario's
index extended with the call rules' own rules (``turn_index``), and reused by
the call layer.  That only saves work: the call-level findings are the same
as when the call layer looks every turn up again in its own index, and the
extended index gives the scenario's rules the very bits of its own index."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.engine import callrules, calls
from autograder.engine.callrules import call_rules, example_call, turn_index
from autograder.engine.engine import _pairs, _scenario_index, get_scenario, scenarios
from autograder.engine.text import normalise

DATA = Path(__file__).parent / "data" / "calls"


def _labelled_calls() -> list[tuple[str, list[str], dict]]:
    out = []
    for path in sorted(DATA.glob("*.yaml")):
        for call in yaml.safe_load(path.read_text(encoding="utf-8")):
            turns = [t["say"] for t in call["turns"] if "agent" in t]
            spec = {"direction": call["direction"],
                    "turns": [{"agent": t["agent"]} if "agent" in t else {"customer": t["customer"]}
                              for t in call["turns"]]}
            out.append((call["id"], turns, spec))
    for rule in call_rules().rules:
        for which in ("bad", "good"):
            for n, example in enumerate(rule.examples.get(which, ())):
                turns, spec = example_call(example)
                out.append((f"{rule.id}:{which}{n}", turns, spec))
    return out


CALLS = _labelled_calls()


def _layers(turns: list[str], spec: dict):
    """The call-level findings with the turns' look-ups reused, and without."""
    phases = calls.agent_phases(spec)
    judged = [calls._judge(n, p, t or "") for n, (p, t) in enumerate(zip(phases, turns), 1)]
    verdicts = [j[0] for j in judged]
    norms = [j[1] for j in judged]
    looked = [j[2] for j in judged]
    direction = spec.get("direction", "inbound")
    reused = calls._call_findings(verdicts, norms, spec, phases, direction, looked)
    fresh = calls._call_findings(verdicts, norms, spec, phases, direction, None)
    return reused, fresh


@pytest.mark.parametrize(("cid", "turns", "spec"), CALLS, ids=[c[0] for c in CALLS])
def test_reusing_the_turns_look_ups_changes_no_call_finding(cid, turns, spec):
    reused, fresh = _layers(turns, spec)
    assert reused == fresh, cid


def test_shuffled_turns_give_the_same_call_findings_either_way():
    # turns moved to other phases: elements, prohibitions and cues in unusual places
    rnd = random.Random(14)
    pool = [t for _, turns, _ in CALLS for t in turns if t]
    for _, turns, spec in CALLS[:40]:
        mixed = [rnd.choice(pool) for _ in turns]
        reused, fresh = _layers(mixed, spec)
        assert reused == fresh, mixed


def test_the_turn_index_keeps_the_scenario_rules_bits():
    text = "您好，这里是客服中心，我帮您查一下，请您稍等，让您久等了，再见"
    chars, grams = set(text), _pairs(text)
    for sc in [*scenarios(), get_scenario("free")]:
        own = sc.lookup[0] if sc.lookup else _scenario_index(sc)
        extended, bits, _masks = turn_index(sc.key)
        assert [r.id for r, _, _ in extended.active] == [r.id for r, _, _ in own.active]
        assert [b for _, b, _ in extended.active + extended.requires] == [b for _, b, _ in own.active + own.requires]
        mask = own.active_mask | sum(b for _, b, _ in own.requires)
        assert extended.live(chars, grams) & mask == own.live(chars, grams)
        # every rule the call layer runs has its bits in the extended index
        for rule in call_rules().used:
            assert rule.id in bits


# text made of the call rules' own characters (the labelled calls' turns and the example calls)
TURNS = sorted({t for _, turns, _ in CALLS for t in turns if t})
ALPHABET = sorted({ch for t in TURNS for ch in t} | set("，。？！ 您你我"))
turn_texts = st.one_of(
    st.text(alphabet=ALPHABET, min_size=1, max_size=60),
    st.lists(st.sampled_from(TURNS), min_size=1, max_size=3).map("，".join),
    st.tuples(st.sampled_from(TURNS), st.integers(0, 200), st.sampled_from(ALPHABET)).map(
        lambda p: p[0][:p[1] % (len(p[0]) + 1)] + p[2] + p[0][p[1] % (len(p[0]) + 1):]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turn_texts)
def test_a_call_regex_is_never_skipped_where_it_matches(raw):
    """Each call-level regex (element patterns, time promises, claims) is run on a
    turn only when its probe has a live scanner: never skipped where it matches."""
    text = normalise(raw).text
    if len(text) < 1:
        return
    chars, grams = set(text), _pairs(text)
    data = call_rules()
    indexes = [data.index] + [turn_index(phase)[0] for phase in ("opening", "hold", "complaint_accept", "free")]
    for probe in data.probes:
        if probe.regex.search(text) is None:
            continue
        for index in indexes:
            assert index.live(chars, grams) & index.by_id[probe.id][0], (probe.id, text)


def test_the_call_layer_with_every_pre_check_off_finds_the_same(monkeypatch):
    """No row, mask or probe skips anything that matters: the call-level findings
    are the same when every turn is looked at as a long one (no pre-check at all)."""
    expected = {cid: _layers(turns, spec)[0] for cid, turns, spec in CALLS}

    def bare(self, i):
        norm = self.norms[i]
        found = self._live[i] = (set(norm.text), None, None)
        return found

    monkeypatch.setattr(callrules.Call, "pre", bare)
    for cid, turns, spec in CALLS:
        phases = calls.agent_phases(spec)
        judged = [calls._judge(n, p, t or "") for n, (p, t) in enumerate(zip(phases, turns), 1)]
        got = calls._call_findings([j[0] for j in judged], [j[1] for j in judged], spec, phases,
                                   spec.get("direction", "inbound"), None)
        assert got == expected[cid], cid
