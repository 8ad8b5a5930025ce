"""Text normalisation for rule matching.

Students type on phones and in both scripts, with full- or half-width
punctuation and stray spaces.  Rules are written once, against a normalised
copy: NFKC, 。and 、 folded to ASCII, Traditional→Simplified (OpenCC
``t2s``), a few variant characters and regional spellings folded (妳→你,
甚麼→什么, 著急→着急; all length-preserving), ASCII lower-cased and all
whitespace removed.  Characters that are invisible or carry no letter of
their own (format controls, combining marks, private-use, unassigned and
surrogate code points, the Hangul and braille "blank" fillers) are dropped
before anything else, and decorative separators (``·`` ``_`` ``*`` ``~``
emoji and other symbols) between two Han characters are dropped too, so
``我怎么\u200e知道`` and ``我怎么·知道`` read as ``我怎么知道``.
``Normalised.span`` maps a match in the normalised copy back to the
student's original text, so findings quote what they typed.

``Normalised.unsaid`` lists the stretches the agent mentions without saying
them to the customer (module ``unsaid``), decided once here; rule kinds
decide whether to respect it.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

# the unsaid stretches are found in .unsaid; its names stay importable from here
from .unsaid import (_AGENT_SAYS, _CLAUSE_END, _NOT_SAYING, _QUOTE, _QUOTE_MARKS,  # noqa: F401
                     _REPORT_LIMIT, _REPORTER, _REPORTING, _UNSAID_MARKS, _start, _unsaid)

__all__ = ["Normalised", "normalise", "has_chinese", "join_commas"]

# 1:1 character folds applied with NFKC (on characters outside the CJK
# ideograph blocks: punctuation and ASCII capitals).
_FOLD = str.maketrans({"。": ".", "、": ",", "｡": ".", "､": ","}
                      | {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
# Variant ideographs used for the second person, folded after OpenCC.
_VARIANTS = ("妳", "祢")
# Same-length word folds applied after OpenCC: Taiwan/Hong Kong spellings
# that ``t2s`` leaves alone but that mean exactly the Mainland word.
_WORD_FOLD = {"甚么": "什么", "著急": "着急", "著想": "着想", "等著": "等着", "什麽": "什么", "麽": "么"}
assert all(len(k) == len(v) for k, v in _WORD_FOLD.items())
# one of these is in every word folded: a quick test before the regex
_WORD_FOLD_MARKS = ("么", "著", "麽")
assert all(any(m in k for m in _WORD_FOLD_MARKS) for k in _WORD_FOLD)
_WORD_FOLD_MARK_SET = frozenset(_WORD_FOLD_MARKS)
_WORD_FOLD_RE = re.compile("|".join(sorted(map(re.escape, _WORD_FOLD), key=len, reverse=True)))
# whitespace, and invisible characters pasted from web pages (zero-width
# space/joiners, word joiner, BOM, soft hyphen): dropped like spaces
_WHITESPACE = re.compile("[\\s\u200b-\u200d\u2060\ufeff\u00ad]+")
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def _has_space(text: str) -> bool:
    """Would _WHITESPACE find anything?  (str.split and re's \\s agree on
    what whitespace is, and both run in C; the regex is slower on long text.)"""
    if not text or (" " not in text and text.isprintable()):
        # every whitespace character but " " and every invisible one above is
        # unprintable (categories Z*, Cc, Cf): a printable text has none of them
        return False
    parts = text.split(None, 1)
    return len(parts) != 1 or len(parts[0]) != len(text) or any(ch in text for ch in _INVISIBLE)


# Unicode categories dropped before matching: format controls (bidi marks,
# invisible operators, tags), combining marks (variation selectors, U+034F),
# private use, surrogates and unassigned/non-characters.
_DROP_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Co", "Cs", "Cn"})
# letters or symbols that render as nothing: Hangul fillers, braille blank,
# the object replacement character
_FILLERS = frozenset("\u3164\uffa0\u115f\u1160\u2800\ufffc\ufffd")
# decorative separators (ASCII); other symbols and punctuation are decided by
# category (see _is_separator)
_ASCII_SEPARATORS = frozenset("_*~#|^`\\/-+=@&<>")
_ASCII_SEPARATOR_RX = re.compile("[" + re.escape("".join(sorted(_ASCII_SEPARATORS))) + "]")

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
    # (start, end) stretches of ``text`` the agent mentions without saying
    # them: quoted customer words, what they say they will not say
    unsaid: tuple[tuple[int, int], ...] = ()
    # set(text) when normalising already built it (the text came out unchanged),
    # else None; read only, never changed
    chars: set[str] | None = field(default=None, compare=False, repr=False)

    def is_unsaid(self, start: int, end: int) -> bool:
        """Does the half-open span lie wholly inside one unsaid stretch?"""
        if not self.unsaid:
            return False
        i = bisect_right(self.unsaid, (start, len(self.text) + 1)) - 1  # stretches are disjoint, sorted
        return i >= 0 and self.unsaid[i][0] <= start and end <= self.unsaid[i][1]

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
# (A regex class over the CJK ranges costs ~10 ms to compile: filtered in Python.)
def _candidates(text: str, seen: set[str]) -> list[str]:
    """Distinct characters of ``text`` (``seen``: its set) that NFKC or a fold may change."""
    if text.isascii():
        return [ch for ch in seen if "A" <= ch <= "Z"]
    # characters already seen to be left alone are set aside in one step
    rest = seen - _PLAIN
    out = [ch for ch in rest
           if ("A" <= ch <= "Z") or (ch > "\x7f" and not ("\u4e00" <= ch <= "\u9fff"
                                                         or "\u3400" <= ch <= "\u4dbf"))]
    if len(out) < len(rest) and len(_PLAIN) < _PLAIN_LIMIT:
        _PLAIN.update(rest.difference(out))
    return out


_PLAIN: set[str] = set()  # characters NFKC and the folds leave alone (ASCII other than A-Z, CJK ideographs)
_PLAIN_LIMIT = 30_000


_CHAR_MAP: dict[str, str] = {}
_CHAR_MAP_LIMIT = 20_000


class _NeedsSlowPath(Exception):
    pass


def _dropped(ch: str) -> bool:
    """Invisible, or a letter that renders as a blank: removed before matching."""
    return ch in _FILLERS or unicodedata.category(ch) in _DROP_CATEGORIES


def _composes(ch: str) -> bool:
    return (unicodedata.combining(ch) != 0 or unicodedata.category(ch).startswith("M")
            or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
            or "\ua960" <= ch <= "\ua97f" or "\ud7b0" <= ch <= "\ud7ff")


def _map_char(ch: str) -> str:
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    if _dropped(ch):
        mapped = ""
        if len(_CHAR_MAP) < _CHAR_MAP_LIMIT:
            _CHAR_MAP[ch] = mapped
        return mapped
    nfkc = unicodedata.normalize("NFKC", ch)
    if _composes(ch) or any(_composes(c) or _dropped(c) for c in nfkc):
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
    if any(_dropped(ch) for ch in set(text)):
        keep = [i for i, ch in enumerate(text) if not _dropped(ch)]
        text = "".join(text[i] for i in keep)
        origin = keep
    if not unicodedata.is_normalized("NFKC", text):
        nfkc = unicodedata.normalize("NFKC", text)
        if len(nfkc) != len(text):
            chars, origin = _per_char(
                list(text), origin if origin is not None else list(range(len(text))),
                lambda c: unicodedata.normalize("NFKC", c)
            )
            nfkc = "".join(chars)
        text = nfkc
    if any(_dropped(ch) for ch in set(text)):  # NFKC can leave a lone combining mark (ﾞ → U+3099)
        base = origin if origin is not None else list(range(len(text)))
        keep = [i for i, ch in enumerate(text) if not _dropped(ch)]
        text = "".join(text[i] for i in keep)
        origin = [base[i] for i in keep]
    return text.translate(_FOLD), origin


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching; see the module docstring."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    original = text
    origin: list[int] | None = None  # None: identity so far

    # Stage 1: NFKC and 1:1 folds (。→. 、→, A→a).  Usually length-preserving.
    seen = set(text)
    candidates = _candidates(text, seen)
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
    if not _WORD_FOLD_MARK_SET.isdisjoint(text) and _WORD_FOLD_RE.search(text):
        text = _WORD_FOLD_RE.sub(lambda m: _WORD_FOLD[m.group()], text)

    # Stage 3: drop whitespace (also trims).
    if _has_space(text):
        text, origin = _drop_spaces(text, origin)
    # Stage 4: decorative separators between two Han characters.
    text, origin = _drop_separators(text, origin, candidates)

    unsaid = _unsaid(text)
    if origin is None:
        return Normalised(original, text, None, unsaid, seen if text == original else None)
    end = (origin[-1] + 1) if origin else 0
    # Trailing original characters that vanished (spaces) are not part of any span.
    return Normalised(original, text, tuple(origin) + (end,), unsaid)


def _drop_spaces(text: str, origin: list[int] | None) -> tuple[str, list[int]]:
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
    return "".join(pieces), kept


def _drop_separators(text: str, origin: list[int] | None, candidates: list[str]) -> tuple[str, list[int] | None]:
    """Stage 4 of ``normalise``.  ``candidates``: the original's non-CJK
    characters; NFKC maps each to what the text now holds, e.g. ＿ → _."""
    seps = {c for ch in candidates for c in _CHAR_MAP.get(ch, ch) if _is_separator(c)}
    if _ASCII_SEPARATOR_RX.search(text):
        seps.update(_ASCII_SEPARATOR_RX.findall(text))
    if not seps:
        return text, origin
    rx = re.compile(f"(?<=[{_HAN}])[{re.escape(''.join(sorted(seps)))}]+(?=[{_HAN}])")
    if not rx.search(text):
        return text, origin
    base = origin if origin is not None else range(len(text))
    pieces, kept, prev = [], [], 0
    for m in rx.finditer(text):
        s, e = m.span()
        pieces.append(text[prev:s])
        kept.extend(base[prev:s])
        prev = e
    pieces.append(text[prev:])
    kept.extend(base[prev:])
    return "".join(pieces), kept


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEPARATOR_CATEGORIES = frozenset({"So", "Sk", "Sm", "Pc", "Pd"})


def _is_separator(ch: str) -> bool:
    known = _SEPARATOR_CACHE.get(ch)
    if known is None:
        if ch.isascii():
            known = ch in _ASCII_SEPARATORS
        else:
            known = ch in "·・•‧∙" or unicodedata.category(ch) in _SEPARATOR_CATEGORIES
        if len(_SEPARATOR_CACHE) < _CHAR_MAP_LIMIT:
            _SEPARATOR_CACHE[ch] = known
    return known


_SEPARATOR_CACHE: dict[str, bool] = {}


def join_commas(text: str) -> tuple[str, list[int]] | None:
    """``text`` without the commas that sit between two Han characters.

    Returns the joined text and, for each of its characters, the index in
    ``text``; None when there is no such comma.  Used to catch a phrase
    split by a comma (我怎么，知道).
    """
    if "," not in text:
        return None
    rx = _JOIN.get("rx")
    if rx is None:
        rx = _JOIN["rx"] = re.compile(f"(?<=[{_HAN}]),(?=[{_HAN}])")
    pieces, kept, prev = [], [], 0
    for m in rx.finditer(text):
        s, e = m.span()
        pieces.append(text[prev:s])
        kept.extend(range(prev, s))
        prev = e
    if prev == 0:
        return None
    pieces.append(text[prev:])
    kept.extend(range(prev, len(text)))
    return "".join(pieces), kept


_JOIN: dict[str, re.Pattern] = {}


def has_chinese(text: str) -> bool:
    """True when ``text`` contains at least one Han character."""
    if text.isascii():
        return False
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            return True
    return False
