"""Regexes compiled on first use, and their compiled programs kept as plain data.

Most rules never run on a given answer, so loading compiles nothing: a
``_Lazy`` compiles its pattern when first searched, from the program the
load cache kept (``_CODES``) when there is one."""

from __future__ import annotations

import re

from .schema import SchemaError

# pattern → its compiled regex program, from the load cache (see _regex_code)
_CODES: dict[str, bytes] = {}


def _regex_code(pattern: str) -> tuple:
    """What ``re.compile(pattern)`` hands to the regex engine (``_sre.compile``),
    as plain data that marshal can keep: parsing and compiling a large pattern
    is slow, building it from this is not.  Tied to the Python version (part
    of the cache's stamp)."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, 0)
    code = _compiler._code(parsed, 0)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (int(parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _from_code(pattern: str, data: tuple | bytes) -> re.Pattern:
    import _sre

    if isinstance(data, bytes):
        import marshal

        data = marshal.loads(data)
    flags, code, groups, groupindex, indexgroup = data
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)



class _Lazy:
    """A regex compiled the first time it is used (most rules never run on a given answer)."""

    __slots__ = ("pattern", "_where", "_rx")

    def __init__(self, pattern: str, where: str = ""):
        self.pattern = pattern
        self._where = where
        self._rx: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._rx is None:
            data = _CODES.get(self.pattern)
            if data is not None:
                try:
                    self._rx = _from_code(self.pattern, data)
                    return self._rx
                except Exception:  # a stale or damaged cache entry: compile as usual
                    _CODES.pop(self.pattern, None)
            try:
                self._rx = re.compile(self.pattern)
            except re.error as exc:  # only for rule files that skipped load_pack's checks
                raise SchemaError(f"{self._where}: pattern {self.pattern!r} does not compile: {exc}") from None
        return self._rx

    def search(self, text: str, *bounds: int):
        return (self._rx or self.compiled()).search(text, *bounds)

    def finditer(self, text: str):
        return (self._rx or self.compiled()).finditer(text)

    def fullmatch(self, text: str):
        return (self._rx or self.compiled()).fullmatch(text)
