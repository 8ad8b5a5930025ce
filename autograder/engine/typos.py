"""Typing slips of required phrases (稍后 typed for 稍候, 再建 for 再见, 方变 for 方便).

The homophone groups are data (``rules/_homophones.yaml``).  When a
requirement is missing, its patterns are rewritten once into a lenient
regex in which every Han character that has homophones becomes a class of
them (``再见`` → ``再[见建件…]``).  A lenient match counts as a slip only
when putting back one character makes the requirement's own regex match:
then the answer is read as intended, and the engine names the slip.  Built
the first time a requirement is missing, so a passing answer never pays.
"""
from __future__ import annotations

import re
from pathlib import Path

from .schema import Where, load_yaml

__all__ = ["homophones", "lenient", "find_slip"]

HOMOPHONES_FILE = Path(__file__).with_name("rules") / "_homophones.yaml"
_TABLE: dict[str, str] | None = None
_WINDOW = 24  # characters either side of a lenient match re-checked with the real regex


def homophones(path: Path = HOMOPHONES_FILE) -> dict[str, str]:
    """Character → the characters that may be typed for it."""
    global _TABLE
    if _TABLE is not None and path == HOMOPHONES_FILE:
        return _TABLE
    where = Where(str(path.name))
    data = load_yaml(path)
    where.only(data, {"groups", "note"})
    table: dict[str, str] = {}
    for group in where.strings(data, "groups"):
        if len(set(group)) != len(group) or len(group) < 2:
            raise where.error(f"group {group!r} needs two or more different characters")
        for ch in group:
            have = table.get(ch, "")
            table[ch] = have + "".join(c for c in group if c != ch and c not in have)
    if path == HOMOPHONES_FILE:
        _TABLE = table
    return table


def lenient(pattern: str, table: dict[str, str]) -> str | None:
    """``pattern`` with each Han literal outside classes widened to its homophones
    (None when nothing changes)."""
    out: list[str] = []
    in_class = escaped = changed = False
    class_start = 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            if ch == "]" and i > class_start + 1 and not (i == class_start + 2 and pattern[i - 1] == "^"):
                in_class = False
        elif ch == "[":
            in_class, class_start = True, i
        elif "\u4e00" <= ch <= "\u9fff" and ch in table and not _in_lookbehind(pattern, i):
            out.append(f"[{ch}{table[ch]}]")
            changed = True
            continue
        out.append(ch)
    return "".join(out) if changed else None


def _in_lookbehind(pattern: str, i: int) -> bool:
    # a class keeps the width, but stay away from lookbehinds all the same
    start = pattern.rfind("(?<", 0, i)
    return start >= 0 and pattern.find(")", start) > i


def find_slip(text: str, loose: re.Pattern, strict: re.Pattern, table: dict[str, str]):
    """((start, end), typed, intended) for the first one-character slip in
    ``text``: a match of ``loose`` that ``strict`` accepts once one character
    is put back.  ``typed``/``intended`` are the two-character words around it."""
    for m in loose.finditer(text):
        s, e = m.span()
        lo, hi = max(0, s - _WINDOW), min(len(text), e + _WINDOW)
        for i in range(s, e):
            for right in table.get(text[i], ""):
                fixed = text[lo:i] + right + text[i + 1:hi]
                if strict.search(fixed, s - lo, e - lo + 1) is None:
                    continue
                # the two-character word around the slip: the one the rule spells out
                starts = [a for a in (i - 1, i) if s <= a and a + 2 <= e] or [max(s, min(i - 1, e - 2))]
                words = [(a, text[a:a + 2], text[a:i] + right + text[i + 1:a + 2]) for a in starts]
                a, typed, intended = next((w for w in words if w[2] in strict.pattern), words[0])
                return (a, a + 2), typed, intended
    return None
