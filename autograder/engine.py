"""The rewrite-checking rule engine.

Three rule *kinds* live in code; the rules themselves are YAML data in
``autograder/rules/`` (one file per family, plus ``scenarios.yaml``):

``forbid``   a phrase or pattern that must not appear (with exceptions);
             ``level: error`` fails the answer, ``level: warning`` only reports.
``require``  a required element: any one of a group of phrasings.
``count``    occurrences of a group counted against a maximum (fillers).

``check(text, scenario)`` applies the global families, the families the
scenario adds and the scenario's own rules.  ``score`` is the share of the
scenario's requirements met, 0 when an error-level rule fires; ``passed`` is
true only when every requirement is met and no error-level rule fires.

Rule files (the YAML format; see the header of ``rules/scenarios.yaml``):

* a family file: ``family``, ``title``, ``scope`` (``global`` | ``scenario``),
  optional ``macros``, ``rules``; each rule: ``id``, ``kind``, ``level``,
  ``phrases`` (literal, normalised) and/or ``patterns`` (regexes on the
  normalised answer), ``unless`` (regexes: a match lying wholly inside one is
  excused), ``message`` (``{match}`` quotes the student's text; count rules
  may use ``{count}``/``{max}``), ``examples: {flag: [...], ok: [...]}``,
  ``name`` (requirements), ``max`` (count rules), ``note``.
* ``_macros.yaml``: shared regex fragments, written ``{name}`` in patterns
  (extension: names are lower-case identifiers, so never confused with
  ``{3}``-style quantifiers); a file may add its own under ``macros:``.
  Other files whose name starts with ``_`` are not rule files.

Speed (a practice widget checks on every click; a class is graded in bulk):

* each rule's alternatives are regrouped into "scanners" that start with a
  literal character or class, so the regex engine skips ahead instead of
  trying every alternative at every position; a scanner whose possible first
  characters are absent from the answer is not even run.  Only when a
  scanner finds something does the rule's own combined regex (the single
  source of truth for matches, spans and excuses) run.
* loading parses and checks the YAML (~15 ms) but compiles nothing: each
  regex is compiled the first time a check needs it (``_Lazy``), and the
  first-character pre-check means an answer needs only the few rules whose
  opening characters it contains.  Compiling all ~200 regexes up front
  costs ~100 ms, more than a practice widget's whole start-up budget.
  ``load_pack`` (tests, rule authors) still compiles every pattern, so a bad
  regex is reported with its file and rule id before anyone uses it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from .schema import SchemaError, Where, load_yaml
from .text import Normalised, has_chinese, normalise

__all__ = [
    "Finding", "Result", "Rule", "Scenario", "UnknownScenario",
    "check", "check_normalised", "scenarios", "get_scenario", "rules", "load_pack", "RULES_DIR",
]

RULES_DIR = Path(__file__).with_name("rules")
KINDS = ("forbid", "require", "count")
LEVELS = ("error", "warning")
MAX_HITS_PER_RULE = 5  # report at most this many occurrences of one rule
_CHARSET_LIMIT = 2000  # answers longer than this skip the first-character pre-check


class Finding(NamedTuple):
    """One thing the engine noticed; ``span`` indexes the student's original text."""

    rule: str
    kind: str  # "missing" | "forbidden" | "warning"
    message: str
    span: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict on one answer."""

    passed: bool
    score: float
    findings: list[Finding]
    scenario: str

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "score": self.score,
            "findings": [
                {"rule": f.rule, "kind": f.kind, "message": f.message,
                 "span": list(f.span) if f.span is not None else None}
                for f in self.findings
            ],
        }


class UnknownScenario(KeyError):
    """Raised for a scenario key that is not in the catalogue."""

    def __init__(self, key: str, valid: list[str]):
        super().__init__(key)
        self.key = key
        self.valid = valid

    def __str__(self) -> str:
        return f"unknown scenario {self.key!r}; valid scenarios: {', '.join(self.valid)}"


@dataclass(frozen=True, slots=True)
class Examples:
    flag: tuple[str, ...]  # utterances the rule must flag (for require: where it is missing)
    ok: tuple[str, ...]  # utterances it must not flag


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    level: str
    message: str
    regex: "_Lazy"
    unless: "_Lazy | None"
    examples: Examples
    name: str = ""  # short label of a requirement, e.g. 问候语
    maximum: int = 0  # for count rules
    family: str = ""
    # Fast "can this rule match at all?" pre-check: the same alternatives as
    # ``regex``, grouped so that each pattern starts with a literal character
    # or a class (the regex engine then skips ahead instead of trying every
    # alternative at every position), each with the set of characters a
    # match can start with (None: unknown).  ``regex`` decides the matches.
    scanners: tuple[tuple[frozenset[str] | None, "_Lazy"], ...] = field(default=(), repr=False)

    def may_match(self, text: str, chars: set[str] | None = None) -> bool:
        """False when no match is possible; ``chars`` is ``set(text)`` if known."""
        for first, scanner in self.scanners:
            if chars is not None and first is not None and first.isdisjoint(chars):
                continue
            if scanner.search(text) is not None:
                return True
        return False

    def hits(self, norm: Normalised, limit: int | None = None, *,
             chars: set[str] | None = None) -> list[re.Match]:
        """Non-excused matches of this rule in the normalised text, in order.

        ``limit`` stops after that many hits.  A match is excused when it lies
        wholly inside a match of ``unless``.  Both lists come out of
        ``finditer`` sorted and non-overlapping, so one forward walk decides
        every match (linear even for a 100,000-character answer).
        """
        text = norm.text
        if not self.may_match(text, chars):  # fast path: most rules match nothing
            return []
        if self.unless is None:
            if limit is None:
                return list(self.regex.finditer(text))
            return list(islice(self.regex.finditer(text), limit))
        excused = self.unless.finditer(text)
        current = next(excused, None)
        out: list[re.Match] = []
        for m in self.regex.finditer(text):
            start, end = m.span()
            while current is not None and current.end() < end:
                # this excuse ends before the match does: it cannot cover it,
                # nor any later match (later matches start at or after ``end``)
                current = next(excused, None)
            if current is not None and current.start() <= start and end <= current.end():
                continue
            out.append(m)
            if limit is not None and len(out) >= limit:
                break
        return out

    def met(self, norm: Normalised, *, chars: set[str] | None = None) -> bool:
        """For a requirement: is the element present (one non-excused match)?"""
        return bool(self.hits(norm, 1, chars=chars))

    def fires(self, text: str) -> bool:
        """Does this rule flag ``text`` on its own? (Used to run the examples.)"""
        norm = normalise(text)
        if self.kind == "require":
            return not self.met(norm)
        if self.kind == "count":
            return len(self.hits(norm)) > self.maximum
        return bool(self.hits(norm, 1))


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    title: str
    situation: str
    families: tuple[str, ...]
    requires: tuple[Rule, ...]
    forbids: tuple[Rule, ...]
    # the full list applied to an answer, global families included
    active: tuple[Rule, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "situation": self.situation,
            "requires": [{"rule": r.id, "name": r.name, "message": r.message} for r in self.requires],
            "forbids": [{"rule": r.id, "level": r.level, "message": r.message} for r in self.forbids],
            "families": list(self.families),
        }


@dataclass(frozen=True, slots=True)
class Pack:
    families: dict[str, tuple[Rule, ...]]
    global_families: tuple[str, ...]
    scenarios: dict[str, Scenario]

    def all_rules(self) -> list[Rule]:
        out = [r for rules in self.families.values() for r in rules]
        for s in self.scenarios.values():
            out.extend(s.requires)
            out.extend(s.forbids)
        return out


# --------------------------------------------------------------------------- loading

_RULE_FIELDS = {"id", "kind", "level", "phrases", "patterns", "unless", "message", "examples", "name", "max", "note"}
_MACRO_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
MACROS_FILE = "_macros.yaml"

Macros = dict[str, str]


def _expand(where: Where, pattern: str, macros: Macros) -> str:
    """Replace ``{name}`` by the macro's regex, wrapped in a group.

    Regex quantifiers are ``{3}`` / ``{0,8}`` (digits only), so a name that
    starts with a letter cannot be mistaken for one.
    """
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in macros:
            known = ", ".join(sorted(macros)) or "none"
            raise where.error(f"unknown macro {{{name}}} in {pattern!r}; known macros: {known}")
        return f"(?:{macros[name]})"

    return _MACRO_REF.sub(sub, pattern)


def _macros(where: Where, raw: object, inherited: Macros, strict: bool = True) -> Macros:
    """A file's ``macros:`` mapping, each expanded with the ones before it."""
    if raw is None:
        return inherited
    if not isinstance(raw, dict):
        raise where.error(f"'macros' must be a mapping of name: regex, got {type(raw).__name__}")
    out = dict(inherited)
    for name, value in raw.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise where.error(f"macro name {name!r} must be lower-case letters, digits and _")
        if not isinstance(value, str) or not value:
            raise where.error(f"macro {name!r} must be a non-empty regex string")
        expanded = _expand(where.at(f"macro {name}"), value, out)
        if strict:
            try:
                re.compile(expanded)
            except re.error as exc:
                raise where.at(f"macro {name}").error(f"does not compile: {exc}") from exc
        out[name] = expanded
    return out


