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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    regex: re.Pattern
    unless: re.Pattern | None
    examples: Examples
    name: str = ""  # short label of a requirement, e.g. 问候语
    maximum: int = 0  # for count rules
    family: str = ""

    def hits(self, norm: Normalised) -> list[re.Match]:
        """Non-excused matches of this rule in the normalised text."""
        if self.regex.search(norm.text) is None:  # fast path: most rules match nothing
            return []
        matches = list(self.regex.finditer(norm.text))
        if self.unless is None:
            return matches
        excused = [(e.start(), e.end()) for e in self.unless.finditer(norm.text)]
        if not excused:
            return matches
        return [m for m in matches
                if not any(a <= m.start() and m.end() <= b for a, b in excused)]

    def fires(self, text: str) -> bool:
        """Does this rule flag ``text`` on its own? (Used to run the examples.)"""
        norm = normalise(text)
        hits = self.hits(norm)
        if self.kind == "require":
            return not hits
        if self.kind == "count":
            return len(hits) > self.maximum
        return bool(hits)


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


def _compile(where: Where, alternatives: list[str]) -> re.Pattern:
    try:
        return re.compile("|".join(f"(?:{a})" for a in alternatives))
    except re.error as exc:
        for i, alt in enumerate(alternatives):
            try:
                re.compile(alt)
            except re.error as inner:
                raise where.error(f"pattern {i + 1} {alt!r} does not compile: {inner}") from exc
        raise where.error(f"patterns do not compile together: {exc}") from exc


def _rule(where: Where, raw: dict, family: str, default_kind: str) -> Rule:
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
    patterns = where.strings(raw, "patterns", optional=True)
    alternatives = [re.escape(_normalise_phrase(p)) for p in phrases] + patterns
    if not alternatives:
        raise where.error("needs 'phrases' or 'patterns'")
    unless = where.strings(raw, "unless", optional=True)
    message = where.need(raw, "message", str).strip()
    if kind == "forbid" and "{match}" not in message:
        raise where.error("a forbid rule's message must quote the text: put {match} in it")
    ex = where.need(raw, "examples", dict)
    where.only(ex, {"flag", "ok"})
    flag = tuple(where.strings(ex, "flag", optional=True))
    ok = tuple(where.strings(ex, "ok", optional=True))
    if not flag or not ok:
        raise where.error("needs examples: at least one under 'flag' and one under 'ok'")
    return Rule(
        id=rid, kind=kind, level=level, message=message,
        regex=_compile(where, alternatives),
        unless=_compile(where, unless) if unless else None,
        examples=Examples(flag, ok),
        name=where.need(raw, "name", str, optional=True, default=""),
        maximum=where.need(raw, "max", int, optional=True, default=0),
        family=family,
    )


def _normalise_phrase(phrase: str) -> str:
    return normalise(phrase).text


def _load_family(path: Path) -> tuple[str, str, tuple[Rule, ...]]:
    where = Where(_display(path))
    data = load_yaml(path)
    where.only(data, {"family", "title", "scope", "rules", "note"})
    family = where.need(data, "family", str)
    scope = where.need(data, "scope", str, optional=True, default="global")
    if scope not in ("global", "scenario"):
        raise where.error(f"scope must be 'global' or 'scenario', got {scope!r}")
    raw_rules = where.need(data, "rules", list)
    rules = tuple(_rule(where, r, family, "forbid") for r in raw_rules)
    for r in rules:
        if not r.id.startswith(family + "."):
            raise where.at(r.id).error(f"rule ids in this file must start with '{family}.'")
        if r.kind == "require":
            raise where.at(r.id).error("require rules belong to a scenario in scenarios.yaml")
    return family, scope, rules


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_pack(directory: Path = RULES_DIR) -> Pack:
    """Load and validate every rule file; raises SchemaError naming file and rule."""
    families: dict[str, tuple[Rule, ...]] = {}
    global_families: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "scenarios.yaml":
            continue
        family, scope, rules = _load_family(path)
        if family in families:
            raise Where(_display(path)).error(f"family {family!r} is defined twice")
        families[family] = rules
        if scope == "global":
            global_families.append(family)

    spath = directory / "scenarios.yaml"
    where = Where(_display(spath))
    data = load_yaml(spath)
    scenarios: dict[str, Scenario] = {}
    for raw in where.need(data, "scenarios", list):
        key = where.need(raw, "key", str)
        w = where.at(key)
        w.only(raw, {"key", "title", "situation", "families", "requires", "forbids", "note"})
        extra = tuple(w.strings(raw, "families", optional=True))
        for fam in extra:
            if fam not in families:
                raise w.error(f"unknown rule family {fam!r}; known: {', '.join(families)}")
        requires = tuple(_rule(w, r, key, "require") for r in w.need(raw, "requires", list))
        forbids = tuple(_rule(w, r, key, "forbid") for r in w.need(raw, "forbids", list, optional=True, default=[]))
        for r in requires + forbids:
            if not r.id.startswith(key + "."):
                raise where.at(r.id).error(f"rule ids of scenario {key!r} must start with '{key}.'")
        if any(r.kind != "require" for r in requires) or any(r.kind == "require" for r in forbids):
            raise w.error("'requires' holds require rules; 'forbids' holds forbid/count rules")
        if not requires:
            raise w.error("a scenario needs at least one requirement")
        active_families = [f for f in global_families] + [f for f in extra if f not in global_families]
        active = tuple(r for f in active_families for r in families[f]) + forbids
        if key in scenarios:
            raise w.error("scenario key defined twice")
        scenarios[key] = Scenario(
            key=key,
            title=w.need(raw, "title", str),
            situation=w.need(raw, "situation", str),
            families=extra, requires=requires, forbids=forbids, active=active,
        )
    ids = [r.id for r in Pack(families, tuple(global_families), scenarios).all_rules()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SchemaError(f"{_display(directory)}: rule ids used twice: {', '.join(dupes)}")
    return Pack(families, tuple(global_families), scenarios)


_PACK: Pack | None = None


def _pack() -> Pack:
    global _PACK
    if _PACK is None:
        _PACK = load_pack()
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
    return (message.replace("{match}", quoted)
            .replace("{count}", str(count)).replace("{max}", str(maximum)))


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

    for rule in sc.active:
        hits = rule.hits(norm)
        if not hits:
            continue
        if rule.kind == "count":
            if len(hits) <= rule.maximum:
                continue
            m = hits[rule.maximum]
            error |= rule.level == "error"
            findings.append(Finding(rule.id, _LEVEL_KIND[rule.level],
                                    _fill(rule.message, norm.quote(m.start(), m.end()), len(hits), rule.maximum),
                                    norm.span(m.start(), m.end())))
            continue
        error |= rule.level == "error"
        for m in hits[:MAX_HITS_PER_RULE]:
            findings.append(Finding(rule.id, _LEVEL_KIND[rule.level],
                                    _fill(rule.message, norm.quote(m.start(), m.end())),
                                    norm.span(m.start(), m.end())))

    met = 0
    for req in sc.requires:
        if req.hits(norm):
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
