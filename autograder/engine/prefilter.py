"""The regex-prefix analyser: what a rule's matches can start with.

From each pattern it works out the characters a match can start with
(from the pattern's text), the literal-first groupings (scanners) and the
literal text every match must contain (gates, from ``re``'s parse tree, at
load time only).  Every answer is first tested against these; a rule is
run only when the test cannot rule it out, so the analysis must only ever
over-approximate."""

from __future__ import annotations

import re

from .lazyregex import _Lazy

_CHARSET_LIMIT = 2000  # answers longer than this look up character pairs one by one
_PAIR_SLICES = tuple(slice(i, i + 2) for i in range(_CHARSET_LIMIT))


def _pairs(text: str) -> set[str]:
    """The two-character substrings of ``text`` (at most _CHARSET_LIMIT + 1 characters)."""
    return set(map(text.__getitem__, _PAIR_SLICES[:len(text) - 1]))


def _gate_open(gate: tuple[frozenset[str], frozenset[str]], text: str, chars: set[str],
               grams: set[str] | None) -> bool:
    """Can a scanner with this gate match ``text``?  (False only when impossible.)"""
    pairs, singles = gate
    if not singles.isdisjoint(chars):
        return True
    if grams is not None:
        return not pairs.isdisjoint(grams)
    # a long text: look only for the pairs whose two characters both occur
    return any(p[0] in chars and p[1] in chars and p in text for p in pairs)


_SPLIT: dict[str, tuple | None] = {}


def _split_by_first(pattern: str) -> tuple | None:
    """A scanner of literal-first alternatives cut into one scanner per first
    character, each with its gate: (character, gate, scanner) triples; None
    when the pattern is not such a scanner.  For long answers only: there a
    part whose character is absent or whose gate is shut is skipped, and a
    scan tries only the alternatives that can start where it stops."""
    if pattern in _SPLIT:
        return _SPLIT[pattern]
    parts = _top_level_split(pattern)
    out = None
    if all(_literal_first(p) for p in parts):
        groups: dict[str, list[str]] = {}
        for p in parts:
            groups.setdefault(p[0], []).append(p)
        if len(groups) > 1:
            out = []
            for ch, members in groups.items():
                sub = "|".join(members)
                gate = _gate(sub)
                out.append((ch, None if gate is None else (frozenset(gate[0]), frozenset(gate[1])), _Lazy(sub)))
            out = tuple(out)
    _SPLIT[pattern] = out
    return out


def _split_search(split: tuple, text: str, chars: set[str]) -> bool:
    for ch, gate, scanner in split:
        if ch not in chars or (gate is not None and not _gate_open(gate, text, chars, None)):
            continue
        if scanner.search(text) is not None:
            return True
    return False



def _scan_regex(pattern: str):
    """Yield (index, char, depth) for the characters of ``pattern`` that are
    syntax: not escaped and not inside a character class."""
    depth, in_class, escaped, first = 0, False, False, 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            if ch == "^" and i == first:
                first += 1  # [^...]: the class proper starts after the caret
            elif ch == "]" and i > first:  # a ] right after [ or [^ is literal
                in_class = False
        elif ch == "[":
            in_class, first = True, i + 1
        elif ch == "(":
            depth += 1
            yield i, ch, depth
        elif ch == ")":
            yield i, ch, depth
            depth -= 1
        elif ch == "|":
            yield i, ch, depth


