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
* the load cache (``_cached_spec``) keeps the validated pack and every
  pattern's compiled regex program, so a later process neither parses the
  YAML nor compiles a regex; building the cache after a rule file changes
  takes a second or two, once.
* each scenario has one index (``_Index``) from characters and character
  pairs to the scanners they may open, as bits of an int: a check looks up
  the answer's characters and pairs once and runs only the scanners left.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from itertools import islice
from operator import or_
from pathlib import Path
from typing import NamedTuple

from .schema import SchemaError, Where, load_yaml
from .text import Normalised, has_chinese, normalise

__all__ = [
    "Finding", "Result", "Rule", "Scenario", "UnknownScenario",
    "check", "check_normalised", "scenarios", "get_scenario", "rules", "load_pack", "RULES_DIR",
]

RULES_DIR = Path(__file__).with_name("rules")
KINDS = ("forbid", "require", "count", "tone")
LEVELS = ("error", "warning")
MAX_HITS_PER_RULE = 5  # report at most this many occurrences of one rule
_CHARSET_LIMIT = 2000  # answers longer than this look up character pairs one by one
MAX_ANSWER_CHARS = 2000  # longer rewrite answers fail before the engine runs
TURN_LIMIT = 300  # normalised characters: far more than one spoken turn (~2.5 minutes)
# a call turn with no scenario: only the global families apply (whole-call exercises)
FREE = "free"
FOREIGN_LIMIT = 2  # markers of this many other scenarios make the answer off-topic
# a tone frame's parts lie in one clause, at most this far apart
FRAME_GAP = "[^.!?;]{0,10}"
# who acts (require rules with ``actor``): the agent's side
_AGENT = re.compile("我|咱|本公司|我司|这边|本中心|本店")
_CAUSE = re.compile("让|叫|请|督促|催|安排|要求|通知|联系")
_ACTOR_WINDOW = 16


