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

Every regex here sees student text and is linear in its length (bounded
gaps only, no nested repetition).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

from .engine import (
    _CHARSET_LIMIT,
    RULES_DIR,
    _expand,
    _gate,
    _Index,
    _Lazy,
    _load_macros,
    _pairs,
    _phrase,
    _scan,
    _scanner_specs,
    get_scenario,
)
from .engine import rules as engine_rules
from .schema import SchemaError, Where, load_yaml
from .text import Normalised

__all__ = ["CallRule", "CallData", "Call", "load_call_rules", "call_rules", "KINDS", "WHYS"]

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

    def applies(self, call: "Call") -> bool:
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


class Call:
    """A call being checked: the agent's normalised turns, their phases, and
    the customer's lines (each placed after the agent turn before it).

    Each agent turn's characters and pairs are looked up once in an index of
    everything the call rules search for (``pre``); every element is then
    looked for at most once per turn (``at``), and a regex none of whose
    scanners is live in a turn is not run there (``may_find``)."""

    __slots__ = ("data", "direction", "phases", "norms", "customer", "_results", "_rows", "_live", "_met", "_bits",
                 "_masks", "_firsts", "_conds", "_cued")

    def __init__(self, direction: str, phases: list[str], norms: list[Normalised | None],
                 customer: list[list[tuple[str, str]]], results: list | None = None, looked: list | None = None,
                 data: CallData | None = None):
        data = self.data = data or call_rules()
        n = len(norms)
        self.direction = direction
        self.phases = phases
        self.norms = norms  # None for a turn left empty
        self.customer = customer  # customer[i]: (normalised, original) lines after agent turn i - 1
        self._results = results
        # per turn, what its own check decided: {requirement id: met?} (None: unknown), worked out on demand
        self._met: list = [_UNSEEN] * n if results is not None else [None] * n
        self._live: list = [None] * n  # i: (characters, pairs, live scanners), see pre
        # per turn, the bits of the index its characters were looked up in:
        # the call index, or the turn's own (``turn_index``) when its check did it
        self._bits, self._masks = [data.bits] * n, [data.masks] * n
        for i, seen in enumerate(looked or ()):
            if seen is not None:  # (characters, pairs, live, bits, masks) from the turn's check
                chars, grams, live, self._bits[i], self._masks[i] = seen
                self._live[i] = (chars, grams, live)
        # per turn, each element's first position (by Element.slot): _UNSEEN until looked for
        empty = [None] * len(data.elements)  # never written: a turn left empty holds nothing
        self._rows = [self._row(i) if norm is not None else empty for i, norm in enumerate(norms)]
        self._firsts: dict = {}  # (rule id, i): span of the rule's first match in turn i (None: none)
        self._conds: dict = {}  # id(condition): does it hold?
        self._cued: dict = {}  # cue: [(i, line)], see cue_turns

    def _row(self, i: int) -> list:
        """Turn ``i``'s element positions as far as known before any search: None for
        each element none of whose scanners is live (unless the turn's own check
        may have met one of its rules), 0 for those its phase is, else _UNSEEN."""
        live = self.pre(i)[2]
        if live is None:
            return [_UNSEEN] * len(self.data.elements)
        row = [_UNSEEN if live & anything else None for anything in self._masks[i][ANY]]
        kept, opening = self.data.phase_slots(self.phases[i])
        for slot in kept:
            row[slot] = _UNSEEN
        for slot in opening:
            row[slot] = 0
        return row

    def charset(self, i: int) -> set[str]:
        return self.pre(i)[0]

    def pre(self, i: int) -> tuple:
        """The characters of turn ``i``, its pairs of adjacent characters and the
        live scanners of the index (both None for a long turn): the engine's
        pre-check, which skips every rule and regex that cannot match."""
        found = self._live[i]
        if found is None:
            norm = self.norms[i]
            text = norm.text
            chars = set(text) if norm.chars is None else norm.chars
            if len(text) <= _CHARSET_LIMIT:
                grams = _pairs(text)
                found = (chars, grams, self.data.index.live(chars, grams))
            else:
                found = (chars, None, None)
            self._live[i] = found
        return found

    def may_find(self, probe: str, i: int) -> bool:
        """False when the call regex ``probe`` (a Probe id) cannot match agent turn ``i`` (not empty)."""
        live = self._live[i][2]
        return live is None or bool(live & self._bits[i][probe][0])

    def found_in(self, el: Element, turns) -> bool:
        """Does element ``el`` occur in one of ``turns``?"""
        slot, rows = el.slot, self._rows
        for i in turns:
            pos = rows[i][slot]
            if pos is _UNSEEN:
                pos = rows[i][slot] = self._locate(el, i)
            if pos is not None:
                return True
        return False

    def met(self, i: int) -> dict[str, bool] | None:
        found = self._met[i]
        if found is _UNSEEN:
            found = self._met[i] = _met(self._results[i], self.phases[i])
        return found

    def at(self, el: Element, i: int) -> int | None:
        """Where element ``el`` first occurs in agent turn ``i`` (0-based), or None
        (KNOWN: present, the turn's own check says so, position not looked up)."""
        row = self._rows[i]
        pos = row[el.slot]
        if pos is _UNSEEN:
            pos = row[el.slot] = self._locate(el, i)
        return pos

    def _locate(self, el: Element, i: int) -> int | None:
        if self.phases[i] in el.phases:
            return 0  # nothing can come earlier
        chars, _, live = self._live[i]
        if el.firsts is not None and el.firsts.isdisjoint(chars):
            return None
        rule_mask = probe_mask = -1  # unknown: look everything up
        if live is not None:
            anything, rule_mask, probe_mask = self._masks[i][el.slot]
            if not live & anything:
                # nothing of it can match, unless the turn's own check met one
                # of its rules (a typing slip put right)
                return KNOWN if el.rules and self._met_any(el, i) else None
        pos = None
        if el.rules:
            pos = self._rules_at(el, i) if live is None or live & rule_mask else (KNOWN if self._met_any(el, i)
                                                                                 else None)
        if el.regex is not None and (pos is None or pos > 0) and (live is None or live & probe_mask):
            norm = self.norms[i]
            text = norm.text
            for m in el.regex.finditer(text):
                if el.unless is not None and _excused(el.unless, text, m):
                    continue
                if norm.is_unsaid(*m.span()):
                    continue
                if pos is None or m.start() < pos:
                    pos = m.start()
                break
        return pos

    def _met_any(self, el: Element, i: int) -> bool:
        met = self.met(i)
        return met is not None and any(met.get(rule.id) for rule in el.rules)

    def _rules_at(self, el: Element, i: int) -> int | None:
        """Where the first of the element's pack rules matches in turn ``i`` (KNOWN: met, position unknown)."""
        met = self.met(i)
        pos = None
        for rule in el.rules:
            if met is not None and rule.id in met:  # the turn's own check decided it
                if met[rule.id] and pos is None:
                    pos = KNOWN
                continue
            span = self.first_hit(rule, i)
            if span is not None and (pos is None or pos == KNOWN or span[0] < pos):
                pos = span[0]
        return pos

    def first_hit(self, rule, i: int) -> tuple[int, int] | None:
        """The span of pack rule ``rule``'s first match in agent turn ``i``, or None
        (several elements share rules; the call index skips those that cannot match)."""
        live = self._live[i][2]
        if live is not None:
            entry = self._bits[i].get(rule.id)
            if entry is not None and not live & entry[0]:
                return None  # no scanner of it is live
        key = (rule.id, i)
        span = self._firsts.get(key, _UNSEEN)
        if span is not _UNSEEN:
            return span
        hit = self.rule_hits(rule, i, 1)
        span = self._firsts[key] = hit[0].span() if hit else None
        return span

    def rule_hits(self, rule, i: int, limit: int | None = None) -> list[re.Match]:
        """``rule.hits`` on agent turn ``i``, skipped when the call index finds no live scanner."""
        chars, grams, live = self.pre(i)
        entry = self._bits[i].get(rule.id) if live is not None else None
        if entry is None:
            return rule.hits(self.norms[i], limit, chars=chars, grams=grams)
        if live & entry[0] and _scan(entry[1], live, self.norms[i].text):
            return rule.hits(self.norms[i], limit, checked=True)
        return []

    def turns_with(self, el: Element) -> list[int]:
        slot = el.slot
        out = []
        for i, row in enumerate(self._rows):
            pos = row[slot]
            if pos is _UNSEEN:
                pos = row[slot] = self._locate(el, i)
            if pos is not None:
                out.append(i)
        return out

    def cue_after(self, cue: re.Pattern, i: int) -> str | None:
        """The customer line right after agent turn ``i`` that shows ``cue``, if any."""
        for j, line in self.cue_turns(cue):
            if j == i:
                return line
        return None

    def cue_turns(self, cue: re.Pattern) -> list[tuple[int, str]]:
        """(i, line) for each agent turn ``i`` (-1: before the first) right after
        which a customer line shows ``cue``, the first such line, in order."""
        found = self._cued.get(cue)
        if found is None:
            found = self._cued[cue] = []
            for group, lines in enumerate(self.customer):
                for text, original in lines:
                    if cue.search(text):
                        found.append((group - 1, original.strip()))
                        break
        return found


