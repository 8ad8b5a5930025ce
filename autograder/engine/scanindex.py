"""A scenario's index from characters and character pairs to the scanners
they may open (see ``prefilter``)."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from .model import Rule, Scenario
from .needles import MAX_GATES


class _Index:
    """A scenario's pre-check, built on its first check: which scanners can
    match an answer, as one bit each of an int, found by looking up the
    answer's characters and pairs of adjacent characters.

    Each top-level alternative (piece) of a scanner has its own bit (see
    ``needles``): a piece is live when one of its first characters is present
    (or it has none known) and one needle of each of its needle sets (up to
    ``MAX_GATES``, one slot each) occurs; a scanner is live when one of its
    pieces is.  Rules loaded without piece gates have one piece per scanner,
    gated as in ``Rule.may_match``.

    Bits are given out in rule order, so walking the set bits of the live
    mask from the lowest visits the rules that may match in the scenario's
    order (``rule_at``: the active rule each bit belongs to), and no other.
    """

    __slots__ = ("first_keys", "gate_keys", "first_free", "gate_free", "gate_any", "rule_bits", "scanners", "rule_ids",
                 "active", "requires", "rule_at", "active_mask", "across_mask", "suggestions", "by_id")

    def __init__(self, active: tuple[Rule, ...], requires: tuple[Rule, ...], scenario: "Scenario | None" = None,
                 extra: tuple[Rule, ...] = ()):
        # ``extra``: further rules looked up with the same characters and pairs
        # (a call's own rules, for a call turn); their bits come after the others
        rules = active + requires + tuple(extra)
        self.first_keys: dict[str, int] = {}
        self.first_free = 0
        # one slot per needle set a piece may have: key → bits, and the bits with no set there
        self.gate_keys: tuple[dict[str, int], ...] = tuple({} for _ in range(MAX_GATES))
        gate_free = [0] * MAX_GATES
        rule_bits: list[int] = []
        scanners: list[tuple] = []
        rule_at: list[int] = []
        for position, rule in enumerate(rules):
            mine = []
            pieces = rule.pieces or (None,) * len(rule.scanners)
            for (first, scanner), gate, parts in zip(rule.scanners, rule.gates, pieces):
                if parts is None:  # no piece gates: the scanner is one piece
                    parts = ((first, () if gate is None else (gate,)),)
                # (a piece's first characters: a string or a set; its needle sets: (pairs, singles))
                mask = 0
                for piece_first, gates in parts:
                    mask |= self._add_piece(len(rule_at), piece_first, gates, gate_free)
                    rule_at.append(position)
                mine.append((mask, scanner))
            rule_bits.append(reduce(or_, (mask for mask, _ in mine), 0))
            scanners.append(tuple(mine))
        self.gate_free = tuple(gate_free)
        self.gate_any = dict.fromkeys(key for keys in self.gate_keys for key in keys)
        self.rule_bits, self.scanners = tuple(rule_bits), tuple(scanners)
        self.rule_ids = tuple(r.id for r in rules)
        self.rule_at = tuple(rule_at)
        self.active_mask = sum(rule_bits[:len(active)])
        self.across_mask = sum(b for r, b in zip(active, rule_bits) if r.across_commas)
        # (rule, its scanners' bits, its scanners as (bits, scanner)), in the scenario's order
        entries = tuple(zip(rules, self.rule_bits, self.scanners))
        self.active, self.requires = entries[:len(active)], entries[len(active):len(active) + len(requires)]
        self.by_id: dict[str, tuple] = {}  # rule id: (its scanners' bits, its scanners)
        for rule, bits, mine in entries:
            self.by_id.setdefault(rule.id, (bits, mine))
        # each rule's wording for this scenario (worked out once, not per finding)
        key = scenario.key if scenario is not None else ""
        fallback = scenario.suggestion if scenario is not None else ""
        self.suggestions = tuple(r.suggestion_for(key) or fallback for r in rules)

    def _add_piece(self, n: int, first: frozenset[str] | None, gates: tuple, gate_free: list[int]) -> int:
        """Give a piece bit ``n``: under its first characters and in each slot
        under its needle set there (free in the slots past its last set)."""
        bit = 1 << n
        if first is None:
            self.first_free |= bit
        else:
            for ch in first:
                self.first_keys[ch] = self.first_keys.get(ch, 0) | bit
        for slot, keys in enumerate(self.gate_keys):
            if slot >= len(gates):
                gate_free[slot] |= bit
                continue
            pairs, singles = gates[slot]
            if isinstance(pairs, str):  # as loaded: the pairs run together
                pairs = [pairs[i:i + 2] for i in range(0, len(pairs), 2)]
            for key in (*pairs, *singles):
                keys[key] = keys.get(key, 0) | bit
        return bit

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
        present = self.gate_any.keys() & chars  # the needles present, from any slot
        present |= self.gate_any.keys() & grams
        gates = [reduce(or_, map(keys.__getitem__, keys.keys() & present), free)
                 for keys, free in zip(self.gate_keys, self.gate_free)]
        live = first
        for gate in gates:
            live &= gate
        if not (self.across_mask and "," in text):
            return live, live
        joined = self.gate_any.keys() & {a + b for a, b in _ACROSS_COMMAS.findall(text)}
        if not joined:  # no needle appears once the commas are dropped
            return live, live
        for keys, gate in zip(self.gate_keys, gates):
            first &= reduce(or_, [keys.get(pair, 0) for pair in joined], gate)
        return live, first


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