class Finding(NamedTuple):
    """One thing the engine noticed; ``span`` indexes the student's original text.

    The first four fields are the stable interface (DESIGN.md); ``suggestion``
    is the wording to use instead, chosen for the scenario, and ``source``
    says where the rule comes from (rule data).
    """

    rule: str
    kind: str  # "missing" | "forbidden" | "warning"
    message: str
    span: tuple[int, int] | None
    suggestion: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict on one answer."""

    passed: bool
    score: float
    findings: list[Finding]
    scenario: str

    def to_dict(self) -> dict:
        """The ``check --json`` contract: ``{"passed", "score", "findings": [{"rule",
        "kind", "message", "span", "suggestion", "source"}]}``; ``span`` is
        ``[start, end]`` in the text as written, or None."""
        return {
            "passed": self.passed,
            "score": self.score,
            "findings": [
                {"rule": f.rule, "kind": f.kind, "message": f.message,
                 "span": list(f.span) if f.span is not None else None,
                 "suggestion": f.suggestion, "source": f.source}
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
    suggestion: str = ""  # wording to use instead (default for every scenario)
    suggestions: tuple[tuple[str, str], ...] = ()  # (scenario, wording) overrides
    source: str = ""  # where the rule comes from (seed, standard)
    in_quotes: bool = False  # True: also fires inside quoted / negated mentions
    across_commas: bool = False  # True: also matches a phrase split by a comma (我怎么，知道)
    lead: "_Lazy | None" = None  # tone frames opening with {you}: looked for just before the match
    actor: "_Lazy | None" = None  # require rules: who else may be the subject (not the agent)
    # a second, sharper pre-check, one per scanner (None: none): the two-character
    # openings a match of the scanner can start with, and the single characters
    # that may open a match whose second character is unknown
    gates: tuple[tuple[frozenset[str], frozenset[str]] | None, ...] = field(default=(), repr=False)
    # every character any match of the rule can start with (None: unknown)
    firsts: frozenset[str] | None = field(default=None, repr=False)

    def suggestion_for(self, scenario: str) -> str:
        for key, text in self.suggestions:
            if key == scenario:
                return text
        return self.suggestion

    def may_match(self, text: str, chars: set[str] | None = None, grams: set[str] | None = None) -> bool:
        """False when no match is possible; ``chars`` is ``set(text)`` if known,
        ``grams`` the set of its two-character substrings if known."""
        if chars is not None:
            if self.firsts is not None and self.firsts.isdisjoint(chars):
                return False
            for (first, scanner), gate in zip(self.scanners, self.gates):
                if first is not None and first.isdisjoint(chars):
                    continue
                if gate is not None and not _gate_open(gate, text, chars, grams):
                    continue
                if grams is None and first is not None and len(first) > 1:
                    split = _split_by_first(scanner.pattern)
                    if split is not None:  # a long answer: one first character at a time
                        if _split_search(split, text, chars):
                            return True
                        continue
                if scanner.search(text) is not None:
                    return True
            return False
        for first, scanner in self.scanners:
            if scanner.search(text) is not None:
                return True
        return False

    def hits(self, norm: Normalised, limit: int | None = None, *,
             chars: set[str] | None = None, grams: set[str] | None = None,
             checked: bool = False) -> list[re.Match]:
        """Non-excused matches of this rule in the normalised text, in order.

        ``limit`` stops after that many hits.  A match is excused when it lies
        wholly inside a match of ``unless``.  ``checked``: the caller has
        already found that a scanner matches (skip the pre-check).  Both lists come out of
        ``finditer`` sorted and non-overlapping, so one forward walk decides
        every match (linear even for a 100,000-character answer).
        """
        text = norm.text
        if not checked and not self.may_match(text, chars, grams):  # fast path: most rules match nothing
            return []
        keep = self._keeper(norm)
        if self.unless is None:
            if keep is None and limit == 1:  # (the first match of finditer)
                m = self.regex.search(text)
                return [] if m is None else [m]
            found = self.regex.finditer(text)
            if keep is not None:
                found = (m for m in found if keep(m))
            return list(found) if limit is None else list(islice(found, limit))
        excused = self.unless.finditer(text)
        current = next(excused, None)
        # the current excuse's span (-1, -1 when there is none left)
        lo, hi = current.span() if current is not None else (-1, -1)
        out: list[re.Match] = []
        for m in self.regex.finditer(text):
            start, end = m.span()
            while hi < end and current is not None:
                # this excuse ends before the match does: it cannot cover it,
                # nor any later match (later matches start at or after ``end``)
                current = next(excused, None)
                lo, hi = current.span() if current is not None else (-1, -1)
            if lo <= start and end <= hi:
                continue
            if keep is not None and not keep(m):
                continue
            out.append(m)
            if limit is not None and len(out) >= limit:
                break
        return out

    def _keeper(self, norm: Normalised):
        """The extra test a match must pass, or None: prohibitions skip the
        agent's quoted and negated mentions; requirements with ``actor``
        skip matches whose subject is someone else."""
        if self.kind == "require":
            if self.actor is None:
                return None
            text = norm.text
            return lambda m: _agent_acts(text, m.start(), self.actor)
        text = norm.text
        if self.lead is not None:
            lead = self.lead
            if self.in_quotes or not norm.unsaid:
                return lambda m: _led(text, m, lead)
            return lambda m: _led(text, m, lead) and not norm.is_unsaid(m.start(), m.end())
        if self.in_quotes or not norm.unsaid:
            return None
        return lambda m: not norm.is_unsaid(m.start(), m.end())

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
        return bool(self.hits(norm, 1)) or (self.across_commas and bool(_joined_hits(self, norm, 1)))


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


def _led(text: str, m: re.Match, lead: "_Lazy") -> bool:
    """A frame that opens with the customer: is 您/你 in the same clause just before?"""
    if not (m.lastgroup or "").startswith("lead"):
        return True
    lo = max(0, m.start() - 11)
    window = text[lo:m.start()]
    cut = max(window.rfind(c) for c in ".!?;")
    return bool(lead.search(window[cut + 1:]))


def _agent_acts(text: str, start: int, others: "_Lazy") -> bool:
    """Is the agent (or their company) the one acting at ``start``?

    Looks back inside the clause: when the nearest actor named before the
    match is someone else (他们, 快递公司…) and the agent neither names
    themselves after it nor makes them act (我会让他们…), it is not the
    agent's commitment.
    """
    lo = max(0, start - _ACTOR_WINDOW)
    window = text[lo:start]
    cut = max(window.rfind(c) for c in ".!?;")
    if cut >= 0:
        window = window[cut + 1:]
    last_other = None
    for m in others.finditer(window):
        last_other = m
    if last_other is None:
        return True
    after = window[last_other.end():]
    before = window[:last_other.start()]
    before = before[before.rfind(",") + 1:]  # 我会让他们… in the same clause; not 请您…, 他们…
    return bool(_AGENT.search(after)) or bool(_CAUSE.search(before))


def _joined_view(norm: Normalised, pairs: bool = True):
    """The text without its commas (a view to match on) and its character
    pairs (None for a long text, or when ``pairs`` is false: the caller
    has its own pre-check), or None when it has no comma."""
    if "," not in norm.text:
        return None
    text = norm.text.replace(",", "")
    grams = _pairs(text) if pairs and len(text) <= _CHARSET_LIMIT else None
    return Normalised(text, text, None, ()), grams


def _joined_hits(rule: Rule, norm: Normalised, limit: int | None, joined=False,
                 chars: set[str] | None = None, *, live: int | None = None,
                 scanners: tuple = ()) -> list[tuple[int, int]]:
    """Matches of a prohibition across a comma put inside a phrase (我怎么，知道),
    as spans of ``norm.text``: only those that cross a comma between two Han
    characters (a comma between clauses is not an evasion).  ``live``: the
    scenario index's scanners that may match the comma-free view, and
    ``scanners`` the rule's own (bit, scanner) pairs: then only those run."""
    if joined is False:
        joined = _joined_view(norm)
    if joined is None:
        return []
    view, grams = joined
    if live is not None:
        found = rule.hits(view, None, checked=True) if _scan(scanners, live, view.text) else []
    else:
        found = rule.hits(view, None, chars=chars, grams=grams)
    if not found:
        return []
    text = norm.text
    kept = [i for i, ch in enumerate(text) if ch != ","]  # built only when something matched
    out = []
    for m in found:
        s, e = m.start(), m.end()
        a, b = kept[s], kept[e - 1] + 1
        inside = [i for i in range(a, b) if text[i] == ","]
        if not inside or not all(_is_han(text[i - 1]) and _is_han(text[i + 1]) for i in inside):
            continue  # no comma inside (the plain pass decides), or one between clauses
        if not rule.in_quotes and norm.is_unsaid(a, b):
            continue
        out.append((a, b))
        if limit is not None and len(out) >= limit:
            break
    return out


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True, slots=True)
class Order:
    """Two elements of an answer that must come in this order.

    ``first`` is a requirement id; the later element is a requirement id
    (``then``) or a pattern (``later``, e.g. the sales pitch).  When both are
    present and the later one starts before the first, the order is wrong.
    """

    id: str
    first: str
    then: str
    later: "_Lazy | None"
    level: str
    message: str
    examples: Examples
    suggestion: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One situation of the catalogue: what an answer must contain and must not."""
    key: str
    title: str
    situation: str
    families: tuple[str, ...]
    requires: tuple[Rule, ...]
    forbids: tuple[Rule, ...]
    # the full list applied to an answer, global families included
    active: tuple[Rule, ...] = field(default=(), repr=False)
    orders: tuple[Order, ...] = ()
    suggestion: str = ""  # a model wording for the whole situation
    source: str = ""
    signature: tuple[str, ...] = ()  # markers that belong to this situation only
    # other scenarios' signatures: (title, scanners) each, scanners as in Rule;
    # ``any_foreign``: scanners of all of them together (the usual answer has none)
    foreign: tuple[tuple[str, tuple], ...] = field(default=(), repr=False)
    any_foreign: tuple = field(default=(), repr=False)
    # signatures of situations easily confused with this one (one is enough)
    conflict: "_Lazy | None" = field(default=None, repr=False)
    # built on first check: the rule index of ``_candidates``
    lookup: list = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict:
        """One entry of ``scenarios --json``: key, title, situation, the required
        rules (rule, name, message), the forbidden ones (rule, level, message) and
        the rule families applied."""
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
    free: "Scenario | None" = None  # the ``free`` phase of a call (not in the catalogue)

    def all_rules(self) -> list[Rule]:
        out = [r for rules in self.families.values() for r in rules]
        for s in self.scenarios.values():
            out.extend(s.requires)
            out.extend(s.forbids)
        return out


# --------------------------------------------------------------------------- loading

_RULE_FIELDS = {"id", "kind", "level", "phrases", "patterns", "unless", "message", "examples", "name", "max", "note",
                "frames", "suggestion", "suggestions", "source", "in_quotes", "actor", "across_commas"}
_ORDER_FIELDS = {"id", "first", "then", "later", "level", "message", "examples", "suggestion", "source", "note"}

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


def _pack_codes(pack: "Pack") -> dict[str, bytes]:
    """The compiled program of every pattern the engine may run on an answer."""
    lazies: list[_Lazy] = []
    for rule in pack.all_rules():
        lazies += [rule.regex] + [s for _, s in rule.scanners]
        lazies += [x for x in (rule.unless, rule.actor, rule.lead) if x is not None]
    for sc in pack.scenarios.values():
        lazies += [o.later for o in sc.orders if o.later is not None]
        lazies += [s for _, scanners in sc.foreign for _, s in scanners] + [s for _, s in sc.any_foreign]
        if sc.conflict is not None:
            lazies.append(sc.conflict)
    import marshal

    codes = {}
    for lazy in lazies:
        if lazy.pattern not in codes:
            data = _regex_code(lazy.pattern)
            if _from_code(lazy.pattern, data) == re.compile(lazy.pattern):  # the same program
                codes[lazy.pattern] = marshal.dumps(data)  # unpacked when first used
    return codes


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


def _rule_spec(where: Where, raw: dict, family: str, default_kind: str, macros: Macros,
               strict: bool = True, source: str = "") -> dict:
    """Validate one YAML rule into plain data (see ``_build_rule``)."""
    rid = where.need(raw, "id", str)
    where = where.at(rid)
    where.only(raw, _RULE_FIELDS)
    if default_kind == "forbid" and raw.get("frames"):
        default_kind = "tone"  # a rule made of frames is a tone rule
    kind = where.need(raw, "kind", str, optional=True, default=default_kind)
    if kind not in KINDS:
        raise where.error(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    level = where.need(raw, "level", str, optional=True, default="error")
    if level not in LEVELS:
        raise where.error(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    phrases = where.strings(raw, "phrases", optional=True)
    patterns = [_expand(where, p, macros) for p in where.strings(raw, "patterns", optional=True)]
    frames = where.need(raw, "frames", list, optional=True, default=[])
    if frames and kind != "tone":
        raise where.error("'frames' belong to kind: tone")
    led: list[str] = []  # frames that open with the customer ({you}): matched from their second part
    for i, frame in enumerate(frames):
        if not (isinstance(frame, list) and len(frame) >= 1 and all(isinstance(x, str) and x for x in frame)):
            raise where.error(f"frame {i + 1} must be a list of regex parts (markers in clause order)")
        # the parts of a frame lie in one clause, in this order, a bounded gap apart.  A
        # leading {you} is everywhere in an answer: trying the frame at every 您 of a long
        # answer is slow, so the match starts at the next part and the engine looks back
        # for 您/你 in the same clause (Rule.lead)
        if len(frame) >= 2 and frame[0] == "{you}":
            led.append(FRAME_GAP.join(f"(?:{_expand(where, x, macros)})" for x in frame[1:]))
        else:
            patterns.append(FRAME_GAP.join(f"(?:{_expand(where, x, macros)})" for x in frame))
    alternatives = [re.escape(_normalise_phrase(p)) for p in phrases] + patterns
    scan_alternatives = alternatives + led
    alternatives = alternatives + [f"(?P<lead{i}>{x})" for i, x in enumerate(led)]
    if not alternatives:
        raise where.error("needs 'phrases', 'patterns' or (tone) 'frames'")
    unless = [_expand(where, p, macros) for p in where.strings(raw, "unless", optional=True)]
    message = where.need(raw, "message", str).strip()
    if kind in ("forbid", "tone") and "{match}" not in message:
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
    suggestion = where.need(raw, "suggestion", str, optional=True, default="").strip()
    suggestions = where.need(raw, "suggestions", dict, optional=True, default={})
    for key, text in suggestions.items():
        if not isinstance(key, str) or not isinstance(text, str) or not text.strip():
            raise where.error("'suggestions' maps a scenario key to a wording")
    if "{suggestion}" in message and not suggestion:
        raise where.error("the message uses {suggestion}: give a default 'suggestion'")
    actor = [_expand(where, p, macros) for p in where.strings(raw, "actor", optional=True)]
    if actor and kind != "require":
        raise where.error("'actor' belongs to require rules")
    in_quotes = where.need(raw, "in_quotes", bool, optional=True, default=False)
    across_commas = where.need(raw, "across_commas", bool, optional=True, default=False)
    if strict:  # compile now, so that a bad regex is reported with its file and rule id
        regex = _compile(where, alternatives)
        if regex.fullmatch(""):
            raise where.error("a pattern matches the empty string: every pattern must need at least one character")
        if unless:
            _compile(where, unless, "unless pattern")
        if actor:
            _compile(where, actor, "actor pattern")
    return {
        "where": f"{where.path}: {rid}",
        "id": rid, "kind": kind, "level": level, "message": message,
        "alternatives": alternatives, "unless": unless, "flag": flag, "ok": ok,
        "name": where.need(raw, "name", str, optional=True, default=""),
        "max": maximum, "family": family,
        "scanners": (scanners := _scanner_specs(scan_alternatives)),
        "gates": [_gate(pattern) for _, pattern in scanners],
        "lead": _expand(where, "{you}", macros) if led else "",
        "suggestion": suggestion or (ok[0] if kind == "require" else ""),
        "suggestions": sorted((k, v.strip()) for k, v in suggestions.items()),
        "source": where.need(raw, "source", str, optional=True, default=source),
        "in_quotes": in_quotes, "actor": actor, "across_commas": across_commas,
    }


def _build_rule(spec: dict) -> Rule:
    where = spec["where"]
    regex = _Lazy(_combine(spec["alternatives"]), where)
    scanners = tuple(
        (frozenset(first) if first is not None else None,
         regex if pattern == regex.pattern else _Lazy(pattern, where))
        for first, pattern in spec["scanners"]
    )
    gates = tuple(None if g is None else (frozenset(g[0]), frozenset(g[1])) for g in spec["gates"])
    firsts = None
    if all(first is not None for first, _ in scanners):
        firsts = frozenset().union(*(first for first, _ in scanners))
    return Rule(
        id=spec["id"], kind=spec["kind"], level=spec["level"], message=spec["message"],
        gates=gates, firsts=firsts,
        regex=regex,
        unless=_Lazy(_combine(spec["unless"]), where) if spec["unless"] else None,
        examples=Examples(tuple(spec["flag"]), tuple(spec["ok"])),
        name=spec["name"], maximum=spec["max"], family=spec["family"],
        scanners=scanners,
        suggestion=spec["suggestion"], suggestions=tuple(map(tuple, spec["suggestions"])),
        source=spec["source"], in_quotes=spec["in_quotes"], across_commas=spec["across_commas"],
        actor=_Lazy(_combine(spec["actor"]), where) if spec["actor"] else None,
        lead=_Lazy(spec["lead"], where) if spec.get("lead") else None,
    )


def _order_spec(where: Where, raw: dict, key: str, requires: list[dict], macros: Macros,
                strict: bool, source: str) -> dict:
    oid = where.need(raw, "id", str)
    where = where.at(oid)
    where.only(raw, _ORDER_FIELDS)
    if not oid.startswith(key + "."):
        raise where.error(f"order ids of scenario {key!r} must start with '{key}.'")
    ids = {r["id"] for r in requires}
    first = where.need(raw, "first", str)
    then = where.need(raw, "then", str, optional=True, default="")
    later = [_expand(where, p, macros) for p in where.strings(raw, "later", optional=True)]
    if first not in ids or (then and then not in ids):
        raise where.error(f"'first' and 'then' must name requirements of {key}: {', '.join(sorted(ids))}")
    if bool(then) == bool(later):
        raise where.error("give either 'then' (a requirement id) or 'later' (patterns)")
    if strict and later:
        _compile(where, later, "later pattern")
    level = where.need(raw, "level", str, optional=True, default="error")
    if level not in LEVELS:
        raise where.error(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    message = where.need(raw, "message", str).strip()
    if "{match}" not in message:
        raise where.error("an order message must quote the text: put {match} in it")
    ex = where.need(raw, "examples", dict)
    where.only(ex, {"flag", "ok"})
    flag, ok = list(where.strings(ex, "flag", optional=True)), list(where.strings(ex, "ok", optional=True))
    if not flag or not ok:
        raise where.error("needs examples: at least one under 'flag' and one under 'ok'")
    return {"where": f"{where.path}: {oid}", "id": oid, "first": first, "then": then, "later": later,
            "level": level, "message": message, "flag": flag, "ok": ok,
            "suggestion": where.need(raw, "suggestion", str, optional=True, default="").strip(),
            "source": where.need(raw, "source", str, optional=True, default=source)}


def _build_order(spec: dict) -> Order:
    return Order(id=spec["id"], first=spec["first"], then=spec["then"],
                 later=_Lazy(_combine(spec["later"]), spec["where"]) if spec["later"] else None,
                 level=spec["level"], message=spec["message"],
                 examples=Examples(tuple(spec["flag"]), tuple(spec["ok"])),
                 suggestion=spec["suggestion"], source=spec["source"])


def _normalise_phrase(phrase: str) -> str:
    return normalise(phrase).text


def _load_family(path: Path, macros: Macros, strict: bool = True) -> dict:
    where = Where(_display(path))
    data = load_yaml(path)
    where.only(data, {"family", "title", "scope", "rules", "note", "macros", "source"})
    family = where.need(data, "family", str)
    source = where.need(data, "source", str, optional=True, default="")
    scope = where.need(data, "scope", str, optional=True, default="global")
    if scope not in ("global", "scenario"):
        raise where.error(f"scope must be 'global' or 'scenario', got {scope!r}")
    local = _macros(where, data.get("macros"), macros, strict)
    raw_rules = where.need(data, "rules", list)
    rules = [_rule_spec(where, r, family, "forbid", local, strict, source) for r in raw_rules]
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
        if path.name in ("scenarios.yaml", "calls.yaml") or path.name.startswith("_"):  # calls: callrules.py
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
        w.only(raw, {"key", "title", "situation", "families", "requires", "forbids", "note",
                     "order", "suggestion", "source", "signature", "conflicts"})
        source = w.need(raw, "source", str, optional=True, default="")
        extra = list(w.strings(raw, "families", optional=True))
        for fam in extra:
            if fam not in names:
                raise w.error(f"unknown rule family {fam!r}; known: {', '.join(names)}")
        requires = [_rule_spec(w, r, key, "require", smacros, strict, source)
                    for r in w.need(raw, "requires", list)]
        forbids = [_rule_spec(w, r, key, "forbid", smacros, strict, source)
                   for r in w.need(raw, "forbids", list, optional=True, default=[])]
        orders = [_order_spec(w, r, key, requires, smacros, strict, source)
                  for r in w.need(raw, "order", list, optional=True, default=[])]
        signature = [_expand(w, p, smacros) for p in w.strings(raw, "signature", optional=True)]
        if strict and signature:
            _compile(w, signature, "signature pattern")
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
            "families": extra, "requires": requires, "forbids": forbids, "orders": orders,
            "suggestion": w.need(raw, "suggestion", str, optional=True, default="").strip(),
            "source": source, "signature": signature,
            "conflicts": list(w.strings(raw, "conflicts", optional=True)),
        })
    keys = {s["key"]: s for s in scenarios}
    for s in scenarios:
        for other in s["conflicts"]:
            if other not in keys or not keys[other]["signature"]:
                raise where.at(s["key"]).error(f"conflicts: {other!r} is not a scenario with a signature")
    for s in scenarios:  # worked out here, so that the load cache keeps them
        s["signature_scanners"] = _scanner_specs(s["signature"]) if s["signature"] else []
        others = [p for o in scenarios if o["key"] != s["key"] for p in o["signature"]]
        s["others_scanners"] = _scanner_specs(others) if others else []
    ids = [r["id"] for f in families for r in f["rules"]]
    ids += [r["id"] for s in scenarios for r in s["requires"] + s["forbids"] + s["orders"]]
    seen: set[str] = set()
    dupes = sorted({i for i in ids if i in seen or seen.add(i)})
    if dupes:
        raise SchemaError(f"{_display(directory)}: rule ids used twice: {', '.join(dupes)}")
    return {"families": families, "scenarios": scenarios}


def _build_pack(spec: dict) -> Pack:
    families = {f["family"]: tuple(_build_rule(r) for r in f["rules"]) for f in spec["families"]}
    global_families = tuple(f["family"] for f in spec["families"] if f["scope"] == "global")
    scenarios: dict[str, Scenario] = {}
    # each scenario's signature scanners, built once and shared by every other scenario
    signatures = {s["key"]: _built_scanners(s["key"], s["signature_scanners"])
                  for s in spec["scenarios"] if s["signature"]}
    for s in spec["scenarios"]:
        requires = tuple(_build_rule(r) for r in s["requires"])
        forbids = tuple(_build_rule(r) for r in s["forbids"])
        active_families = list(global_families) + [f for f in s["families"] if f not in global_families]
        active = tuple(r for f in active_families for r in families[f]) + forbids
        others = [o for o in spec["scenarios"] if o["key"] != s["key"] and o["signature"]]
        foreign = tuple((o["title"], signatures[o["key"]]) for o in others)
        conflict = [p for o in spec["scenarios"] if o["key"] in s["conflicts"] for p in o["signature"]]
        scenarios[s["key"]] = Scenario(
            key=s["key"], title=s["title"], situation=s["situation"],
            families=tuple(s["families"]), requires=requires, forbids=forbids, active=active,
            orders=tuple(_build_order(o) for o in s["orders"]),
            suggestion=s["suggestion"], source=s["source"], signature=tuple(s["signature"]),
            foreign=foreign,
            any_foreign=_built_scanners(s["key"] + " (others)", s["others_scanners"]),
            conflict=_Lazy(_combine(conflict), "scenarios.yaml: conflicts") if conflict else None,
        )
    free = Scenario(key=FREE, title="自由应答", situation="通话中的一般应答（只检查称呼、禁语、口头语等通用规则）",
                    families=(), requires=(), forbids=(),
                    active=tuple(r for f in global_families for r in families[f]))
    return Pack(families, global_families, scenarios, free)


def _built_scanners(key: str, specs: list) -> tuple:
    where = f"scenarios.yaml: {key} signature"
    return tuple((frozenset(first) if first is not None else None, _Lazy(pattern, where))
                 for first, pattern in specs)


def _first_match(scanners: tuple, text: str, chars: set[str] | None):
    """The earliest match of any scanner (first-character pre-check as in Rule.may_match)."""
    best = None
    for first, scanner in scanners:
        if chars is not None and first is not None and first.isdisjoint(chars):
            continue
        m = scanner.search(text)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    return best


_PACK: Pack | None = None


def _pack() -> Pack:
    global _PACK
    if _PACK is None:
        _PACK = _build_pack(_cached_spec(RULES_DIR))
    return _PACK


def _cache_file(directory: Path) -> Path:
    import os
    import zlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kefu-autograder"
    tag = zlib.crc32(f"{directory}\0{Path.cwd()}".encode())  # messages name files relative to cwd
    return base / f"pack-{tag:08x}.marshal"


def _stamp(directory: Path) -> tuple:
    """What the cached pack depends on: the rule files and the code that reads them."""
    import sys

    here = Path(__file__).parent
    files = sorted(directory.glob("*.yaml")) + [here / n for n in ("engine.py", "text.py", "typos.py", "schema.py")]
    out = [sys.version, str(directory), str(Path.cwd())]
    for f in files:
        st = f.stat()
        out.append((f.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _cached_spec(directory: Path) -> dict:
    """``pack_spec(directory, strict=False)``, kept on disk between processes
    (reading the YAML and working out the scanners costs ~150 ms; the cache
    ~2 ms).  The cache is keyed by the files' sizes and times and rebuilt
    whenever one changes; any problem with it falls back to loading.

    The cache also keeps every pattern's compiled regex program (see
    ``_regex_code``): compiling the large tone and taboo patterns costs
    tens of milliseconds each, more than a first check may take."""
    import marshal
    import os

    try:
        path = _cache_file(directory)
        stamp = _stamp(directory)
    except OSError:
        return pack_spec(directory, strict=False)
    try:
        kept = marshal.loads(path.read_bytes())
        if kept[0] == stamp:
            if isinstance(kept[2], dict):
                _CODES.update(kept[2])
            return kept[1]
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        pass
    spec = pack_spec(directory, strict=False)
    try:
        codes = _pack_codes(_build_pack(spec))
    except Exception:  # the codes only save time: never let them stop a check
        codes = {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((stamp, spec, codes)))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
    return spec


def scenarios() -> list[Scenario]:
    """The scenario catalogue, in file order."""
    return list(_pack().scenarios.values())


def get_scenario(key: str) -> Scenario:
    """The scenario named ``key`` (``"free"``: the global rules only).

    Raises :class:`UnknownScenario` (a KeyError listing the valid keys) for any
    other key."""
    pack = _pack()
    if key == FREE:
        return pack.free
    try:
        return pack.scenarios[key]
    except (KeyError, TypeError):
        raise UnknownScenario(str(key), list(pack.scenarios)) from None


def rules() -> list[Rule]:
    """Every rule in the pack (families and scenarios)."""
    return _pack().all_rules()


# --------------------------------------------------------------------------- checking

_LEVEL_KIND = {"error": "forbidden", "warning": "warning"}


def _fill(message: str, quoted: str, count: int = 0, maximum: int = 0, suggestion: str = "") -> str:
    # {count}/{max}/{suggestion} first and the student's text last, so braces
    # the student typed are never taken for placeholders
    if "{count}" in message or "{max}" in message:
        message = message.replace("{count}", str(count)).replace("{max}", str(maximum))
    if "{suggestion}" in message:
        message = message.replace("{suggestion}", suggestion)
    return message.replace("{match}", quoted)


def check(text: str, scenario: str, *, original: str | None = None,
          max_length: int | None = MAX_ANSWER_CHARS) -> Result:
    """Check a rewritten utterance against a scenario.

    ``original`` is the bad utterance the student was asked to rewrite; an
    answer that normalises to the same text fails.  An answer longer than
    ``max_length`` characters fails at once, before any rule runs (None: no
    cap; the engine itself is linear in the length).
    """
    if not isinstance(text, str):
        raise TypeError(f"check() needs the answer as str, got {type(text).__name__}")
    if original is not None and not isinstance(original, str):
        raise TypeError(f"original must be str or None, got {type(original).__name__}")
    sc = get_scenario(scenario)
    if max_length is not None and len(text) > max_length:
        return Result(False, 0.0, [Finding(
            "answer.over_limit", "forbidden",
            f"答案有{len(text)}个字符，超过了{max_length}个字符的上限，没有检查：改写题只要写一段在这个情境下"
            f"对客户说的话（一般几十个字），请删减后再提交。", None, sc.suggestion, "")], sc.key)
    return check_normalised(normalise(text), sc, original=original)


def check_normalised(norm: Normalised, sc: Scenario, *, original: str | None = None) -> Result:
    """``check`` on an already normalised answer (no length cap)."""
    if not norm.text:
        return Result(False, 0.0, [Finding("answer.empty", "forbidden",
                                           "答案是空的：请写出你改写后的完整说法。", None, sc.suggestion)], sc.key)
    if not has_chinese(norm.text):
        return Result(False, 0.0, [Finding(
            "answer.not_chinese", "forbidden",
            f"「{_short(norm.original)}」里没有中文：请用中文写出完整的服务用语。", (0, len(norm.original)),
            sc.suggestion)], sc.key)

    text = norm.text
    chars = set(text) if norm.chars is None else norm.chars
    return _check_with(norm, sc, original, chars, _pairs(text) if len(text) <= _CHARSET_LIMIT else None)


def _check_with(norm: Normalised, sc: Scenario, original: str | None, chars: set[str],
                grams: set[str] | None, index: "_Index | None" = None,
                lives: tuple[int, int] | None = None) -> Result:
    """``check_normalised`` on a non-empty Chinese answer whose characters
    (``chars``) and, when it is of usual length, pairs of adjacent
    characters (``grams``) the caller has worked out (a call reuses them).
    ``index``: the scenario's index or one that extends it (``extra`` rules),
    ``lives`` its ``live_both`` for this answer, if known."""
    findings: list[Finding] = []
    error = False
    if original is not None and normalise(original).text == norm.text:
        error = True
        findings.append(Finding("answer.unchanged", "forbidden",
                                "答案和原句一样：请按要求改写，不要照抄原句。", None, sc.suggestion))
    # the characters present decide which rules can match at all, and (for
    # an answer of usual length) the pairs of adjacent characters too
    text = norm.text
    turn = _turn_findings(norm, sc, chars)
    error |= bool(turn)
    findings += turn

    # which scanners can match at all, looked up by the characters and pairs present
    if index is None:
        index = sc.lookup[0] if sc.lookup else _scenario_index(sc)
    comma = "," in text
    joined = False  # the comma-free view, built when a rule first needs it
    active, suggestions = index.active, index.suggestions
    if grams is not None:
        # the live scanners, and those that may match the comma-free view (a superset)
        live, live_joined = lives if lives is not None else index.live_both(chars, grams, text)
        # the rules that may match, in the scenario's order: those with a live
        # scanner, and those that cross commas with one live once they are dropped
        visit = (live & index.active_mask) | (live_joined & index.across_mask)
        order = []
        rule_at, rule_bits = index.rule_at, index.rule_bits
        while visit:
            position = rule_at[(visit & -visit).bit_length() - 1]
            order.append(position)
            visit &= ~rule_bits[position]
    else:  # a long answer: each rule's own pre-check decides
        live = live_joined = None
        order = range(len(active))
    for position in order:
        rule, bits, scanners = active[position]
        spans = None
        if live is not None and not (live & bits and _scan(scanners, live, text)):
            if not (comma and rule.across_commas):
                continue  # nothing this rule could match
            spans = []  # nothing in the answer as typed; maybe once the commas are dropped
        if rule.kind == "count":
            if spans is not None:
                continue
            hits = rule.hits(norm, chars=chars, grams=grams, checked=live is not None)
            if len(hits) <= rule.maximum:
                continue
            suggestion = suggestions[position]
            m = hits[rule.maximum]  # the first occurrence over the limit
            error |= rule.level == "error"
            a, b = norm.span(m.start(), m.end())
            findings.append(Finding(rule.id, _LEVEL_KIND[rule.level],
                                    _fill(rule.message, norm.original[a:b], len(hits), rule.maximum, suggestion),
                                    (a, b), suggestion, rule.source))
            continue
        if spans is None:
            spans = [m.span() for m in rule.hits(norm, MAX_HITS_PER_RULE, chars=chars, grams=grams,
                                                 checked=live is not None)]
        if rule.across_commas and comma and len(spans) < MAX_HITS_PER_RULE:
            if live is None:
                if joined is False:
                    joined = _joined_view(norm)
                spans += _joined_hits(rule, norm, MAX_HITS_PER_RULE - len(spans), joined, chars)
            elif live_joined & bits:
                if joined is False:
                    joined = _joined_view(norm, pairs=False)
                spans += _joined_hits(rule, norm, MAX_HITS_PER_RULE - len(spans), joined, chars,
                                      live=live_joined, scanners=scanners)
        if not spans:
            continue
        suggestion = suggestions[position]
        error |= rule.level == "error"
        kind = _LEVEL_KIND[rule.level]
        for s, e in spans:
            findings.append(Finding(rule.id, kind, _fill(rule.message, _phrase(norm, s, e), suggestion=suggestion),
                                    norm.span(s, e), suggestion, rule.source))

    met = 0
    missing: list[Finding] = []
    first_hit: dict[str, int] = {}
    for req, bits, scanners in index.requires:
        if live is None:
            hit = req.hits(norm, 1, chars=chars, grams=grams)
        elif live & bits and _scan(scanners, live, text):
            hit = req.hits(norm, 1, checked=True)
        else:
            hit = []
        if hit:
            met += 1
            first_hit[req.id] = hit[0].span()
            continue
        slip = None if error else _slip(req, norm, chars, grams)  # a slip cannot save an answer that fails anyway
        if slip is not None:
            met += 1
            (s, e), typed, intended = slip
            first_hit[req.id] = (s, e)
            findings.append(Finding(
                "answer.typo", "warning",
                f"疑似错别字：“{typed}”应为“{intended}”。这次按“{intended}”理解，请改正。",
                norm.span(s, e), intended, "homophone table (autograder/rules/_homophones.yaml)"))
        else:
            missing.append(Finding(req.id, "missing", req.message, None, req.suggestion_for(sc.key), req.source))
    for order in sc.orders:
        f = _order_finding(order, norm, first_hit)
        if f is not None:
            error |= order.level == "error"
            findings.append(f)

    # what was said wrong, in the order it was said, each stretch once; then what is missing
    if len(findings) > 1:
        findings = _dedupe(findings)
    findings.sort(key=lambda f: -1 if f.span is None else f.span[0])
    findings += missing
    total = len(sc.requires)
    score = 0.0 if error else round(met / total, 4) if total else 1.0
    passed = not error and met == total
    return Result(passed, score, findings, sc.key)


def _scan(scanners: tuple, live: int, text: str) -> bool:
    """Does one of a rule's scanners that the index left live find a match?"""
    for bit, scanner in scanners:
        if live & bit and (scanner._rx or scanner.compiled()).search(text) is not None:
            return True
    return False


