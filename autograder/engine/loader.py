"""Reading and validating the YAML rule packs into specs (plain data the
load cache can keep); ``catalogue`` builds the rule objects from them."""

from __future__ import annotations

import re
from pathlib import Path

from .model import FRAME_GAP, KINDS, LEVELS, RULES_DIR
from .needles import _piece_gates
from .prefilter import _gate, _scanner_specs
from .schema import SchemaError, Where, load_yaml
from .text import normalise

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


def _rule_alternatives(where: Where, raw: dict, kind: str, macros: Macros) -> tuple[list[str], list[str], list[str]]:
    """A rule's regex alternatives from its phrases, patterns and frames: (the
    alternatives of its regex, those its scanners look for, the frames opening
    with the customer)."""
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
    return alternatives, scan_alternatives, led


def _examples(where: Where, raw: dict) -> tuple[list[str], list[str]]:
    """The utterances a rule or order must flag and those it must not."""
    ex = where.need(raw, "examples", dict)
    where.only(ex, {"flag", "ok"})
    flag = list(where.strings(ex, "flag", optional=True))
    ok = list(where.strings(ex, "ok", optional=True))
    if not flag or not ok:
        raise where.error("needs examples: at least one under 'flag' and one under 'ok'")
    return flag, ok


def _suggestions(where: Where, raw: dict, message: str) -> tuple[str, dict]:
    """A rule's default wording and its per-scenario wordings."""
    suggestion = where.need(raw, "suggestion", str, optional=True, default="").strip()
    suggestions = where.need(raw, "suggestions", dict, optional=True, default={})
    for key, text in suggestions.items():
        if not isinstance(key, str) or not isinstance(text, str) or not text.strip():
            raise where.error("'suggestions' maps a scenario key to a wording")
    if "{suggestion}" in message and not suggestion:
        raise where.error("the message uses {suggestion}: give a default 'suggestion'")
    return suggestion, suggestions


def _compile_rule(where: Where, alternatives: list[str], unless: list[str], actor: list[str]) -> None:
    regex = _compile(where, alternatives)
    if regex.fullmatch(""):
        raise where.error("a pattern matches the empty string: every pattern must need at least one character")
    if unless:
        _compile(where, unless, "unless pattern")
    if actor:
        _compile(where, actor, "actor pattern")


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
    alternatives, scan_alternatives, led = _rule_alternatives(where, raw, kind, macros)
    unless = [_expand(where, p, macros) for p in where.strings(raw, "unless", optional=True)]
    message = where.need(raw, "message", str).strip()
    if kind in ("forbid", "tone") and "{match}" not in message:
        raise where.error("a forbid rule's message must quote the text: put {match} in it")
    flag, ok = _examples(where, raw)
    maximum = where.need(raw, "max", int, optional=True, default=0)
    if maximum < 0:
        raise where.error(f"max must be 0 or more, got {maximum}")
    suggestion, suggestions = _suggestions(where, raw, message)
    actor = [_expand(where, p, macros) for p in where.strings(raw, "actor", optional=True)]
    if actor and kind != "require":
        raise where.error("'actor' belongs to require rules")
    in_quotes = where.need(raw, "in_quotes", bool, optional=True, default=False)
    across_commas = where.need(raw, "across_commas", bool, optional=True, default=False)
    if strict:  # compile now, so that a bad regex is reported with its file and rule id
        _compile_rule(where, alternatives, unless, actor)
    return {
        "where": f"{where.path}: {rid}",
        "id": rid, "kind": kind, "level": level, "message": message,
        "alternatives": alternatives, "unless": unless, "flag": flag, "ok": ok,
        "name": where.need(raw, "name", str, optional=True, default=""),
        "max": maximum, "family": family,
        "scanners": (scanners := _scanner_specs(scan_alternatives)),
        "gates": [_gate(pattern) for _, pattern in scanners],
        "pieces": [_piece_gates(pattern) for _, pattern in scanners],
        "lead": _expand(where, "{you}", macros) if led else "",
        "suggestion": suggestion or (ok[0] if kind == "require" else ""),
        "suggestions": sorted((k, v.strip()) for k, v in suggestions.items()),
        "source": where.need(raw, "source", str, optional=True, default=source),
        "in_quotes": in_quotes, "actor": actor, "across_commas": across_commas,
    }



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
    flag, ok = _examples(where, raw)
    return {"where": f"{where.path}: {oid}", "id": oid, "first": first, "then": then, "later": later,
            "level": level, "message": message, "flag": flag, "ok": ok,
            "suggestion": where.need(raw, "suggestion", str, optional=True, default="").strip(),
            "source": where.need(raw, "source", str, optional=True, default=source)}



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



def _scenario_spec(where: Where, raw: dict, names: list[str], smacros: Macros, strict: bool,
                   earlier: list[dict]) -> dict:
    """Validate one scenario of ``scenarios.yaml`` (``earlier``: the ones before it)."""
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
    if any(s["key"] == key for s in earlier):
        raise w.error("scenario key defined twice")
    return {
        "key": key, "title": w.need(raw, "title", str), "situation": w.need(raw, "situation", str),
        "families": extra, "requires": requires, "forbids": forbids, "orders": orders,
        "suggestion": w.need(raw, "suggestion", str, optional=True, default="").strip(),
        "source": source, "signature": signature,
        "conflicts": list(w.strings(raw, "conflicts", optional=True)),
    }


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
        scenarios.append(_scenario_spec(where, raw, names, smacros, strict, scenarios))
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