_UNSEEN = object()
ANY = "any"  # key of the masks: each element's bits (by slot) for a row's first look
KNOWN = -1  # present (the turn's own check says so), position not looked up
_EARLY = frozenset({"answer.empty", "answer.not_chinese", "answer.over_limit"})  # checks that stop at once


def _met(result, phase: str) -> dict[str, bool] | None:
    """{requirement id: met} for the requirements of the turn's scenario, from its check result."""
    if result is None or phase == "free" or any(f.rule in _EARLY for f in result.findings):
        return None
    missing = {f.rule for f in result.findings if f.kind == "missing"}
    return {r.id: r.id not in missing for r in get_scenario(phase).requires}


def _excused(unless: re.Pattern, text: str, m: re.Match) -> bool:
    lo = max(0, m.start() - 8)
    for u in unless.finditer(text, lo, min(len(text), m.end() + 8)):
        if u.start() <= m.start() and m.end() <= u.end():
            return True
    return False


def _holds(cond: dict, call: Call) -> bool:
    """Any of: a phase present, a customer cue, an agent element somewhere."""
    found = call._conds.get(id(cond))  # rules with the same condition share one object
    if found is None:
        found = call._conds[id(cond)] = _decide(cond, call)
    return found


def _decide(cond: dict, call: Call) -> bool:
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


