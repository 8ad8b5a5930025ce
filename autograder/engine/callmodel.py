"""The call rules' model: the elements they look for, the rules, the loaded
data, the probes the index runs for their regexes, and a rule's raw finding.

A rule's ``when``/``unless`` conditions are decided here too (``_holds``), on
a call view (``callview.Call``), so that the model needs nothing above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .engine import RULES_DIR, _Index, get_scenario

CALLS_FILE = RULES_DIR / "calls.yaml"
KINDS = ("require", "before", "follow", "final", "cue", "echo", "count", "forbid", "consistent", "contradict")
WHYS = ("order", "missing_step", "forbidden", "contradiction")
DIRECTIONS = ("inbound", "outbound", "any")
ANY_TURN = "any_turn"

_RULE_FIELDS = {"id", "kind", "level", "why", "direction", "when", "unless", "message", "suggestion", "source",
                "examples", "note", "need", "turn", "first", "then", "within", "if_absent", "after", "cue",
                "element", "max", "also", "topics", "claims", "once", "confirm", "size"}


@dataclass(frozen=True, slots=True)
class Element:
    name: str
    rules: tuple = ()  # rules of the rule pack (a match = the element)
    phases: frozenset[str] = frozenset()
    regex: re.Pattern | None = None
    unless: re.Pattern | None = None
    # every character a match can start with (None: unknown): a turn without
    # any of them cannot hold the element, and no regex runs on it
    firsts: frozenset[str] | None = None
    slot: int = 0  # its place in a turn's row of element positions (Call.at)
    probe: str = ""  # the id of ``regex``'s Probe in the index


@dataclass(frozen=True, slots=True)
class CallRule:
    id: str
    kind: str
    level: str
    why: str
    direction: str
    message: str
    suggestion: str = ""
    source: str = ""
    when: dict = field(default_factory=dict)
    unless: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)

    def applies(self, call) -> bool:
        """Does the rule apply to ``call`` (a ``callview.Call``)?"""
        if self.direction != "any" and self.direction != call.direction:
            return False
        if self.unless and _holds(self.unless, call):
            return False
        return not self.when or _holds(self.when, call)


@dataclass(frozen=True, slots=True)
class CallData:
    elements: dict[str, Element]
    cues: dict[str, re.Pattern]
    rules: tuple[CallRule, ...]
    times: re.Pattern
    ids: frozenset[str] = frozenset()
    # the engine's pre-check over every pack rule the call rules run themselves
    # (elements, forbid ``also``), and each rule's (bits, scanners) in it
    index: _Index | None = None
    bits: dict = field(default_factory=dict)
    # element name: the bits of all its rules' scanners in ``index`` (none live: no rule can match);
    # ("also", forbid rule id): the same for its extra prohibitions
    masks: dict = field(default_factory=dict)
    used: tuple = ()  # the pack rules the call rules run themselves
    probes: tuple = ()  # the call rules' own regexes on agent turns, as the index sees them
    _by_phase: dict = field(default_factory=dict)

    def phase_slots(self, phase: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The slots of the elements a turn of ``phase`` may hold without a live
        scanner: those with a rule among its requirements (a typing slip the
        turn's check put right), and those the phase itself is."""
        found = self._by_phase.get(phase)
        if found is None:
            required = {r.id for r in get_scenario(phase).requires} if phase != "free" else set()
            kept = tuple(el.slot for el in self.elements.values() if any(r.id in required for r in el.rules))
            opening = tuple(el.slot for el in self.elements.values() if phase in el.phases)
            found = self._by_phase[phase] = (kept, opening)
        return found


ANY = "any"  # key of the masks: each element's bits (by slot) for a row's first look
TIMES_PROBE = "call:times"


@dataclass(frozen=True, slots=True)
class Probe:
    """A call-level regex as the engine's index sees a rule (its scanners and
    gates), so that the one look-up of a turn's characters and pairs also
    tells whether the regex can match the turn.  The regex itself still
    decides every match; a probe only lets a call skip running it."""

    id: str
    regex: re.Pattern
    scanners: tuple
    gates: tuple
    across_commas: bool = False
    pieces: tuple = ()  # no per-alternative gates: the index gates each scanner as a whole

    def suggestion_for(self, scenario: str) -> str:
        return ""



@dataclass(frozen=True, slots=True)
class Hit:
    """A call rule's finding before wording: the turn it points at and the text it quotes."""

    turn: int | None  # 0-based agent turn
    quote: str = ""
    other_turn: int | None = None
    other: str = ""
    count: int = 0


def _holds(cond: dict, call) -> bool:
    """Any of: a phase present, a customer cue, an agent element somewhere."""
    found = call._conds.get(id(cond))  # rules with the same condition share one object
    if found is None:
        found = call._conds[id(cond)] = _decide(cond, call)
    return found


def _decide(cond: dict, call) -> bool:
    data = call.data
    if set(cond.get("phases", ())) & set(call.phases):
        return True
    for name in cond.get("customer", ()):
        cue = data.cues[name]
        if call.cue_turns(cue):
            return True
    for name in cond.get("agent", ()):
        if call.turns_with(data.elements[name]):
            return True
    return False
