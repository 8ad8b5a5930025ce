"""The rule pack in use: rule objects built from the loader's specs, the
marshal load cache between processes, and the catalogue accessors."""

from __future__ import annotations

import re
from pathlib import Path

from .lazyregex import _CODES, _from_code, _Lazy, _regex_code
from .loader import _combine, pack_spec
from .model import FREE, RULES_DIR, Examples, Order, Pack, Rule, Scenario, UnknownScenario


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
        gates=gates, firsts=firsts, pieces=_build_pieces(spec.get("pieces")),
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



def _build_pieces(spec: list | None) -> tuple:
    """``Rule.pieces`` from the loader's lists (``needles._piece_gates``), as
    they are (the scenario index reads them once); () when absent."""
    return tuple(spec) if spec else ()


def _build_order(spec: dict) -> Order:
    return Order(id=spec["id"], first=spec["first"], then=spec["then"],
                 later=_Lazy(_combine(spec["later"]), spec["where"]) if spec["later"] else None,
                 level=spec["level"], message=spec["message"],
                 examples=Examples(tuple(spec["flag"]), tuple(spec["ok"])),
                 suggestion=spec["suggestion"], source=spec["source"])


def load_pack(directory: Path = RULES_DIR) -> Pack:
    """Load and validate every rule file; raises SchemaError naming file and rule.

    ``_macros.yaml`` holds shared regex fragments; other files whose name
    starts with ``_`` are ignored; ``scenarios.yaml`` is the catalogue; every
    other ``*.yaml`` is one rule family.
    """
    return _build_pack(pack_spec(directory))



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
    code = ("loader.py", "catalogue.py", "model.py", "prefilter.py", "needles.py", "lazyregex.py", "text.py", "typos.py", "schema.py")
    files = sorted(directory.glob("*.yaml")) + [here / n for n in code]
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