def _top_level_split(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|`` (outside groups and classes)."""
    parts, start = [], 0
    for i, ch, depth in _scan_regex(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _unwrap(pattern: str) -> str | None:
    """``(?:X)`` → ``X`` when the group spans the whole pattern, else None."""
    if not (pattern.startswith("(?:") and pattern.endswith(")")):
        return None
    for i, ch, depth in _scan_regex(pattern):
        if ch == ")" and depth == 1:
            return pattern[3:-1] if i == len(pattern) - 1 else None
    return None


def _pieces(pattern: str) -> list[str]:
    """A pattern's top-level alternatives, looking through wrapping groups."""
    out = []
    for part in _top_level_split(pattern):
        inner = _unwrap(part)
        out.extend(_pieces(inner) if inner is not None else [part])
    return out


_SPECIAL = set("\\.^$*+?{}[]()|")


def _literal_first(alternative: str) -> bool:
    """Does this regex alternative start with a mandatory literal character?"""
    return (len(alternative) > 0 and alternative[0] not in _SPECIAL
            and (len(alternative) == 1 or alternative[1] not in "?*{+"))


def _first_chars(piece: str) -> frozenset[str] | None:
    """The characters a match of ``piece`` can start with, when the pattern
    text makes that plain (a literal, a simple class, a group of those);
    None when unsure.  Only ever used to skip a search, so None is safe."""
    if not piece:
        return None
    ch = piece[0]
    if ch not in _SPECIAL:
        return frozenset(ch) if piece[1:2] not in ("?", "*", "{") or len(piece) == 1 else None
    if ch == "^":  # anchored at the start: the next item starts the match
        return _first_chars(piece[1:])
    if ch == "[":
        end = piece.find("]", 1)
        raw = piece[1:end] if end > 1 else ""
        if not raw or raw[0] == "^" or "\\" in raw:
            return None
        body = set()
        i = 0
        while i < len(raw):
            if i + 2 < len(raw) and raw[i + 1] == "-":
                lo, hi = ord(raw[i]), ord(raw[i + 2])
                if hi - lo > 256:
                    return None
                body.update(map(chr, range(lo, hi + 1)))
                i += 3
            else:
                body.add(raw[i])
                i += 1
        rest = piece[end + 1:end + 2]
    elif piece.startswith("(?:"):
        close = None
        for i, c, depth in _scan_regex(piece):
            if c == ")" and depth == 1:
                close = i
                break
        if close is None:
            return None
        out: set[str] = set()
        for alt in _top_level_split(piece[3:close]):
            first = _first_chars(alt)
            if first is None:
                return None
            out |= first
        body, rest = out, piece[close + 1:close + 2]
    else:
        return None
    if rest and rest in "?*{":  # the leading item is optional
        return None
    return frozenset(body)


def _scanner_specs(alternatives: list[str]) -> list[tuple[str | None, str]]:
    """Group alternatives into patterns the regex engine can scan quickly.

    All literal-first alternatives go into one pattern (the engine builds a
    character set of their first characters and skips every other
    position); each other alternative gets its own pattern, where a leading
    class or group is again used to skip ahead.  Searching them all finds a
    match exactly when the rule's combined regex does.  Returns pairs of
    (the characters a match can start with or None, pattern).
    """
    pieces = [x for a in alternatives for piece in _pieces(a) for x in _expand_lead(piece)]
    literal = [a for a in pieces if _literal_first(a)]
    other = [a for a in pieces if not _literal_first(a)]
    out: list[tuple[str | None, str]] = []
    if literal:
        out.append(("".join(sorted({a[0] for a in literal})), "|".join(literal)))
    # alternatives that open with the same class or group share one scan:
    # [您你]X and [您你]Y become [您你](?:X|Y)
    groups: dict[str, list[str]] = {}
    for a in other:
        lead = _leading_atom(a)
        groups.setdefault(lead or a, []).append(a)
    for lead, members in groups.items():
        if len(members) == 1:
            a = members[0]
        else:
            a = lead + "(?:" + "|".join(m[len(lead):] for m in members) + ")"
        first = _first_chars(a)
        out.append(("".join(sorted(first)) if first is not None else None, a))
    return out


def _gate(pattern: str) -> tuple[list[str], list[str]] | None:
    """Literal text every match of ``pattern`` (a scanner) must contain, as a
    pre-check: (pairs, singles) such that each match contains one of the
    two-character strings in ``pairs`` or one of the characters in
    ``singles``; None when no such text is plain from the pattern.  Only
    ever used to skip a search, so it never guesses: unsure is None."""
    from re import _parser  # load time only (the result is cached with the pack)

    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    needles = _needles(parsed)
    if needles is None:
        return None
    pairs = sorted({n[:2] for n in needles if len(n) >= 2})
    singles = sorted({n for n in needles if len(n) == 1})
    return pairs, singles


def _needles(seq) -> set[str] | None:
    """Strings one of which occurs in every match of the parsed sequence
    ``seq`` (re's parser output); None when unknown.  Adjacent mandatory
    literals join into one string; of the candidates, the set whose
    shortest string is longest wins."""
    from re import _constants as c

    best: set[str] | None = None

    def offer(found: set[str] | None) -> None:
        nonlocal best
        if not found or any(not x for x in found):
            return
        if best is None or (min(map(len, found)), -len(found)) > (min(map(len, best)), -len(best)):
            best = found

    run: set[str] = set()  # the adjacent mandatory literals (and small classes) so far
    for op, av in seq:
        if op is c.LITERAL:
            run = {r + chr(av) for r in run} if run else {chr(av)}
            continue
        members = _class_members(av) if op is c.IN else None
        if members is not None and len(run) * len(members) <= 64:
            run = {r + m for r in run for m in members} if run else members
            continue
        offer(run or None)
        run = set()
        if op is c.SUBPATTERN:
            _group, add_flags, _del, sub = av
            if add_flags & re.IGNORECASE:
                return None
            offer(_needles(sub))
        elif op is c.ATOMIC_GROUP:
            offer(_needles(av))
        elif op is c.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                found = _needles(branch)
                if found is None:
                    union = set()
                    break
                union |= found
            offer(union or None)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                offer(_needles(sub))
        elif members is not None:
            run = members
    offer(run or None)
    return best


def _class_members(items) -> set[str] | None:
    """The characters of a parsed character class made of literals and short ranges."""
    from re import _constants as c

    members: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            members.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= 64:
            members.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return members or None


def _expand_lead(piece: str) -> list[str]:
    """``(?:说|讲)X`` → ``说X``, ``讲X``; ``[用买]X`` → ``用X``, ``买X``.

    A mandatory opening group of plain literals (or a class of plain
    characters) is distributed over the rest, so every alternative becomes
    literal-first and joins the single fast scan of its rule.
    """
    lead = _leading_atom(piece)
    if lead is None:
        return [piece]
    rest = piece[len(lead):]
    if lead.startswith("["):
        body = lead[1:-1]
        options = list(body) if body and body[0] != "^" and "-" not in body and "\\" not in body else None
    else:
        options = _pieces(lead[3:-1])  # looks through nested groups: (?:(?:您|你)) → 您, 你
        if any(not o or any(c in _SPECIAL for c in o) for o in options):
            options = None
    if options is None or len(options) > 16 or len(rest) > 1200:
        return [piece]
    return [o + rest for o in options]


def _leading_atom(piece: str) -> str | None:
    """The opening class or group of ``piece`` when it is mandatory, else None."""
    if piece.startswith("["):
        end = piece.find("]", 2 if piece[1:2] in ("]", "^") else 1)
        if end < 0 or "\\" in piece[:end]:
            return None
        lead = piece[:end + 1]
    elif piece.startswith("(?:"):
        lead = None
        for i, c, depth in _scan_regex(piece):
            if c == ")" and depth == 1:
                lead = piece[:i + 1]
                break
        if lead is None:
            return None
    else:
        return None
    rest = piece[len(lead):len(lead) + 1]
    return None if rest and rest in "?*+{" else lead


def _scan(scanners: tuple, live: int, text: str) -> bool:
    """Does one of a rule's scanners that the index left live find a match?"""
    for bit, scanner in scanners:
        if live & bit and (scanner._rx or scanner.compiled()).search(text) is not None:
            return True
    return False
