"""Typing slips of required phrases (issue: 稍后 typed for 稍候, 再建 for 再见).

The homophone groups are data (``rules/_homophones.yaml``).  For a
requirement's literal phrasings, every one-character substitution inside a
group is a likely slip; ``slips_for`` builds one regex of them and the map
back to the intended phrase.  Built the first time a requirement is missing,
so a passing answer never pays for it.
"""
from __future__ import annotations

import re
from pathlib import Path

from .schema import Where, load_yaml

__all__ = ["homophones", "slips_for"]

HOMOPHONES_FILE = Path(__file__).with_name("rules") / "_homophones.yaml"
_TABLE: dict[str, str] | None = None


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
            table[ch] = table.get(ch, "") + "".join(c for c in group if c != ch and c not in table.get(ch, ""))
    if path == HOMOPHONES_FILE:
        _TABLE = table
    return table


def slips_for(phrases: tuple[str, ...] | list[str]) -> tuple[re.Pattern, dict[str, str]] | None:
    """(regex of slips, slip → intended phrase) for these phrases, or None."""
    table = homophones()
    intended: dict[str, str] = {}
    real = set(phrases)
    for phrase in phrases:
        for i, ch in enumerate(phrase):
            for other in table.get(ch, ""):
                slip = phrase[:i] + other + phrase[i + 1:]
                if slip not in real:
                    intended.setdefault(slip, phrase)
    if not intended:
        return None
    rx = re.compile("|".join(map(re.escape, sorted(intended, key=len, reverse=True))))
    return rx, intended
