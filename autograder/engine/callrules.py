"""Call-level rules: what a whole call must get right beyond its single turns.

The rules are data (``rules/calls.yaml``); a few rule *kinds* live here.
Each rule looks for *elements* (named in the file's ``elements:``): a
requirement of the scenario catalogue (``requires: [hold.reason]``), the
agent turns of some phases (``phases: [closing]``) or the file's own
``patterns``; and for *cues* in the customer's lines (``cues:``).

``require``     the elements occur somewhere in the call (``turn: first``: in
                the first agent turn)
``before``      every occurrence of ``then`` has ``first`` before it or in the
                same turn (``within``: at most that many agent turns back);
                ``then: any_turn`` is every agent turn after the first
``follow``      after each ``after`` element (or customer ``cue``), the next
                agent turn that is not itself ``after`` contains ``need``
``final``       the element appears in the last agent turn only
``cue``         a customer ``cue`` right after an agent turn with ``after``
                shows the agent got something wrong there
``echo``        details the customer gives (a ``cue``: an address) are read
                back later: a later agent turn repeats a piece of them
                (``size`` characters) or has the ``confirm`` element
``count``       the element's occurrences over the whole call stay ≤ ``max``
``forbid``      no turn carries an error-level prohibition (its own checks,
                plus the scenario prohibitions of ``also`` applied to every turn)
``consistent``  time promises about one topic are the same in every turn
``contradict``  a later turn does not say the opposite of an earlier claim

The model is in ``callmodel``, loading in ``callload``, the call as the rules
see it in ``callview`` and a runner per kind in ``callrunners``; this module
keeps the loaded rules (``call_rules``) and re-exports the names used elsewhere.
Every regex of the call rules sees student text and is linear in its length
(bounded gaps only, no nested repetition).
"""

from __future__ import annotations

from .callload import _masks, load_call_rules
from .callmodel import ANY_TURN, CALLS_FILE, DIRECTIONS, KINDS, TIMES_PROBE, WHYS, CallData, CallRule, Element, Hit, Probe
from .callrunners import compatible, run, time_key
from .callview import Call
from .engine import _Index, get_scenario
from .schema import SchemaError

__all__ = ["CallRule", "CallData", "Call", "load_call_rules", "call_rules", "KINDS", "WHYS",
           # defined here before the model, loading, view and runners moved out
           "CALLS_FILE", "DIRECTIONS", "ANY_TURN", "TIMES_PROBE", "Element", "Hit", "Probe", "run", "time_key",
           "compatible", "turn_index", "example_call"]


_DATA: CallData | None = None


def call_rules() -> CallData:
    global _DATA
    if _DATA is None:
        _DATA = load_call_rules()
    return _DATA


_TURN_INDEX: dict[str, tuple] = {}


def turn_index(phase: str) -> tuple:
    """(index, bits, masks) for the agent turns of ``phase``: the scenario's
    index extended with the call rules' own pack rules, so that one look-up
    of a turn's characters and pairs serves its check and the call layer
    (the scenario's rules keep their bits: its check runs as usual)."""
    found = _TURN_INDEX.get(phase)
    if found is None:
        data = call_rules()
        sc = get_scenario(phase)
        have = {r.id for r in sc.active + sc.requires}
        extra = tuple(r for r in data.used if r.id not in have) + data.probes
        index = _Index(sc.active, sc.requires, sc, extra)
        found = _TURN_INDEX[phase] = (index, index.by_id, _masks(index.by_id, data.elements, data.rules))
    return found


def example_call(example: dict) -> tuple[list[str], dict]:
    """An example call of ``calls.yaml`` as (agent turns, call spec).

    ``example``: ``{direction: …, call: ["客户：…", "<phase>：…", …]}``.
    """
    turns: list[str] = []
    items: list[dict] = []
    for line in example["call"]:
        who, sep, text = line.partition("：")
        if not sep:
            raise SchemaError(f"example line {line!r} must start with 客户： or <phase>：")
        if who == "客户":
            items.append({"customer": text})
        else:
            items.append({"agent": who})
            turns.append(text)
    return turns, {"direction": example.get("direction", "inbound"), "turns": items}