def _combine(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "|".join(f"(?:{a})" for a in alternatives)


class _Lazy:
    """A regex compiled the first time it is used (most rules never run on a given answer)."""

    __slots__ = ("pattern", "_where", "_rx")

    def __init__(self, pattern: str, where: str = ""):
        self.pattern = pattern
        self._where = where
        self._rx: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._rx is None:
            try:
                self._rx = re.compile(self.pattern)
            except re.error as exc:  # only for rule files that skipped load_pack's checks
                raise SchemaError(f"{self._where}: pattern {self.pattern!r} does not compile: {exc}") from None
        return self._rx

    def search(self, text: str):
        return (self._rx or self.compiled()).search(text)

    def finditer(self, text: str):
        return (self._rx or self.compiled()).finditer(text)

    def fullmatch(self, text: str):
        return (self._rx or self.compiled()).fullmatch(text)


def _compile(where: Where, alternatives: list[str], what: str = "pattern") -> re.Pattern:
    combined = _combine(alternatives)
    try:
        return re.compile(combined)
    except re.error as exc:
        for i, alt in enumerate(alternatives):
            try:
                re.compile(alt)
            except re.error as inner:
                raise where.error(f"{what} {i + 1} {alt!r} does not compile: {inner}") from exc
        raise where.error(f"{what}s do not compile together: {exc}") from exc


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
        return frozenset(ch)
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
        options = _top_level_split(lead[3:-1])
        if any(not o or any(c in _SPECIAL for c in o) for o in options):
            options = None
    if options is None or len(options) > 12 or len(rest) > 300:
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


def _rule_spec(where: Where, raw: dict, family: str, default_kind: str, macros: Macros,
               strict: bool = True) -> dict:
    """Validate one YAML rule into plain data (see ``_build_rule``)."""
    rid = where.need(raw, "id", str)
    where = where.at(rid)
    where.only(raw, _RULE_FIELDS)
    kind = where.need(raw, "kind", str, optional=True, default=default_kind)
    if kind not in KINDS:
        raise where.error(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    level = where.need(raw, "level", str, optional=True, default="error")
    if level not in LEVELS:
        raise where.error(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    phrases = where.strings(raw, "phrases", optional=True)
    patterns = [_expand(where, p, macros) for p in where.strings(raw, "patterns", optional=True)]
    alternatives = [re.escape(_normalise_phrase(p)) for p in phrases] + patterns
    if not alternatives:
        raise where.error("needs 'phrases' or 'patterns'")
    unless = [_expand(where, p, macros) for p in where.strings(raw, "unless", optional=True)]
    message = where.need(raw, "message", str).strip()
    if kind == "forbid" and "{match}" not in message:
        raise where.error("a forbid rule's message must quote the text: put {match} in it")
    ex = where.need(raw, "examples", dict)
    where.only(ex, {"flag", "ok"})
    flag = list(where.strings(ex, "flag", optional=True))
    ok = list(where.strings(ex, "ok", optional=True))
    if not flag or not ok:
        raise where.error("needs examples: at least one under 'flag' and one under 'ok'")
    maximum = where.need(raw, "max", int, optional=True, default=0)
    if maximum < 0:
        raise where.error(f"max must be 0 or more, got {maximum}")
    if strict:  # compile now, so that a bad regex is reported with its file and rule id
        regex = _compile(where, alternatives)
        if regex.fullmatch(""):
            raise where.error("a pattern matches the empty string: every pattern must need at least one character")
        if unless:
            _compile(where, unless, "unless pattern")
    return {
        "where": f"{where.path}: {rid}",
        "id": rid, "kind": kind, "level": level, "message": message,
        "alternatives": alternatives, "unless": unless, "flag": flag, "ok": ok,
        "name": where.need(raw, "name", str, optional=True, default=""),
        "max": maximum, "family": family,
        "scanners": _scanner_specs(alternatives),
    }


def _build_rule(spec: dict) -> Rule:
    where = spec["where"]
    regex = _Lazy(_combine(spec["alternatives"]), where)
    scanners = tuple(
        (frozenset(first) if first is not None else None,
         regex if pattern == regex.pattern else _Lazy(pattern, where))
        for first, pattern in spec["scanners"]
    )
    return Rule(
        id=spec["id"], kind=spec["kind"], level=spec["level"], message=spec["message"],
        regex=regex,
        unless=_Lazy(_combine(spec["unless"]), where) if spec["unless"] else None,
        examples=Examples(tuple(spec["flag"]), tuple(spec["ok"])),
        name=spec["name"], maximum=spec["max"], family=spec["family"],
        scanners=scanners,
    )


def _normalise_phrase(phrase: str) -> str:
    return normalise(phrase).text


def _load_family(path: Path, macros: Macros, strict: bool = True) -> dict:
    where = Where(_display(path))
    data = load_yaml(path)
    where.only(data, {"family", "title", "scope", "rules", "note", "macros"})
    family = where.need(data, "family", str)
    scope = where.need(data, "scope", str, optional=True, default="global")
    if scope not in ("global", "scenario"):
        raise where.error(f"scope must be 'global' or 'scenario', got {scope!r}")
    local = _macros(where, data.get("macros"), macros, strict)
    raw_rules = where.need(data, "rules", list)
    rules = [_rule_spec(where, r, family, "forbid", local, strict) for r in raw_rules]
    for r in rules:
        if not r["id"].startswith(family + "."):
            raise where.at(r["id"]).error(f"rule ids in this file must start with '{family}.'")
        if r["kind"] == "require":
            raise where.at(r["id"]).error("require rules belong to a scenario in scenarios.yaml")
    return {"family": family, "scope": scope, "rules": rules, "where": where.path}


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _load_macros(directory: Path, strict: bool = True) -> Macros:
    path = directory / MACROS_FILE
    if not path.exists():
        return {}
    where = Where(_display(path))
    data = load_yaml(path)
    where.only(data, {"macros", "note"})
    return _macros(where, data.get("macros"), {}, strict)


def load_pack(directory: Path = RULES_DIR) -> Pack:
    """Load and validate every rule file; raises SchemaError naming file and rule.

    ``_macros.yaml`` holds shared regex fragments; other files whose name
    starts with ``_`` are ignored; ``scenarios.yaml`` is the catalogue; every
    other ``*.yaml`` is one rule family.
    """
    return _build_pack(pack_spec(directory))


def pack_spec(directory: Path = RULES_DIR, strict: bool = True) -> dict:
    """The validated rule pack as plain data.

    ``strict`` also compiles every pattern (a bad regex is reported with its
    file and rule id); the engine's own lazy load skips that.
    """
    directory = Path(directory)
    macros = _load_macros(directory, strict)
    families: list[dict] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "scenarios.yaml" or path.name.startswith("_"):
            continue
        fam = _load_family(path, macros, strict)
        if any(f["family"] == fam["family"] for f in families):
            raise Where(_display(path)).error(f"family {fam['family']!r} is defined twice")
        families.append(fam)
    names = [f["family"] for f in families]

    spath = directory / "scenarios.yaml"
    where = Where(_display(spath))
    data = load_yaml(spath)
    where.only(data, {"scenarios", "macros", "note"})
    smacros = _macros(where, data.get("macros"), macros, strict)
    scenarios: list[dict] = []
    for raw in where.need(data, "scenarios", list):
        key = where.need(raw, "key", str)
        w = where.at(key)
        w.only(raw, {"key", "title", "situation", "families", "requires", "forbids", "note"})
        extra = list(w.strings(raw, "families", optional=True))
        for fam in extra:
            if fam not in names:
                raise w.error(f"unknown rule family {fam!r}; known: {', '.join(names)}")
        requires = [_rule_spec(w, r, key, "require", smacros, strict) for r in w.need(raw, "requires", list)]
        forbids = [_rule_spec(w, r, key, "forbid", smacros, strict)
                   for r in w.need(raw, "forbids", list, optional=True, default=[])]
        for r in requires + forbids:
            if not r["id"].startswith(key + "."):
                raise where.at(r["id"]).error(f"rule ids of scenario {key!r} must start with '{key}.'")
        if any(r["kind"] != "require" for r in requires) or any(r["kind"] == "require" for r in forbids):
            raise w.error("'requires' holds require rules; 'forbids' holds forbid/count rules")
        if not requires:
            raise w.error("a scenario needs at least one requirement")
        if any(s["key"] == key for s in scenarios):
            raise w.error("scenario key defined twice")
        scenarios.append({
            "key": key, "title": w.need(raw, "title", str), "situation": w.need(raw, "situation", str),
            "families": extra, "requires": requires, "forbids": forbids,
        })
    ids = [r["id"] for f in families for r in f["rules"]]
    ids += [r["id"] for s in scenarios for r in s["requires"] + s["forbids"]]
    seen: set[str] = set()
    dupes = sorted({i for i in ids if i in seen or seen.add(i)})
    if dupes:
        raise SchemaError(f"{_display(directory)}: rule ids used twice: {', '.join(dupes)}")
    return {"families": families, "scenarios": scenarios}


def _build_pack(spec: dict) -> Pack:
    families = {f["family"]: tuple(_build_rule(r) for r in f["rules"]) for f in spec["families"]}
    global_families = tuple(f["family"] for f in spec["families"] if f["scope"] == "global")
    scenarios: dict[str, Scenario] = {}
    for s in spec["scenarios"]:
        requires = tuple(_build_rule(r) for r in s["requires"])
        forbids = tuple(_build_rule(r) for r in s["forbids"])
        active_families = list(global_families) + [f for f in s["families"] if f not in global_families]
        active = tuple(r for f in active_families for r in families[f]) + forbids
        scenarios[s["key"]] = Scenario(
            key=s["key"], title=s["title"], situation=s["situation"],
            families=tuple(s["families"]), requires=requires, forbids=forbids, active=active,
        )
    return Pack(families, global_families, scenarios)


_PACK: Pack | None = None


def _pack() -> Pack:
    global _PACK
    if _PACK is None:
        _PACK = _build_pack(pack_spec(RULES_DIR, strict=False))
    return _PACK


def scenarios() -> list[Scenario]:
    """The scenario catalogue, in file order."""
    return list(_pack().scenarios.values())


def get_scenario(key: str) -> Scenario:
    pack = _pack()
    try:
        return pack.scenarios[key]
    except (KeyError, TypeError):
        raise UnknownScenario(str(key), list(pack.scenarios)) from None


def rules() -> list[Rule]:
    """Every rule in the pack (families and scenarios)."""
    return _pack().all_rules()


# --------------------------------------------------------------------------- checking

_LEVEL_KIND = {"error": "forbidden", "warning": "warning"}


def _fill(message: str, quoted: str, count: int = 0, maximum: int = 0) -> str:
    # {count}/{max} first and the student's text last, so braces the student
    # typed are never taken for placeholders
    if "{count}" in message or "{max}" in message:
        message = message.replace("{count}", str(count)).replace("{max}", str(maximum))
    return message.replace("{match}", quoted)


def check(text: str, scenario: str, *, original: str | None = None) -> Result:
    """Check a rewritten utterance against a scenario.

    ``original`` is the bad utterance the student was asked to rewrite; an
    answer that normalises to the same text fails.
    """
    if not isinstance(text, str):
        raise TypeError(f"check() needs the answer as str, got {type(text).__name__}")
    if original is not None and not isinstance(original, str):
        raise TypeError(f"original must be str or None, got {type(original).__name__}")
    sc = get_scenario(scenario)
    return check_normalised(normalise(text), sc, original=original)


def check_normalised(norm: Normalised, sc: Scenario, *, original: str | None = None) -> Result:
    """``check`` on an already normalised answer."""
    if not norm.text:
        return Result(False, 0.0, [Finding("answer.empty", "forbidden",
                                           "答案是空的：请写出你改写后的完整说法。", None)], sc.key)
    if not has_chinese(norm.text):
        return Result(False, 0.0, [Finding(
            "answer.not_chinese", "forbidden",
            f"「{_short(norm.original)}」里没有中文：请用中文写出完整的服务用语。", (0, len(norm.original)))], sc.key)

    findings: list[Finding] = []
    error = False
    if original is not None and normalise(original).text == norm.text:
        error = True
        findings.append(Finding("answer.unchanged", "forbidden",
                                "答案和原句一样：请按要求改写，不要照抄原句。", None))

    # the characters present decide which rules can match at all; for a long
    # answer nearly every character is present, so skip building the set
    chars = set(norm.text) if len(norm.text) <= _CHARSET_LIMIT else None
    for rule in sc.active:
        if rule.kind == "count":
            hits = rule.hits(norm, chars=chars)
            if len(hits) <= rule.maximum:
                continue
            m = hits[rule.maximum]  # the first occurrence over the limit
            error |= rule.level == "error"
            a, b = norm.span(m.start(), m.end())
            findings.append(Finding(rule.id, _LEVEL_KIND[rule.level],
                                    _fill(rule.message, norm.original[a:b], len(hits), rule.maximum), (a, b)))
            continue
        hits = rule.hits(norm, MAX_HITS_PER_RULE, chars=chars)
        if not hits:
            continue
        error |= rule.level == "error"
        kind = _LEVEL_KIND[rule.level]
        for m in hits:
            a, b = norm.span(m.start(), m.end())
            findings.append(Finding(rule.id, kind, _fill(rule.message, norm.original[a:b]), (a, b)))

    # what was said wrong, in the order it was said; then what is missing
    findings.sort(key=lambda f: -1 if f.span is None else f.span[0])
    met = 0
    for req in sc.requires:
        if req.met(norm, chars=chars):
            met += 1
        else:
            findings.append(Finding(req.id, "missing", req.message, None))

    total = len(sc.requires)
    score = 0.0 if error else round(met / total, 4)
    passed = not error and met == total
    return Result(passed, score, findings, sc.key)


def _short(text: str, limit: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"
