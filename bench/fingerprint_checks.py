"""One sha256 over the checker's verdicts on every answer the project holds.

    python bench/fingerprint_checks.py [--dump FILE]

A speed change must not change a single finding: run this before and after,
and the hash must be the same.  It checks (``Result.to_dict()``, in a fixed
order):

* every labelled and held-out answer (tests/data/labelled, tests/data/heldout)
  in its scenario;
* every rule example (flag and ok) and order example in every scenario and in
  ``free``: the rule's own scenario and the others, so that global families,
  foreign-scenario markers and conflicts are all exercised;
* every bank rewrite's model answer and bad utterance (also with
  ``original=bad``), and the bench utterances;
* a few long answers (3,000 and 12,000 characters, without the length cap),
  so that the long-answer path without character pairs is covered;

and ``check_call(...).to_dict()`` over every call of tests/data/calls, every
bank call's model and bad script, and every call rule's example calls.
``--dump`` writes the canonical JSON lines too (to find what changed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _answers() -> list[tuple[str, str, str | None]]:
    """(scenario, text, original) triples, in a fixed order."""
    from autograder.questionbank.load import load_bank
    from autograder.engine.engine import FREE, rules, scenarios
    from bench_check import UTTERANCES

    keys = [s.key for s in scenarios()] + [FREE]
    out: list[tuple[str, str, str | None]] = []
    for path in sorted((ROOT / "tests" / "data" / "labelled").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [(data["scenario"], item["text"], None) for item in data["items"]]
    for path in sorted((ROOT / "tests" / "data" / "heldout").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [(data["scenario"], item["text"], None) for item in data["answers"]]
    examples = sorted({t for r in rules() for t in r.examples.flag + r.examples.ok}
                      | {t for s in scenarios() for o in s.orders for t in o.examples.flag + o.examples.ok})
    out += [(key, text, None) for text in examples for key in keys]
    for q in (q for ch in load_bank(ROOT / "exercises" / "bank") for q in ch.questions):
        if q.type == "rewrite":
            out += [(q.scenario, q.model_answer, None), (q.scenario, q.bad, None),
                    (q.scenario, q.model_answer, q.bad), (q.scenario, q.bad, q.bad)]
    out += [(key, text, None) for key, text in UTTERANCES]
    return out


def _long() -> list[tuple[str, str]]:
    from autograder.engine.engine import scenarios
    from bench_check import LONG_INPUTS

    texts = [t[:3000] for t in LONG_INPUTS.values()] + [list(LONG_INPUTS.values())[0][:12000]]
    return [(s.key, t) for t in texts for s in scenarios()]


def _calls() -> list[tuple[list, dict]]:
    from autograder.questionbank.load import load_bank
    from autograder.engine.callrules import call_rules, example_call

    out = []
    for path in sorted((ROOT / "tests" / "data" / "calls").glob("*.yaml")):
        for call in yaml.safe_load(path.read_text(encoding="utf-8")):
            turns = [t["say"] for t in call["turns"] if "agent" in t]
            spec = {"direction": call["direction"],
                    "turns": [{"agent": t["agent"]} if "agent" in t else {"customer": t["customer"]}
                              for t in call["turns"]]}
            out.append((turns, spec))
    for q in (q for ch in load_bank(ROOT / "exercises" / "bank") for q in ch.questions):
        if q.type == "call":
            spec = q.call.spec()
            out += [(list(q.call.model_call), spec), (list(q.call.bad_call.lines), spec)]
    for rule in call_rules().rules:
        for which in ("bad", "good"):
            for example in rule.examples.get(which, ()):
                out.append(example_call(example))
    return out


def fingerprint(dump=None) -> tuple[str, dict]:
    from autograder import check, check_call

    digest = hashlib.sha256()
    counts = {"answers": 0, "long": 0, "calls": 0}

    def add(kind: str, data) -> None:
        line = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest.update(line.encode("utf-8") + b"\n")
        counts[kind] += 1
        if dump is not None:
            dump.write(line + "\n")

    for key, text, original in _answers():
        add("answers", [key, text, original, check(text, key, original=original).to_dict()])
    for key, text in _long():
        add("long", [key, len(text), check(text, key, max_length=None).to_dict()])
    for turns, spec in _calls():
        add("calls", [turns, spec, check_call(turns, spec).to_dict()])
    return digest.hexdigest(), counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, help="also write the canonical JSON, one check a line")
    args = ap.parse_args()
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            digest, counts = fingerprint(fh)
    else:
        digest, counts = fingerprint()
    print(f"{digest}  ({counts['answers']} answers, {counts['long']} long answers, {counts['calls']} calls)")


if __name__ == "__main__":
    main()