class _Index:
    """A scenario's pre-check, built on its first check: which scanners can
    match an answer, as one bit each of an int, found by looking up the
    answer's characters and pairs of adjacent characters.

    A scanner is live when one of its first characters is present (or it has
    none known) and its gate is open (or it has none): the same two tests as
    ``Rule.may_match`` with the pairs known, done for all rules at once.

    Bits are given out in rule order, so walking the set bits of the live
    mask from the lowest visits the rules that may match in the scenario's
    order (``rule_at``: the active rule each bit belongs to), and no other.
    """

    __slots__ = ("first_keys", "gate_keys", "first_free", "gate_free", "rule_bits", "scanners", "rule_ids",
                 "active", "requires", "rule_at", "active_mask", "across_mask", "suggestions", "by_id")

    def __init__(self, active: tuple[Rule, ...], requires: tuple[Rule, ...], scenario: "Scenario | None" = None,
                 extra: tuple[Rule, ...] = ()):
        # ``extra``: further rules looked up with the same characters and pairs
        # (a call's own rules, for a call turn); their bits come after the others
        rules = active + requires + tuple(extra)
        first_keys: dict[str, int] = {}
        gate_keys: dict[str, int] = {}
        first_free = gate_free = 0
        rule_bits: list[int] = []
        scanners: list[tuple] = []
        rule_at: list[int] = []
        n = 0
        for position, rule in enumerate(rules):
            mine = []
            for (first, scanner), gate in zip(rule.scanners, rule.gates):
                bit = 1 << n
                n += 1
                rule_at.append(position)
                mine.append((bit, scanner))
                if first is None:
                    first_free |= bit
                else:
                    for ch in first:
                        first_keys[ch] = first_keys.get(ch, 0) | bit
                if gate is None:
                    gate_free |= bit
                else:
                    for key in gate[0] | gate[1]:
                        gate_keys[key] = gate_keys.get(key, 0) | bit
            rule_bits.append(sum(bit for bit, _ in mine))
            scanners.append(tuple(mine))
        self.first_keys, self.gate_keys = first_keys, gate_keys
        self.first_free, self.gate_free = first_free, gate_free
        self.rule_bits, self.scanners = tuple(rule_bits), tuple(scanners)
        self.rule_ids = tuple(r.id for r in rules)
        self.rule_at = tuple(rule_at)
        self.active_mask = sum(rule_bits[:len(active)])
        self.across_mask = sum(b for r, b in zip(active, rule_bits) if r.across_commas)
        # (rule, its scanners' bits, its scanners as (bit, scanner)), in the scenario's order
        entries = tuple(zip(rules, self.rule_bits, self.scanners))
        self.active, self.requires = entries[:len(active)], entries[len(active):len(active) + len(requires)]
        self.by_id: dict[str, tuple] = {}  # rule id: (its scanners' bits, its scanners)
        for rule, bits, mine in entries:
            self.by_id.setdefault(rule.id, (bits, mine))
        # each rule's wording for this scenario (worked out once, not per finding)
        key = scenario.key if scenario is not None else ""
        fallback = scenario.suggestion if scenario is not None else ""
        self.suggestions = tuple(r.suggestion_for(key) or fallback for r in rules)

    def live(self, chars: set[str], grams: set[str]) -> int:
        return self.live_both(chars, grams)[0]

    def live_both(self, chars: set[str], grams: set[str], text: str = "") -> tuple[int, int]:
        """``live`` and the scanners that may match once the commas are
        dropped: ``live`` plus those made live by the pairs that then appear
        (the character before a run of commas and the one after; a newly live
        gate still needs its first character present).  The second is
        ``live`` when ``text`` has no comma or no rule crosses commas."""
        keys = self.first_keys
        first = reduce(or_, map(keys.__getitem__, keys.keys() & chars), self.first_free)
        keys = self.gate_keys
        gate = reduce(or_, map(keys.__getitem__, keys.keys() & chars), self.gate_free)
        gate = reduce(or_, map(keys.__getitem__, keys.keys() & grams), gate)
        live = first & gate
        if not (self.across_mask and "," in text):
            return live, live
        across = reduce(or_, [keys.get(a + b, 0) for a, b in _ACROSS_COMMAS.findall(text)], 0)
        return live, live | (across & first)


