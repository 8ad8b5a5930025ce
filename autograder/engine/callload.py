"""Loading and checking ``rules/calls.yaml`` into the call rules' model:
every error names the file and the rule, element or cue it is about."""
from __future__ import annotations

import re
from pathlib import Path

from .callmodel import (
    _RULE_FIELDS,
    ANY,
    ANY_TURN,
    CALLS_FILE,
    DIRECTIONS,
    KINDS,
    TIMES_PROBE,
    WHYS,
    CallData,
    CallRule,
    Element,
    Probe,
)
from .engine import RULES_DIR, _expand, _gate, _Index, _Lazy, _load_macros, _scanner_specs, get_scenario
from .engine import rules as engine_rules
from .schema import Where, load_yaml

_PARAMS = ("need", "turn", "first", "then", "within", "if_absent", "after", "cue", "element", "max", "also", "topics",
           "claims", "once", "confirm", "size")


def _regex(where: Where, patterns: list[str], macros: dict) -> re.Pattern | None:
    if not patterns:
        return None
    expanded = [_expand(where, p, macros) for p in patterns]
    combined = "|".join(f"(?:{p})" for p in expanded)
    try:
        return re.compile(combined)
    except re.error as exc:
        raise where.error(f"patterns do not compile: {exc}") from None


def _firsts(rules: list, regex: re.Pattern | None) -> frozenset[str] | None:
    out: set[str] = set()
    for r in rules:
        if r.firsts is None:
            return None
        out |= r.firsts
    if regex is not None:
        for first, _ in _scanner_specs([regex.pattern]):
            if first is None:
                return None
            out |= set(first)
    return frozenset(out)


def load_call_rules(path: Path = CALLS_FILE) -> CallData:
    """Load and check ``calls.yaml``; errors name the file and the rule id."""
    where = Where(path.name if path.parent == RULES_DIR else str(path))
    raw = load_yaml(path)
    where.only(raw, {"elements", "cues", "times", "rules", "note", "macros"})
    macros = _load_macros(RULES_DIR, strict=False)
    for name, value in (raw.get("macros") or {}).items():
        macros[name] = _expand(where.at(f"macro {name}"), value, macros)
    elements = _load_elements(where, raw, macros)
    cues = {}
    for name, spec in where.need(raw, "cues", dict).items():
        w = where.at(f"cue {name}")
        cues[name] = _regex(w, list(w.strings(spec, "patterns")), macros)
    times = _regex(where.at("times"), list(where.strings(raw, "times")), macros)
    rules: list[CallRule] = []
    conds: dict[str, dict] = {}  # equal conditions are one object (Call memoises them by id)
    for spec in where.need(raw, "rules", list):
        rules.append(_load_rule(where, spec, rules, elements, cues, macros, conds))
    return _indexed(elements, cues, rules, times)


def _load_elements(where: Where, raw: dict, macros: dict) -> dict[str, Element]:
    pack_rules = {r.id: r for r in engine_rules()}
    elements: dict[str, Element] = {}
    for name, spec in where.need(raw, "elements", dict).items():
        w = where.at(f"element {name}")
        w.only(spec, {"rules", "phases", "patterns", "unless", "note"})
        reqs = []
        for rid in w.strings(spec, "rules", optional=True):
            if rid not in pack_rules:
                raise w.error(f"unknown rule {rid!r} (not in the rule pack)")
            reqs.append(pack_rules[rid])
        phases = frozenset(w.strings(spec, "phases", optional=True))
        for p in phases:
            if p != "free":
                get_scenario(p)
        regex = _regex(w, list(w.strings(spec, "patterns", optional=True)), macros)
        unless = _regex(w, list(w.strings(spec, "unless", optional=True)), macros)
        if not reqs and not phases and regex is None:
            raise w.error("an element needs rules, phases or patterns")
        elements[name] = Element(name, tuple(reqs), phases, regex, unless, _firsts(reqs, regex), len(elements),
                                 f"call:element:{name}" if regex is not None else "")
    return elements


