"""A call as the call rules see it: the agent's normalised turns, where each
element occurs in them (looked up once, lazily) and what each turn's own
check already decided."""
from __future__ import annotations

import re

from .callmodel import ANY, CallData, Element
from .engine import _CHARSET_LIMIT, _pairs, _scan, get_scenario
from .text import Normalised

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
        if data is None:
            raise TypeError("Call needs the call rules: pass data=callrules.call_rules()")
        data = self.data = data
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