_ACROSS_COMMAS = re.compile("([^,]),+(?=([^,]))")


def _scenario_index(sc: Scenario) -> _Index:
    index = _Index(sc.active, sc.requires, sc)
    sc.lookup.append(index)
    return index


def _candidates(sc: Scenario, chars: set[str], grams: set[str]) -> set[str]:
    """Ids of the scenario's rules that may match an answer with these
    characters and pairs of adjacent characters (a superset: each rule
    left out has no scanner that could match, see Rule.may_match)."""
    index = sc.lookup[0] if sc.lookup else _scenario_index(sc)
    live = index.live(chars, grams)
    return {rid for rid, bits in zip(index.rule_ids, index.rule_bits) if live & bits}


_KIND_RANK = {"forbidden": 0, "warning": 1, "missing": 2}


def _rank(f: Finding) -> tuple[int, int]:
    return _KIND_RANK[f.kind], f.rule.startswith("tone.")


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the more serious one wins, and a
    specific rule wins over the general tone markers."""
    best: dict[tuple[int, int], Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if f.span is None:
            out.append(f)
            continue
        kept = best.get(f.span)
        if kept is None or _rank(f) < _rank(kept):
            best[f.span] = f
    chosen = set(map(id, best.values()))
    return out + [f for f in findings if f.span is not None and id(f) in chosen]


_CLAUSE_MARKS = ",.!?;:~"
_PHRASE_LIMIT = 12
# (both see at most _PHRASE_LIMIT characters: bounded by the search window)
_MARK = re.compile("[" + re.escape(_CLAUSE_MARKS) + "]")
_LAST_MARK = re.compile("(?s:.*)[" + re.escape(_CLAUSE_MARKS) + "]")


def _phrase(norm: Normalised, start: int, end: int) -> str:
    """The student's words to quote: the whole clause around a match when it
    is short (a phrase is never cut in the middle), else the match itself."""
    text = norm.text
    lo_from = max(0, start - _PHRASE_LIMIT)
    last = _LAST_MARK.match(text, lo_from, start)  # the last clause mark before the match
    lo = last.end() if last is not None else (0 if lo_from == 0 else start)
    after = _MARK.search(text, end, end + _PHRASE_LIMIT)  # the first one after it
    hi = after.start() if after is not None else (len(text) if len(text) - end <= _PHRASE_LIMIT else end)
    if hi - lo > _PHRASE_LIMIT:
        lo, hi = start, end
    return norm.quote(lo, hi).strip()


def _turn_findings(norm: Normalised, sc: Scenario, chars: set[str] | None) -> list[Finding]:
    """An answer must be one spoken turn for its own situation."""
    out = []
    n = len(norm.text)
    if n > TURN_LIMIT:
        out.append(Finding(
            "answer.too_long", "forbidden",
            f"这段回答有{n}个字，远远超过一次说话的长度（不超过{TURN_LIMIT}字）：改写题要写的是在这个情境下"
            f"对客户说的一段话，不是把各种说法都堆在一起，请只保留这个情境需要的内容。",
            None, sc.suggestion))
    hit = sc.conflict.search(norm.text) if sc.conflict is not None else None
    if hit is not None and not norm.is_unsaid(*hit.span()):
        out.append(Finding(
            "answer.wrong_scenario", "forbidden",
            f"“{_phrase(norm, *hit.span())}”是另一个情境的说法，放在这里不对：这道题的情境是“{sc.title}”"
            f"（{sc.situation}），请按这个情境来回答，例如“{sc.suggestion}”。",
            norm.span(*hit.span()), sc.suggestion, sc.source))
    if sc.foreign and any((chars is None or first is None or not first.isdisjoint(chars))
                          and scanner.search(norm.text) for first, scanner in sc.any_foreign):
        seen: dict[str, tuple[int, int]] = {}
        for title, scanners in sc.foreign:
            m = _first_match(scanners, norm.text, chars)
            if m is not None and not norm.is_unsaid(*m.span()):
                seen[title] = m.span()
        if len(seen) >= FOREIGN_LIMIT:
            names = "、".join(f"“{t}”" for t in seen)
            s, e = min(seen.values())
            out.append(Finding(
                "answer.other_scenarios", "forbidden",
                f"这段话里混进了别的情境的说法（{names}），例如“{norm.quote(s, e)}”：改写题要的是"
                f"“{sc.title}”这一个情境下对客户说的话，请删掉与本情境无关的内容。",
                norm.span(s, e), sc.suggestion))
    return out


def _order_finding(order: Order, norm: Normalised,
                   first_hit: dict[str, tuple[int, int]]) -> Finding | None:
    if order.first not in first_hit:
        return None
    first = first_hit[order.first][0]
    if order.then:
        span = first_hit.get(order.then)
        if span is None or span[0] >= first:
            return None
    else:
        m = order.later.search(norm.text, 0, first) if first > 0 else None
        if m is None:
            return None
        span = m.span()
    quoted = _phrase(norm, *span)
    return Finding(order.id, _LEVEL_KIND[order.level], _fill(order.message, quoted, suggestion=order.suggestion),
                   norm.span(*span), order.suggestion, order.source)


# typing slips of required phrases (久等 typed 就等): built on first need
_SLIPS: dict[str, object] = {}


def _slip(req: Rule, norm: Normalised, chars: set[str], grams: set[str] | None):
    """((start, end), typed, intended) for a typing slip that, put right,
    meets the requirement; or None."""
    entry = _SLIPS.get(req.id)
    if entry is None:
        from .typos import homophones, lenient
        widened = lenient(req.regex.pattern, homophones())
        gate = _gate(widened) if widened else None
        entry = _SLIPS[req.id] = (re.compile(widened), gate and (frozenset(gate[0]), frozenset(gate[1]))) \
            if widened else False
    if entry is False:
        return None
    loose, gate = entry
    if gate is not None:
        if not _gate_open(gate, norm.text, chars, grams):
            return None
    from .typos import find_slip, homophones
    found = find_slip(norm.text, loose, req.regex.compiled(), homophones())
    if found is None or norm.is_unsaid(*found[0]):
        return None
    return found


def _short(text: str, limit: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"