def _load_rule(where: Where, spec, rules: list[CallRule], elements: dict, cues: dict, macros: dict,
               conds: dict[str, dict]) -> CallRule:
    rid = where.need(spec, "id", str)
    w = where.at(rid)
    w.only(spec, _RULE_FIELDS)
    if any(r.id == rid for r in rules):
        raise w.error("rule id used twice")
    kind = _one_of(w, spec, "kind", KINDS, f"kind must be one of {', '.join(KINDS)}, got {{!r}}")
    level = _one_of(w, spec, "level", ("error", "warning"), "level must be error or warning, got {!r}")
    why = _one_of(w, spec, "why", WHYS, f"why must be one of {', '.join(WHYS)}, got {{!r}}")
    direction = w.need(spec, "direction", str, optional=True, default="any")
    if direction not in DIRECTIONS:
        raise w.error(f"direction must be one of {', '.join(DIRECTIONS)}")
    params = {k: spec[k] for k in _PARAMS if k in spec}
    _check_params(w, kind, params, elements, cues, macros)
    for cond_name in ("when", "unless"):
        _check_condition(w, cond_name, spec.get(cond_name) or {}, elements, cues)
    examples = w.need(spec, "examples", dict)
    w.only(examples, {"bad", "good"})
    if not examples.get("bad") or not examples.get("good"):
        raise w.error("a call rule needs at least one bad and one good example call")
    return CallRule(
        id=rid, kind=kind, level=level, why=why, direction=direction,
        message=w.need(spec, "message", str).strip(),
        suggestion=w.need(spec, "suggestion", str, optional=True, default="").strip(),
        source=w.need(spec, "source", str),
        when=_shared(conds, spec.get("when")), unless=_shared(conds, spec.get("unless")),
        params=params, examples=examples)


def _one_of(w: Where, spec, key: str, allowed: tuple, error: str) -> str:
    value = w.need(spec, key, str)
    if value not in allowed:
        raise w.error(error.format(value))
    return value


def _check_condition(w: Where, cond_name: str, cond: dict, elements: dict, cues: dict) -> None:
    w.only(cond, {"phases", "customer", "agent"})
    for c in cond.get("customer", ()):
        if c not in cues:
            raise w.error(f"{cond_name}: unknown cue {c!r}")
    for e in cond.get("agent", ()):
        if e not in elements:
            raise w.error(f"{cond_name}: unknown element {e!r}")


def _indexed(elements: dict, cues: dict, rules: list[CallRule], times: re.Pattern) -> CallData:
    """The loaded rules with the one index of everything they search agent turns for."""
    used = {r.id: r for el in elements.values() for r in el.rules}
    for rule in rules:
        used.update((r.id, r) for r in rule.params.get("_also", ()))
    probes = _probes(elements, times, rules)
    index = _Index(tuple(used.values()) + probes, ())
    bits = {r.id: (b, scanners) for (r, b, scanners) in index.active}
    return CallData(elements, cues, tuple(rules), times, frozenset(r.id for r in rules), index, bits,
                    _masks(bits, elements, rules), tuple(used.values()), probes)


def _shared(seen: dict[str, dict], cond: dict | None) -> dict:
    cond = dict(cond or {})
    return seen.setdefault(repr(sorted(cond.items())), cond)


def _probe(pid: str, regex: re.Pattern) -> Probe:
    specs = _scanner_specs([regex.pattern])
    scanners = tuple((frozenset(first) if first is not None else None, _Lazy(pattern, pid))
                     for first, pattern in specs)
    gates = tuple(None if g is None else (frozenset(g[0]), frozenset(g[1])) for g in map(_gate, (p for _, p in specs)))
    return Probe(pid, regex, scanners, gates)


def _probes(elements: dict, times: re.Pattern, rules: list) -> tuple[Probe, ...]:
    """A probe for every regex the call rules run on the agent's turns."""
    out = [_probe(el.probe, el.regex) for el in elements.values() if el.regex is not None]
    out.append(_probe(TIMES_PROBE, times))
    for rule in rules:
        for claim, opposite, claim_id, opposite_id in rule.params.get("claims", ()) if rule.kind == "contradict" else ():
            out += [_probe(claim_id, claim), _probe(opposite_id, opposite)]
    return tuple(out)


def _masks(bits: dict, elements: dict, rules) -> dict:
    """The scanner bits in one index of each element (by slot: all of them, its
    rules', its regex's) and of each forbid rule's extra prohibitions."""
    masks: dict = {}
    for el in elements.values():
        ruled = sum({bits[r.id][0] for r in el.rules})
        probed = bits[el.probe][0] if el.regex is not None else 0
        masks[el.slot] = (ruled | probed, ruled, probed)
    masks[ANY] = tuple(masks[el.slot][0] for el in elements.values())
    for rule in rules:
        if rule.kind == "forbid":
            each = tuple(bits[r.id][0] for r in rule.params.get("_also", ()))
            masks["also", rule.id] = (sum(set(each)), each)
    return masks


