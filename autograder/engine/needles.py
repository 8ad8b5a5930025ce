"""Piece gates: for each top-level alternative (piece) of a scanner, the
characters a match can start with and several sets of literal text that
every match must contain, all of them (``prefilter._gate`` keeps only the
best one set for the whole scanner).

The scenario index (``scanindex``) gives every piece its own bit: a piece is
live only when one of its first characters and one needle of each of its
sets occur in the answer, so a scanner such as ``您…(?:不|没)(?:明白|懂)`` is
not opened by every answer that says 您.  Worked out at load time (the load
cache keeps it); only ever used to skip a search, so unsure means no gate.
"""

from __future__ import annotations

import re

from .prefilter import _first_chars, _top_level_split

MAX_GATES = 3  # needle sets kept per piece (the index has one slot for each)
_RUN_LIMIT = 64  # at most this many strings in one run of adjacent literals


def _piece_gates(pattern: str) -> tuple | None:
    """``((first characters or None, ((pairs, singles), ...)), ...)``, one entry
    per top-level alternative of ``pattern``, each a string (``pairs``: the
    two-character needles run together; plain data the load cache keeps
    compactly); None when the pattern is case-insensitive or does not parse,
    or when it is one alternative with at most one needle set (the scanner's
    own gate says as much)."""
    from re import _parser  # load time only

    try:
        if _parser.parse(pattern).state.flags & re.IGNORECASE:
            return None
        pieces = _top_level_split(pattern)
        out = []
        for piece in pieces:
            first = _first_chars(piece)
            parsed = _parser.parse(piece)
            sets = _needle_sets(parsed) if not parsed.state.flags & re.IGNORECASE else []
            sets.sort(key=_strength, reverse=True)
            gates = tuple(("".join(sorted({n[:2] for n in s if len(n) >= 2})),
                           "".join(sorted({n for n in s if len(n) == 1}))) for s in sets[:MAX_GATES])
            out.append(("".join(sorted(first)) if first is not None else None, gates))
        if len(out) == 1 and len(out[0][1]) <= 1:
            return None
        return tuple(out)
    except (re.error, RecursionError):
        return None


def _strength(needles: set[str]) -> tuple[int, int]:
    # longer shortest needle first (a pair rules out more than a character), then fewer needles
    return min(map(len, needles)), -len(needles)


def _members(items) -> set[str] | None:
    """The characters of a parsed class of literals and short ranges, else None."""
    from re import _constants as c

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= _RUN_LIMIT:
            out.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return out or None


def _single(op, av) -> set[str] | None:
    """The characters one parsed item (a literal or a plain class) matches, else None."""
    from re import _constants as c

    if op is c.LITERAL:
        return {chr(av)}
    return _members(av) if op is c.IN else None


def _needle_sets(seq) -> list[set[str]]:
    """Sets of strings such that every match of the parsed sequence ``seq``
    contains one string of each set.  Adjacent mandatory literals (and plain
    classes, and zero-width assertions between them) join into one run."""
    from re import _constants as c

    sets: list[set[str]] = []
    run: set[str] = set()

    def extend(chars: set[str]) -> None:
        nonlocal run
        if run and len(run) * len(chars) <= _RUN_LIMIT:
            run = {r + ch for r in run for ch in chars}
        else:
            flush()
            run = set(chars)

    def flush() -> None:
        nonlocal run
        if run:
            sets.append(run)
        run = set()

    for op, av in seq:
        chars = _single(op, av)
        if chars is not None:
            extend(chars)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the literals either side stay adjacent
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            inner = _single(*sub[0]) if len(sub) == 1 else None
            if low >= 1 and inner is not None:
                extend(inner)  # the first repetition follows the run
                if not low == high == 1:
                    flush()
            else:
                flush()
                if low >= 1:
                    sets += _needle_sets(sub)
        else:
            flush()
            sets += _group_sets(op, av)
    flush()
    return [s for s in sets if s and all(s)]


def _group_sets(op, av) -> list[set[str]]:
    """``_needle_sets`` of a group or a choice (nothing for other items)."""
    from re import _constants as c

    if op is c.SUBPATTERN:
        return [] if av[1] & re.IGNORECASE else _needle_sets(av[3])
    if op is c.ATOMIC_GROUP:
        return _needle_sets(av)
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _needle_sets(branch)
            if not found:
                return []
            union |= max(found, key=_strength)
        return [union] if union else []
    return []
