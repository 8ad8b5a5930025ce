"""One schema for a choice question's options and key, read by both the
question bank (``exercises/bank``, :mod:`autograder.questionbank.load`) and the
practice files (``course/practice``, :mod:`autograder.widgets.practice`).

Both write a choice question the same way: ``options`` lettered A, B, C… in
order, each a non-empty text, no two alike; ``key`` one letter (single) or
several (multiple), as a list or as the letters written together (``ACE``,
``A,C,E``, ``A、C、E``, lower case or full width).  They differ only in the
:class:`ChoiceRules` they pass: an exam item has 4 or 5 options and a
multiple-choice key never takes them all; a practice item may have 3 to 6
and may.  Errors are English (schema errors, for content authors).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..engine.schema import Where

__all__ = ["ChoiceRules", "BANK_RULES", "PRACTICE_RULES", "Choices", "read_choices", "choice_options", "choice_key",
           "key_letters"]

LETTERS = "ABCDEFGH"
_SEPARATORS = frozenset(" \t,;、")  # after NFKC folding, which turns ，； into , ;


@dataclass(frozen=True, slots=True)
class ChoiceRules:
    """What one kind of file allows: how many options, and whether a multiple key may take them all."""

    min_options: int
    max_options: int
    key_may_be_all: bool


BANK_RULES = ChoiceRules(4, 5, key_may_be_all=False)
PRACTICE_RULES = ChoiceRules(3, 6, key_may_be_all=True)


@dataclass(frozen=True, slots=True)
class Choices:
    """A choice question's validated options (letter → text, in letter order) and key (sorted letters)."""

    options: dict[str, str]
    key: tuple[str, ...]

    @property
    def letters(self) -> str:
        return "".join(self.options)


def read_choices(w: Where, raw: dict, qtype: str, rules: ChoiceRules) -> Choices:
    """The ``options`` and ``key`` of a ``single`` or ``multiple`` question under ``rules``."""
    options = choice_options(w, raw, rules)
    return Choices(options, choice_key(w, raw, qtype, "".join(options), rules))


def choice_options(w: Where, raw: dict, rules: ChoiceRules) -> dict[str, str]:
    """The ``options`` mapping, validated, texts stripped, in letter order."""
    options = w.need(raw, "options", dict)
    letters = [str(k) for k in options]
    lo, hi = rules.min_options, rules.max_options
    if not lo <= len(letters) <= hi or letters != list(LETTERS[: len(letters)]):
        count = f"{lo} or {hi}" if hi == lo + 1 else f"{lo} to {hi}"
        raise w.error(f"options must be {count}, lettered A, B, C… in order; got {', '.join(letters)}")
    for letter, text in options.items():
        if not isinstance(text, str) or not text.strip():
            raise w.error(f"option {letter} must be non-empty text")
    if len({t.strip() for t in options.values()}) != len(options):
        raise w.error("two options have the same text")
    return {str(k): v.strip() for k, v in options.items()}


def key_letters(w: Where, value, letters: str) -> tuple[str, ...]:
    """The letters of a written key, in order of writing; anything but letters and separators is an error."""
    if isinstance(value, list) and all(isinstance(k, str) for k in value):
        value = "".join(value)
    if not isinstance(value, str):
        raise w.error("key must be one letter (single) or a list of letters (multiple)")
    text = unicodedata.normalize("NFKC", value).upper()
    keys = tuple(ch for ch in text if ch not in _SEPARATORS)
    if not keys or any(k not in letters for k in keys):
        raise w.error(f"key {value!r} is not among the options ({letters})")
    if len(set(keys)) != len(keys):
        raise w.error("key lists a letter twice")
    return keys


def choice_key(w: Where, raw: dict, qtype: str, letters: str, rules: ChoiceRules) -> tuple[str, ...]:
    """The ``key`` of a ``single`` or ``multiple`` question, validated, sorted."""
    keys = key_letters(w, raw.get("key"), letters)
    if qtype == "single" and len(keys) != 1:
        raise w.error("a single-choice key is exactly one letter")
    if qtype == "multiple" and len(keys) < 2:
        raise w.error("a multiple-choice key has at least two letters")
    if qtype == "multiple" and not rules.key_may_be_all and len(keys) == len(letters):
        raise w.error("a multiple-choice key has at least two letters and not all of them")
    return tuple(sorted(keys))
