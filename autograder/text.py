"""Text normalisation for rule matching.

Students type on phones and in both scripts, with full- or half-width
punctuation and stray spaces.  Rules are written once, against a normalised
copy: NFKC, 。and 、 folded to ASCII, Traditional→Simplified (OpenCC
``t2s``), a few variant characters folded (妳→你), ASCII lower-cased and all
whitespace removed.  ``Normalised.span`` maps a match in the normalised copy
back to the student's original text, so findings quote what they typed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalised", "normalise", "has_chinese"]

# 1:1 character folds applied after NFKC and OpenCC.
_FOLD = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "｡": ".",
        "､": ",",
        "妳": "你",
        "祢": "你",
    }
    | {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
)
_WHITESPACE = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_converter = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc  # C++ wheel: ~10 ms to load once per process

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised copy of ``original`` and the way back to it."""

    original: str
    text: str
    # index_map[i] is the index in ``original`` of normalised character i;
    # one extra entry maps the end.  None means the identity.
    index_map: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to one of ``original``."""
        m = self.index_map
        if m is None:
            return (start, end)
        if end <= start:
            return (m[start], m[start])
        return (m[start], m[end - 1] + 1)

    def quote(self, start: int, end: int) -> str:
        """The original text behind a normalised span."""
        a, b = self.span(start, end)
        return self.original[a:b]


def _per_char(chars: list[str], origin: list[int], fn) -> tuple[list[str], list[int]]:
    out: list[str] = []
    out_origin: list[int] = []
    for ch, o in zip(chars, origin):
        converted = fn(ch)
        out.extend(converted)
        out_origin.extend([o] * len(converted))
    return out, out_origin


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching; see the module docstring."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    original = text
    origin: list[int] | None = None  # None: identity so far

    # Stage 1: NFKC.  Usually length-preserving (full-width → half-width).
    if not unicodedata.is_normalized("NFKC", text):
        nfkc = unicodedata.normalize("NFKC", text)
        if len(nfkc) != len(text):
            chars, origin = _per_char(
                list(text), list(range(len(text))), lambda c: unicodedata.normalize("NFKC", c)
            )
            nfkc = "".join(chars)
        text = nfkc

    # Stage 2: Traditional → Simplified, then 1:1 folds.
    simp = _t2s(text)
    if len(simp) != len(text):
        base = origin if origin is not None else list(range(len(text)))
        chars, origin = _per_char(list(text), base, _t2s)
        simp = "".join(chars)
    text = simp.translate(_FOLD)

    # Stage 3: drop whitespace (also trims).
    if _WHITESPACE.search(text):
        base = origin if origin is not None else range(len(text))
        keep = [i for i, ch in enumerate(text) if not ch.isspace()]
        origin = [base[i] for i in keep]
        text = "".join(text[i] for i in keep)

    if origin is None:
        return Normalised(original, text, None)
    end = (origin[-1] + 1) if origin else 0
    # Trailing original characters that vanished (spaces) are not part of any span.
    return Normalised(original, text, tuple(origin) + (end,))


def has_chinese(text: str) -> bool:
    """True when ``text`` contains at least one Han character."""
    return _HAN.search(text) is not None
