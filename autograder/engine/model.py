"""The rule model: findings, results, rules, orders, scenarios, the pack.

A ``Rule`` finds its own matches (``hits``), with the first-character and
pair pre-check of ``prefilter`` in front (``may_match``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from .lazyregex import _Lazy
from .prefilter import _CHARSET_LIMIT, _gate_open, _pairs, _scan, _split_by_first, _split_search
from .text import Normalised, normalise

RULES_DIR = Path(__file__).with_name("rules")
KINDS = ("forbid", "require", "count", "tone")
LEVELS = ("error", "warning")
MAX_HITS_PER_RULE = 5  # report at most this many occurrences of one rule
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
    # per scanner, its top-level alternatives as (first characters or None,
    # ((pairs, singles), ...): needle sets every match contains one of each)
    # (``needles._piece_gates``, as loaded); None for a scanner without them,
    # () when the rule has none
    pieces: tuple = field(default=(), repr=False)

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
