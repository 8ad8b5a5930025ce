"""A scenario's index from characters and character pairs to the scanners
they may open (see ``prefilter``)."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from .model import Rule, Scenario


class _Index:
    """A scenario's pre-check, built on its first check: which scanners can
    match an answer, as one bit each of an int, found by looking up the
    answer's characters and pairs of adjacent characters.

    A scanner is live when one of its first characters is present (or it has
    none known) and its gate is open (or it has none): the same two tests as
    ``Rule.may_match`` with the pairs known, done for all rules at once.

    Bits are given out in rule order, so walking the set bits of the live
    mask from the lowest visits the rules that may match in the scenario's
    order (``rule_at``: the active rule each bit belongs to), and no other.
    """

    __slots__ = ("first_keys", "gate_keys", "first_free", "gate_free", "rule_bits", "scanners", "rule_ids",
                 "active", "requires", "rule_at", "active_mask", "across_mask", "suggestions", "by_id")

    def __init__(self, active: tuple[Rule, ...], requires: tuple[Rule, ...], scenario: "Scenario | None" = None,
                 extra: tuple[Rule, ...] = ()):
        # ``extra``: further rules looked up with the same characters and pairs
        # (a call's own rules, for a call turn); their bits come after the others
        rules = active + requires + tuple(extra)
        first_keys: dict[str, int] = {}
        gate_keys: dict[str, int] = {}
        first_free = gate_free = 0
        rule_bits: list[int] = []
        scanners: list[tuple] = []
        rule_at: list[int] = []
        n = 0
        for position, rule in enumerate(rules):
            mine = []
            for (first, scanner), gate in zip(rule.scanners, rule.gates):
                bit = 1 << n
                n += 1
                rule_at.append(position)
                mine.append((bit, scanner))
                if first is None:
                    first_free |= bit
                else:
                    for ch in first:
                        first_keys[ch] = first_keys.get(ch, 0) | bit
                if gate is None:
                    gate_free |= bit
                else:
                    for key in gate[0] | gate[1]:
                        gate_keys[key] = gate_keys.get(key, 0) | bit
            rule_bits.append(sum(bit for bit, _ in mine))
            scanners.append(tuple(mine))
        self.first_keys, self.gate_keys = first_keys, gate_keys
        self.first_free, self.gate_free = first_free, gate_free
        self.rule_bits, self.scanners = tuple(rule_bits), tuple(scanners)
        self.rule_ids = tuple(r.id for r in rules)
        self.rule_at = tuple(rule_at)
        self.active_mask = sum(rule_bits[:len(active)])
        self.across_mask = sum(b for r, b in zip(active, rule_bits) if r.across_commas)
        # (rule, its scanners' bits, its scanners as (bit, scanner)), in the scenario's order
        entries = tuple(zip(rules, self.rule_bits, self.scanners))
        self.active, self.requires = entries[:len(active)], entries[len(active):len(active) + len(requires)]
        self.by_id: dict[str, tuple] = {}  # rule id: (its scanners' bits, its scanners)
        for rule, bits, mine in entries:
            self.by_id.setdefault(rule.id, (bits, mine))
        # each rule's wording for this scenario (worked out once, not per finding)
        key = scenario.key if scenario is not None else ""
        fallback = scenario.suggestion if scenario is not None else ""
        self.suggestions = tuple(r.suggestion_for(key) or fallback for r in rules)

    def live(self, chars: set[str], grams: set[str]) -> int:
        return self.live_both(chars, grams)[0]

    def live_both(self, chars: set[str], grams: set[str], text: str = "") -> tuple[int, int]:
        """``live`` and the scanners that may match once the commas are
        dropped: ``live`` plus those made live by the pairs that then appear
        (the character before a run of commas and the one after; a newly live
        gate still needs its first character present).  The second is
        ``live`` when ``text`` has no comma or no rule crosses commas."""
        keys = self.first_keys
        first = reduce(or_, map(keys.__getitem__, keys.keys() & chars), self.first_free)
        keys = self.gate_keys
        gate = reduce(or_, map(keys.__getitem__, keys.keys() & chars), self.gate_free)
        gate = reduce(or_, map(keys.__getitem__, keys.keys() & grams), gate)
        live = first & gate
        if not (self.across_mask and "," in text):
            return live, live
        across = reduce(or_, [keys.get(a + b, 0) for a, b in _ACROSS_COMMAS.findall(text)], 0)
        return live, live | (across & first)


_ACROSS_COMMAS = re.compile("([^,]),+(?=([^,]))")


def _scenario_index(sc: Scenario) -> _Index:
    index = _Index(sc.active, sc.requires, sc)
    sc.lookup.append(index)
    return index


def _candidates(sc: Scenario, chars: set[str], grams: set[str]) -> set[str]:
    """Ids of the scenario's rules that may match an answer with these
    characters and pairs of adjacent characters (a superset: each rule
    left out has no scanner that could match, see Rule.may_match)."""
    index = sc.lookup[0] if sc.lookup else _scenario_index(sc)
    live = index.live(chars, grams)
    return {rid for rid, bits in zip(index.rule_ids, index.rule_bits) if live & bits}


def _first_match(scanners: tuple, text: str, chars: set[str] | None):
    """The earliest match of any scanner (first-character pre-check as in Rule.may_match)."""
    best = None
    for first, scanner in scanners:
        if chars is not None and first is not None and first.isdisjoint(chars):
            continue
        m = scanner.search(text)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    return best