_NEEDS = {"require": ("need",), "before": ("first", "then"), "follow": ("need",), "final": ("element",),
          "cue": ("cue", "after"), "echo": ("cue", "confirm"), "count": ("element", "max"), "forbid": (),
          "consistent": ("topics",), "contradict": ("claims",)}


def _check_params(w: Where, kind: str, p: dict, elements: dict, cues: dict, macros: dict) -> None:
    """Check a rule's kind-specific fields; some are compiled in place (regexes, prohibitions)."""
    for key in _NEEDS[kind]:
        if key not in p:
            raise w.error(f"a {kind} rule needs '{key}'")
    _CHECK[kind](w, p, elements, cues, macros)


def _element(w: Where, elements: dict, name, allow_turn: bool = False) -> None:
    if allow_turn and name == ANY_TURN:
        return
    if name not in elements:
        raise w.error(f"unknown element {name!r}; known: {', '.join(sorted(elements))}")


def _cue(w: Where, cues: dict, name) -> None:
    if name not in cues:
        raise w.error(f"unknown cue {name!r}")


def _check_require(w, p, elements, cues, macros):
    for name in p["need"]:
        _element(w, elements, name)
    if p.get("turn", "any") not in ("first", "last", "any"):
        raise w.error("turn must be first, last or any")


def _check_before(w, p, elements, cues, macros):
    _element(w, elements, p["first"])
    _element(w, elements, p["then"], allow_turn=True)
    if p.get("if_absent", "fire") not in ("fire", "skip"):
        raise w.error("if_absent must be fire or skip")


def _check_follow(w, p, elements, cues, macros):
    _element(w, elements, p["need"])
    if ("after" in p) == ("cue" in p):
        raise w.error("a follow rule needs either 'after' (an element) or 'cue' (a customer cue)")
    if "after" in p:
        _element(w, elements, p["after"])
    else:
        _cue(w, cues, p["cue"])


def _check_element(w, p, elements, cues, macros):  # final, count
    _element(w, elements, p["element"])


def _check_echo(w, p, elements, cues, macros):
    _element(w, elements, p["confirm"])
    _cue(w, cues, p["cue"])


def _check_cue(w, p, elements, cues, macros):
    _element(w, elements, p["after"])
    _cue(w, cues, p["cue"])


def _check_forbid(w, p, elements, cues, macros):
    known = {r.id: r for r in engine_rules() if r.kind in ("forbid", "count")}
    for rid in p.get("also", ()):
        if rid not in known:
            raise w.error(f"also: {rid!r} is not a prohibition of the rule pack")
    # the error-level prohibitions whose findings fail the call, and the extra ones
    p["_ids"] = frozenset(r.id for r in engine_rules() if r.kind in ("forbid", "count", "tone")
                          and r.level == "error")
    p["_also"] = tuple(known[rid] for rid in p.get("also", ()))


def _check_consistent(w, p, elements, cues, macros):
    topics = {}
    for name, pats in p["topics"].items():
        topics[name] = _regex(w.at(f"{w.item} topic {name}"), list(pats), macros)
    p["topics"] = topics


def _check_contradict(w, p, elements, cues, macros):
    pairs = []
    for i, pair in enumerate(p["claims"], 1):
        if not isinstance(pair, dict) or set(pair) != {"claim", "opposite"}:
            raise w.error(f"claims {i}: write {{claim: [...], opposite: [...]}}")
        pairs.append((_regex(w, list(pair["claim"]), macros), _regex(w, list(pair["opposite"]), macros),
                      f"call:{w.item}:claim{i}", f"call:{w.item}:opposite{i}"))
    p["claims"] = pairs


_CHECK = {"require": _check_require, "before": _check_before, "follow": _check_follow, "final": _check_element,
          "count": _check_element, "echo": _check_echo, "cue": _check_cue, "forbid": _check_forbid,
          "consistent": _check_consistent, "contradict": _check_contradict}
assert set(_CHECK) == set(KINDS) == set(_NEEDS)
