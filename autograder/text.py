"""Text normalisation for rule matching.

Students type on phones and in both scripts, with full- or half-width
punctuation and stray spaces.  Rules are written once, against a normalised
copy: NFKC, 。and 、 folded to ASCII, Traditional→Simplified (OpenCC
``t2s``), a few variant characters and regional spellings folded (妳→你,
甚麼→什么, 著急→着急; all length-preserving), ASCII lower-cased and all
whitespace (and zero-width characters) removed.  ``Normalised.span`` maps a match in the normalised copy
back to the student's original text, so findings quote what they typed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalised", "normalise", "has_chinese"]

# 1:1 character folds applied with NFKC (on characters outside the CJK
# ideograph blocks: punctuation and ASCII capitals).
_FOLD = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "｡": ".",
        "､": ",",
    }
    | {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
)
# Variant ideographs used for the second person, folded after OpenCC.
_VARIANTS = ("妳", "祢")
# Same-length word folds applied after OpenCC: Taiwan/Hong Kong spellings
# that ``t2s`` leaves alone but that mean exactly the Mainland word.
_WORD_FOLD = {
    "甚么": "什么",
    "著急": "着急",
    "著想": "着想",
    "什麽": "什么",
    "麽": "么",
}
assert all(len(k) == len(v) for k, v in _WORD_FOLD.items())
_WORD_FOLD_RE = re.compile("|".join(sorted(map(re.escape, _WORD_FOLD), key=len, reverse=True)))
# whitespace, and invisible characters pasted from web pages (zero-width
# space/joiners, word joiner, BOM, soft hyphen): dropped like spaces
_WHITESPACE = re.compile("[\\s\u200b-\u200d\u2060\ufeff\u00ad]+")

_converter = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc  # C++ wheel: ~10 ms to load once per process

        _converter = opencc.OpenCC("t2s")
    try:
        return _converter.convert(text)
    except UnicodeEncodeError:
        # lone surrogates (e.g. from a broken clipboard) cannot cross into
        # C++ as UTF-8; replace them 1:1 so the index map stays valid
        return _converter.convert(re.sub("[\ud800-\udfff]", "\ufffd", text))


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


# ---------------------------------------------------------------- stage 1
# NFKC plus the 1:1 folds, character by character.  Whole-string NFKC costs
# ~85 ns a character (8 ms for 100,000); almost every character of a Chinese
# answer is a CJK ideograph or ASCII that NFKC leaves alone, so only the
# others (punctuation, full-width forms, A-Z for lower-casing) are looked up,
# once per distinct character.  Per-character NFKC equals whole-string NFKC
# unless composition joins neighbours (combining marks, Hangul jamo): such
# text takes the exact slow path, and a final is_normalized check guards the
# rest.
# (A regex class over the CJK ranges would do, but compiling one costs ~10 ms
# at import: the distinct characters are filtered in Python instead.)
def _candidates(text: str) -> list[str]:
    """Distinct characters of ``text`` that NFKC or a fold may change."""
    if text.isascii():
        return [ch for ch in set(text) if "A" <= ch <= "Z"]
    return [ch for ch in set(text)
            if ("A" <= ch <= "Z") or (ch > "\x7f" and not ("\u4e00" <= ch <= "\u9fff"
                                                            or "\u3400" <= ch <= "\u4dbf"))]


_CHAR_MAP: dict[str, str] = {}
_CHAR_MAP_LIMIT = 20_000


class _NeedsSlowPath(Exception):
    pass


def _composes(ch: str) -> bool:
    return (unicodedata.combining(ch) != 0 or unicodedata.category(ch).startswith("M")
            or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
            or "\ua960" <= ch <= "\ua97f" or "\ud7b0" <= ch <= "\ud7ff")


def _map_char(ch: str) -> str:
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    nfkc = unicodedata.normalize("NFKC", ch)
    if _composes(ch) or any(_composes(c) for c in nfkc):
        raise _NeedsSlowPath
    mapped = nfkc.translate(_FOLD)
    if len(_CHAR_MAP) < _CHAR_MAP_LIMIT:
        _CHAR_MAP[ch] = mapped
    return mapped


def _fold_fast(text: str, candidates: list[str]) -> tuple[str, list[int] | None]:
    """NFKC + folds; the index map is None when every character stayed one character."""
    maps = {ch: _map_char(ch) for ch in candidates}
    # 1:1 replacements first (str.replace runs at memory speed); the
    # characters that expand (… → ...) keep their positions meanwhile
    growers = []
    for ch, mapped in maps.items():
        if len(mapped) != 1:
            growers.append(ch)
        elif mapped != ch:
            text = text.replace(ch, mapped)
    if growers:
        pieces: list[str] = []
        origin: list[int] = []
        prev = 0
        for m in re.finditer("|".join(map(re.escape, growers)), text):
            i = m.start()
            mapped = maps[m.group()]
            pieces.append(text[prev:i])
            pieces.append(mapped)
            origin.extend(range(prev, i))
            origin.extend([i] * len(mapped))
            prev = i + 1
        pieces.append(text[prev:])
        origin.extend(range(prev, len(text)))
        text = "".join(pieces)
    else:
        origin = None
    if not unicodedata.is_normalized("NFKC", text):
        raise _NeedsSlowPath
    return text, origin


def _fold_slow(text: str) -> tuple[str, list[int] | None]:
    """Exact whole-string NFKC, then the folds (for combining sequences)."""
    origin = None
    if not unicodedata.is_normalized("NFKC", text):
        nfkc = unicodedata.normalize("NFKC", text)
        if len(nfkc) != len(text):
            chars, origin = _per_char(
                list(text), list(range(len(text))), lambda c: unicodedata.normalize("NFKC", c)
            )
            nfkc = "".join(chars)
        text = nfkc
    return text.translate(_FOLD), origin


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching; see the module docstring."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    original = text
    origin: list[int] | None = None  # None: identity so far

    # Stage 1: NFKC and 1:1 folds (。→. 、→, A→a).  Usually length-preserving.
    candidates = _candidates(text)
    if candidates:
        try:
            text, origin = _fold_fast(text, candidates)
        except _NeedsSlowPath:
            text, origin = _fold_slow(text)

    # Stage 2: Traditional → Simplified, then variant characters and words.
    simp = _t2s(text)
    if len(simp) != len(text):
        base = origin if origin is not None else list(range(len(text)))
        chars, origin = _per_char(list(text), base, _t2s)
        simp = "".join(chars)
    text = simp
    for variant in _VARIANTS:
        if variant in text:
            text = text.replace(variant, "你")
    if _WORD_FOLD_RE.search(text):
        text = _WORD_FOLD_RE.sub(lambda m: _WORD_FOLD[m.group()], text)

    # Stage 3: drop whitespace (also trims).
    if _WHITESPACE.search(text):
        pieces: list[str] = []
        kept: list[int] = []
        prev = 0
        for m in _WHITESPACE.finditer(text):
            s, e = m.span()
            pieces.append(text[prev:s])
            kept.extend(range(prev, s) if origin is None else origin[prev:s])
            prev = e
        pieces.append(text[prev:])
        kept.extend(range(prev, len(text)) if origin is None else origin[prev:])
        text = "".join(pieces)
        origin = kept

    if origin is None:
        return Normalised(original, text, None)
    end = (origin[-1] + 1) if origin else 0
    # Trailing original characters that vanished (spaces) are not part of any span.
    return Normalised(original, text, tuple(origin) + (end,))


def has_chinese(text: str) -> bool:
    """True when ``text`` contains at least one Han character."""
    if text.isascii():
        return False
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            return True
    return False