# --------------------------------------------------------------------------- loading

def _regex(where: Where, patterns: list[str], macros: dict) -> re.Pattern | None:
    if not patterns:
        return None
    expanded = [_expand(where, p, macros) for p in patterns]
    combined = "|".join(f"(?:{p})" for p in expanded)
    try:
        return re.compile(combined)
    except re.error as exc:
        raise where.error(f"patterns do not compile: {exc}") from None


def _firsts(rules: list, regex: re.Pattern | None) -> frozenset[str] | None:
    out: set[str] = set()
    for r in rules:
        if r.firsts is None:
            return None
        out |= r.firsts
    if regex is not None:
        for first, _ in _scanner_specs([regex.pattern]):
            if first is None:
                return None
            out |= set(first)
    return frozenset(out)


def load_call_rules(path: Path = CALLS_FILE) -> CallData:
    """Load and check ``calls.yaml``; errors name the file and the rule id."""
    where = Where(path.name if path.parent == RULES_DIR else str(path))
    raw = load_yaml(path)
    where.only(raw, {"elements", "cues", "times", "rules", "note", "macros"})
    macros = _load_macros(RULES_DIR, strict=False)
    for name, value in (raw.get("macros") or {}).items():
        macros[name] = _expand(where.at(f"macro {name}"), value, macros)
    pack_rules = {r.id: r for r in engine_rules()}
    elements: dict[str, Element] = {}
    for name, spec in where.need(raw, "elements", dict).items():
        w = where.at(f"element {name}")
        w.only(spec, {"rules", "phases", "patterns", "unless", "note"})
        reqs = []
        for rid in w.strings(spec, "rules", optional=True):
            if rid not in pack_rules:
                raise w.error(f"unknown rule {rid!r} (not in the rule pack)")
            reqs.append(pack_rules[rid])
        phases = frozenset(w.strings(spec, "phases", optional=True))
        for p in phases:
            if p != "free":
                get_scenario(p)
        regex = _regex(w, list(w.strings(spec, "patterns", optional=True)), macros)
        unless = _regex(w, list(w.strings(spec, "unless", optional=True)), macros)
        if not reqs and not phases and regex is None:
            raise w.error("an element needs rules, phases or patterns")
        elements[name] = Element(name, tuple(reqs), phases, regex, unless, _firsts(reqs, regex), len(elements),
                                 f"call:element:{name}" if regex is not None else "")
    cues = {}
    for name, spec in where.need(raw, "cues", dict).items():
        w = where.at(f"cue {name}")
        cues[name] = _regex(w, list(w.strings(spec, "patterns")), macros)
    times = _regex(where.at("times"), list(where.strings(raw, "times")), macros)
    rules: list[CallRule] = []
    conds: dict[str, dict] = {}  # equal conditions are one object (Call memoises them by id)
    for spec in where.need(raw, "rules", list):
        rid = where.need(spec, "id", str)
        w = where.at(rid)
        w.only(spec, _RULE_FIELDS)
        if any(r.id == rid for r in rules):
            raise w.error("rule id used twice")
        kind = w.need(spec, "kind", str)
        if kind not in KINDS:
            raise w.error(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        level = w.need(spec, "level", str)
        if level not in ("error", "warning"):
            raise w.error(f"level must be error or warning, got {level!r}")
        why = w.need(spec, "why", str)
        if why not in WHYS:
            raise w.error(f"why must be one of {', '.join(WHYS)}, got {why!r}")
        direction = w.need(spec, "direction", str, optional=True, default="any")
        if direction not in DIRECTIONS:
            raise w.error(f"direction must be one of {', '.join(DIRECTIONS)}")
        params = {k: spec[k] for k in ("need", "turn", "first", "then", "within", "if_absent", "after", "cue",
                                       "element", "max", "also", "topics", "claims", "once", "confirm", "size") if k in spec}
        _check_params(w, kind, params, elements, cues, macros)
        for cond_name in ("when", "unless"):
            cond = spec.get(cond_name) or {}
            w.only(cond, {"phases", "customer", "agent"})
            for c in cond.get("customer", ()):
                if c not in cues:
                    raise w.error(f"{cond_name}: unknown cue {c!r}")
            for e in cond.get("agent", ()):
                if e not in elements:
                    raise w.error(f"{cond_name}: unknown element {e!r}")
        examples = w.need(spec, "examples", dict)
        w.only(examples, {"bad", "good"})
        if not examples.get("bad") or not examples.get("good"):
            raise w.error("a call rule needs at least one bad and one good example call")
        rules.append(CallRule(
            id=rid, kind=kind, level=level, why=why, direction=direction,
            message=w.need(spec, "message", str).strip(),
            suggestion=w.need(spec, "suggestion", str, optional=True, default="").strip(),
            source=w.need(spec, "source", str),
            when=_shared(conds, spec.get("when")), unless=_shared(conds, spec.get("unless")),
            params=params, examples=examples))
    used = {r.id: r for el in elements.values() for r in el.rules}
    for rule in rules:
        used.update((r.id, r) for r in rule.params.get("_also", ()))
    probes = _probes(elements, times, rules)
    index = _Index(tuple(used.values()) + probes, ())
    bits = {r.id: (b, scanners) for (r, b, scanners) in index.active}
    return CallData(elements, cues, tuple(rules), times, frozenset(r.id for r in rules), index, bits,
                    _masks(bits, elements, rules), tuple(used.values()), probes)


def _shared(seen: dict[str, dict], cond: dict | None) -> dict:
    cond = dict(cond or {})
    return seen.setdefault(repr(sorted(cond.items())), cond)


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


def _probe(pid: str, regex: re.Pattern) -> Probe:
    specs = _scanner_specs([regex.pattern])
    scanners = tuple((frozenset(first) if first is not None else None, _Lazy(pattern, pid))
                     for first, pattern in specs)
    gates = tuple(None if g is None else (frozenset(g[0]), frozenset(g[1])) for g in map(_gate, (p for _, p in specs)))
    return Probe(pid, regex, scanners, gates)


def _probes(elements: dict, times: re.Pattern, rules: list) -> tuple[Probe, ...]:
    """A probe for every regex the call rules run on the agent's turns."""
    out = [_probe(el.probe, el.regex) for el in elements.values() if el.regex is not None]
    out.append(_probe(TIMES_PROBE, times))
    for rule in rules:
        for claim, opposite, claim_id, opposite_id in rule.params.get("claims", ()) if rule.kind == "contradict" else ():
            out += [_probe(claim_id, claim), _probe(opposite_id, opposite)]
    return tuple(out)


TIMES_PROBE = "call:times"


def _masks(bits: dict, elements: dict, rules) -> dict:
    """The scanner bits in one index of each element (by slot: all of them, its
    rules', its regex's) and of each forbid rule's extra prohibitions."""
    masks: dict = {}
    for el in elements.values():
        ruled = sum({bits[r.id][0] for r in el.rules})
        probed = bits[el.probe][0] if el.regex is not None else 0
        masks[el.slot] = (ruled | probed, ruled, probed)
    masks[ANY] = tuple(masks[el.slot][0] for el in elements.values())
    for rule in rules:
        if rule.kind == "forbid":
            each = tuple(bits[r.id][0] for r in rule.params.get("_also", ()))
            masks["also", rule.id] = (sum(set(each)), each)
    return masks


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


def _check_params(w: Where, kind: str, p: dict, elements: dict, cues: dict, macros: dict) -> None:
    def element(name, allow_turn=False):
        if allow_turn and name == ANY_TURN:
            return
        if name not in elements:
            raise w.error(f"unknown element {name!r}; known: {', '.join(sorted(elements))}")

    needs = {"require": ("need",), "before": ("first", "then"), "follow": ("need",), "final": ("element",),
             "cue": ("cue", "after"), "echo": ("cue", "confirm"), "count": ("element", "max"), "forbid": (), "consistent": ("topics",),
             "contradict": ("claims",)}[kind]
    for key in needs:
        if key not in p:
            raise w.error(f"a {kind} rule needs '{key}'")
    if kind == "require":
        for name in p["need"]:
            element(name)
        if p.get("turn", "any") not in ("first", "last", "any"):
            raise w.error("turn must be first, last or any")
    elif kind == "before":
        element(p["first"])
        element(p["then"], allow_turn=True)
        if p.get("if_absent", "fire") not in ("fire", "skip"):
            raise w.error("if_absent must be fire or skip")
    elif kind == "follow":
        element(p["need"])
        if ("after" in p) == ("cue" in p):
            raise w.error("a follow rule needs either 'after' (an element) or 'cue' (a customer cue)")
        if "after" in p:
            element(p["after"])
        elif p["cue"] not in cues:
            raise w.error(f"unknown cue {p['cue']!r}")
    elif kind in ("final", "count"):
        element(p["element"])
    elif kind == "echo":
        element(p["confirm"])
        if p["cue"] not in cues:
            raise w.error(f"unknown cue {p['cue']!r}")
    elif kind == "cue":
        element(p["after"])
        if p["cue"] not in cues:
            raise w.error(f"unknown cue {p['cue']!r}")
    elif kind == "forbid":
        known = {r.id: r for r in engine_rules() if r.kind in ("forbid", "count")}
        for rid in p.get("also", ()):
            if rid not in known:
                raise w.error(f"also: {rid!r} is not a prohibition of the rule pack")
        # the error-level prohibitions whose findings fail the call, and the extra ones
        p["_ids"] = frozenset(r.id for r in engine_rules() if r.kind in ("forbid", "count", "tone")
                              and r.level == "error")
        p["_also"] = tuple(known[rid] for rid in p.get("also", ()))
    elif kind == "consistent":
        topics = {}
        for name, pats in p["topics"].items():
            topics[name] = _regex(w.at(f"{w.item} topic {name}"), list(pats), macros)
        p["topics"] = topics
    elif kind == "contradict":
        pairs = []
        for i, pair in enumerate(p["claims"], 1):
            if not isinstance(pair, dict) or set(pair) != {"claim", "opposite"}:
                raise w.error(f"claims {i}: write {{claim: [...], opposite: [...]}}")
            pairs.append((_regex(w, list(pair["claim"]), macros), _regex(w, list(pair["opposite"]), macros),
                          f"call:{w.item}:claim{i}", f"call:{w.item}:opposite{i}"))
        p["claims"] = pairs


_DATA: CallData | None = None


def call_rules() -> CallData:
    global _DATA
    if _DATA is None:
        _DATA = load_call_rules()
    return _DATA


# --------------------------------------------------------------------------- checking

@dataclass(frozen=True, slots=True)
class Hit:
    """A call rule's finding before wording: the turn it points at and the text it quotes."""

    turn: int | None  # 0-based agent turn
    quote: str = ""
    other_turn: int | None = None
    other: str = ""
    count: int = 0


def _quote_turn(call: Call, i: int, pos: int | None = None) -> str:
    norm = call.norms[i]
    if norm is None:
        return ""
    if pos is not None and pos >= 0:
        return _phrase(norm, pos, min(len(norm.text), pos + 1))
    text = norm.original.strip()
    return text if len(text) <= 24 else text[:24] + "…"


def run(rule: CallRule, call: Call, results) -> list[Hit]:
    """The places where ``rule`` is broken in ``call`` (``results``: the turns' check results)."""
    return _KIND_RUN[rule.kind](rule, call, results)




def _run_require(rule, call, results):
    n = len(call.norms)
    if n == 0:
        return []
    where = rule.params.get("turn")
    if where == "last":
        last = max((i for i, norm in enumerate(call.norms) if norm is not None), default=None)
        if last is None:
            return []  # nothing written: call.unanswered says so
        scope = [last]
    else:
        scope = [0] if where == "first" else range(n)
    for name in rule.params["need"]:
        if not call.found_in(call.data.elements[name], scope):
            turn = scope[0] if where in ("first", "last") else None
            return [Hit(turn, _quote_turn(call, turn) if turn is not None else "", other=name)]
    return []


def _run_before(rule, call, results):
    p = rule.params
    first = call.data.elements[p["first"]]
    within = p.get("within")
    if p.get("if_absent", "fire") == "skip" and not call.turns_with(first):
        return []
    if p["then"] == ANY_TURN:
        thens = [i for i in range(1, len(call.norms)) if call.norms[i] is not None]
    else:
        thens = call.turns_with(call.data.elements[p["then"]])  # usually rare: look for ``first`` only there
    for i in thens:
        lo = 0 if within is None else max(0, i - within)
        # in the same turn it counts whatever the order (one breath: 请您稍等，我帮您查一下)
        if not call.found_in(first, range(lo, i + 1)):
            return [Hit(i, _quote_turn(call, i))]
    return []


def _run_follow(rule, call, results):
    p = rule.params
    need = call.data.elements[p["need"]]
    n = len(call.norms)
    out = []
    if "after" in p:
        after = call.data.elements[p["after"]]
        for i in call.turns_with(after):
            j = i + 1
            while j < n and call.at(after, j) is not None:
                j += 1  # a further hold (an update) before coming back
            if j < n and call.norms[j] is not None and call.at(need, j) is None:
                out.append(Hit(j, _quote_turn(call, j), other_turn=i))
                break
    else:
        for i, line in call.cue_turns(call.data.cues[p["cue"]]):
            if i >= n - 1:
                break  # after the last agent turn: nothing left to follow it
            if p.get("once") and call.found_in(need, range(i + 1)):
                break  # ``once``: after the agent has done it, later cues ask nothing more
            j = i + 1
            if call.norms[j] is not None and call.at(need, j) is None:
                out.append(Hit(j, _quote_turn(call, j), other=line))
                break
    return out


def _run_final(rule, call, results):
    el = call.data.elements[rule.params["element"]]
    found = call.turns_with(el)
    last = max((i for i, norm in enumerate(call.norms) if norm is not None), default=-1)
    for i in found:
        if i < last:
            return [Hit(i, _quote_turn(call, i, call.at(el, i)))]
    return []


def _run_cue(rule, call, results):
    after = call.data.elements[rule.params["after"]]
    cue = call.data.cues[rule.params["cue"]]
    for i in call.turns_with(after):
        line = call.cue_after(cue, i)
        if line is not None:
            return [Hit(i, _quote_turn(call, i), other=line)]
    return []


def _run_echo(rule, call, results):
    cue = call.data.cues[rule.params["cue"]]
    confirm = call.data.elements[rule.params["confirm"]]
    size = int(rule.params.get("size", 4))
    n = len(call.norms)
    for i in range(-1, n - 1):
        for text, original in call.customer[i + 1] if i + 1 < len(call.customer) else ():
            m = cue.search(text)
            if m is None:
                continue
            lo = max(text.rfind(c, 0, m.start()) for c in ",.!?;") + 1
            hi = min((k for k in (text.find(c, m.end()) for c in ",.!?;") if k >= 0), default=len(text))
            detail = text[max(lo, m.start() - 12):min(hi, m.end() + 12)]
            pieces = {detail[k:k + size] for k in range(max(1, len(detail) - size + 1))}
            later = [j for j in range(i + 1, n) if call.norms[j] is not None]
            if not later:
                continue
            if any(call.at(confirm, j) is not None or any(p in call.norms[j].text for p in pieces) for j in later):
                continue
            return [Hit(later[-1], _quote_turn(call, later[-1]), other=original.strip())]
    return []


def _run_count(rule, call, results):
    el = call.data.elements[rule.params["element"]]
    maximum = int(rule.params["max"])
    total, over = 0, None
    for i, norm in enumerate(call.norms):
        if norm is None:
            continue
        found = _all_hits(el, call, i)
        for s, e in found:
            total += 1
            if total == maximum + 1:
                over = Hit(i, _phrase(norm, s, e))
    if over is None:
        return []
    return [Hit(over.turn, over.quote, count=total)]


def _all_hits(el: Element, call: Call, i: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    chars, _, live = call._live[i]
    if live is not None and not live & call._masks[i][ANY][el.slot]:
        return out  # no scanner of it is live
    if el.firsts is not None and el.firsts.isdisjoint(chars):
        return out  # nothing can start here
    norm = call.norms[i]
    for rule in el.rules:
        out += [m.span() for m in call.rule_hits(rule, i)]
    if el.regex is not None and call.may_find(el.probe, i):
        for m in el.regex.finditer(norm.text):
            if (el.unless is None or not _excused(el.unless, norm.text, m)) and not norm.is_unsaid(*m.span()):
                out.append(m.span())
    return out


_ACTIVE: dict[str, frozenset[str]] = {}  # scenario key: ids of the rules its turns apply


def _active(phase: str) -> frozenset[str]:
    ids = _ACTIVE.get(phase)
    if ids is None:
        ids = _ACTIVE[phase] = frozenset(r.id for r in get_scenario(phase).active)
    return ids


def _run_forbid(rule, call, results):
    forbid_ids, also = rule.params["_ids"], rule.params["_also"]
    for i, result in enumerate(results):
        if result is None:
            continue
        for f in result.findings:
            if f.kind == "forbidden" and f.rule in forbid_ids and f.span is not None:
                a, b = f.span
                return [Hit(i, call.norms[i].original[a:b].strip() or _quote_turn(call, i))]
        if not also:
            continue
        live = call._live[i][2]
        candidates = also
        if live is not None:
            anything, each = call._masks[i]["also", rule.id]
            if not live & anything:
                continue  # none of them can match this turn
            candidates = compress(also, map(live.__and__, each))  # those with a live scanner, in order
        norm = call.norms[i]
        active = _ACTIVE.get(call.phases[i]) or _active(call.phases[i])
        bits = call._bits[i]
        for r in candidates:
            if r.id in active:
                continue  # its own check covers it
            if live is not None and not _scan(bits[r.id][1], live, norm.text):
                continue  # no scanner of it matches: no match (as first_hit would find)
            found = call.first_hit(r, i)
            if found is not None:
                return [Hit(i, _phrase(norm, *found))]
    return []


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DAY_WORDS = (("今天", "今天"), ("今日", "今天"), ("今晚", "今天"), ("当天", "今天"), ("马上", "今天"),
              ("立即", "今天"), ("立刻", "今天"), ("明天", "明天"), ("明日", "明天"), ("明早", "明天"),
              ("明晚", "明天"), ("后天", "后天"), ("下周", "下周"), ("下星期", "下周"), ("下礼拜", "下周"),
              ("本周", "本周"), ("这周", "本周"), ("下个月", "下月"), ("下月", "下月"))
_PARTS = (("早上", "上午"), ("上午", "上午"), ("中午", "中午"), ("下午", "下午"), ("晚上", "晚上"), ("今晚", "晚上"),
          ("明晚", "晚上"), ("明早", "上午"))
_UNIT = re.compile(r"(工作日|个工作日|小时|钟头|分钟|天|日|周|星期|礼拜)")
_NUM = re.compile(r"[0-9一二两三四五六七八九十零〇半]{1,6}")
_HOUR = re.compile(r"([0-9一二两三四五六七八九十]{1,3})点")


def _number(text: str) -> float | None:
    if not text:
        return None
    if text.isdigit():
        return float(text)
    if text == "半":
        return 0.5
    if "十" in text:
        a, _, b = text.partition("十")
        tens = _CN_DIGITS.get(a, 1) if a else 1
        ones = _CN_DIGITS.get(b, 0) if b else 0
        return float(tens * 10 + ones)
    if all(c in _CN_DIGITS for c in text):
        return float(_CN_DIGITS[text[0]]) if len(text) == 1 else float("".join(str(_CN_DIGITS[c]) for c in text))
    return None


def time_key(text: str) -> tuple:
    """A time promise reduced to what it commits to: (day, part of day, hour)
    or (amount, unit) for a period.  Periods up to a few hours count as today."""
    day = next((canon for word, canon in _DAY_WORDS if word in text), None)
    part = next((canon for word, canon in _PARTS if word in text), None)
    hour = _HOUR.search(text)
    if day is not None or (part is not None and hour is not None):
        return (day or "今天", part, _number(hour.group(1)) if hour else None)
    unit = _UNIT.search(text)
    num = _NUM.search(text)
    if unit and num:
        amount = _number(num.group())
        u = unit.group().replace("个", "")
        if amount is not None and (u in ("分钟",) or (u in ("小时", "钟头") and amount <= 8)):
            return ("今天", None, None)
        return (amount, u)
    return (text,)


def compatible(a: tuple, b: tuple) -> bool:
    """Do two time promises agree (one may be a more precise form of the other)?"""
    if len(a) == 3 and len(b) == 3:
        if a[0] != b[0]:
            return False
        return all(x is None or y is None or x == y for x, y in zip(a[1:], b[1:]))
    return a == b


def _run_consistent(rule, call, results):
    times = call.data.times
    seen: dict[str, tuple[int, str, tuple]] = {}
    for i, norm in enumerate(call.norms):
        if norm is None:
            continue
        if not call.may_find(TIMES_PROBE, i):
            continue
        text = norm.text
        for m in times.finditer(text):
            if norm.is_unsaid(*m.span()):
                continue
            end = _clause_end(text, m.end())
            if end < len(text) and text[end] == "?":
                continue  # a question (明天还是后天？) promises nothing
            tail = text[m.end():min(end, m.end() + TAIL)]
            topic, at = None, TAIL + 1
            for name, rx in rule.params["topics"].items():
                t = rx.search(tail)
                if t is not None and t.start() < at:
                    topic, at = name, t.start()
            if topic is None:
                continue
            key = time_key(m.group())
            quoted = _phrase(norm, m.start(), m.end())
            if topic in seen:
                j, other, okey = seen[topic]
                if j != i and not compatible(okey, key):
                    return [Hit(i, quoted, other_turn=j, other=other)]
            else:
                seen[topic] = (i, quoted, key)
    return []


TAIL = 20  # a time promise's topic is the first topic word this close after it, in the same sentence


def _clause_end(text: str, start: int) -> int:
    for k in range(start, min(len(text), start + 40)):
        if text[k] in ".!?;":
            return k
    return min(len(text), start + 40)


def _run_contradict(rule, call, results):
    for claim, opposite, claim_probe, opposite_probe in rule.params["claims"]:
        first = None
        for i, norm in enumerate(call.norms):
            if norm is None:
                continue
            if first is not None and first[0] < i and call.may_find(opposite_probe, i):
                m = opposite.search(norm.text)
                if m is not None and not norm.is_unsaid(*m.span()):
                    return [Hit(i, _phrase(norm, *m.span()), other_turn=first[0], other=first[1])]
            if first is None and call.may_find(claim_probe, i):
                m = claim.search(norm.text)
                if m is not None and not norm.is_unsaid(*m.span()):
                    first = (i, _phrase(norm, *m.span()))
    return []


_KIND_RUN = {"require": _run_require, "before": _run_before, "follow": _run_follow, "final": _run_final,
             "cue": _run_cue, "echo": _run_echo, "count": _run_count, "forbid": _run_forbid, "consistent": _run_consistent,
             "contradict": _run_contradict}
assert set(_KIND_RUN) == set(KINDS)


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
