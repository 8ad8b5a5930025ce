"""Inputs for the regex-speed sweep (tests/security/test_07…, bench/bench_check.py).

Every regex that sees student text must be linear in its length.  The sweep
feeds the engine, for every character that appears in any rule pattern (and
in the answer reader's patterns), that character repeated many times, and
each rule's examples repeated to the same length.
"""
from __future__ import annotations

import re

from ..engine import engine

__all__ = ["pattern_sources", "sweep_characters", "example_texts"]


def pattern_sources(pack: "engine.Pack | None" = None) -> list[str]:
    """The source of every regex the engine runs on an answer."""
    pack = pack or engine._pack()
    out: list[str] = []
    for rule in pack.all_rules():
        out.append(rule.regex.pattern)
        out.extend(s.pattern for _, s in rule.scanners)
        if rule.unless is not None:
            out.append(rule.unless.pattern)
        if rule.actor is not None:
            out.append(rule.actor.pattern)
    for sc in pack.scenarios.values():
        out.extend(o.later.pattern for o in sc.orders if o.later is not None)
        out.extend(scanner.pattern for _, scanners in sc.foreign for _, scanner in scanners)
        if sc.conflict is not None:
            out.append(sc.conflict.pattern)
    return out


def _reader_sources() -> list[str]:
    from ..grading import answers  # the answer reader: its patterns see the same student text

    return [v.pattern for v in vars(answers).values() if isinstance(v, re.Pattern)]


def sweep_characters() -> list[str]:
    """Each character (escapes resolved) of every rule and reader pattern, once."""
    chars: set[str] = set()
    for src in pattern_sources() + _reader_sources():
        chars.update(src)
        chars.update(chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", src))
    chars.discard("\n")
    return sorted(chars)


def example_texts() -> list[str]:
    """Every example utterance of every rule and order constraint."""
    pack = engine._pack()
    out = [t for r in pack.all_rules() for t in r.examples.flag + r.examples.ok]
    out += [t for sc in pack.scenarios.values() for o in sc.orders for t in o.examples.flag + o.examples.ok]
    return sorted(set(out))
