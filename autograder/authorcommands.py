"""The content-author and developer commands: ``check``, ``evaluate``, ``scenarios``, ``bank``, ``build``.

Their messages are English (the language policy in :mod:`autograder.messages`):
they speak to whoever edits the rule packs and the bank.  Each command imports
what it needs only when it runs, so ``check`` starts as fast as the engine.
"""
from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_author_commands"]


def _cmd_check(args: argparse.Namespace) -> int:
    from .engine import engine

    try:
        result = engine.check(args.text, args.scenario, original=args.original)
    except engine.UnknownScenario as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    verdict = "通过 PASS" if result.passed else "未通过 FAIL"
    print(f"{verdict}  得分 score {result.score:.2f}  ({args.scenario})")
    for f in result.findings:
        where = "" if f.span is None else f" [{f.span[0]}:{f.span[1]}]"
        print(f"  - {f.kind:9} {f.rule}{where}: {f.message}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .engine.evaluate import evaluate
    from .engine.schema import SchemaError

    try:
        report = evaluate(args.set)
        calls = _call_report(args.calls)
    except (SchemaError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        data = report.to_dict()
        if calls is not None:
            data["calls"] = calls.to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.text())
        if calls is not None:
            print()
            print(calls.text())
    return 0


def _call_report(directory: str | None):
    """The whole-call figures, or None when there is no call set (an absent
    default set is skipped; a set asked for by --calls must exist)."""
    from pathlib import Path

    from .engine.callevaluate import DEFAULT_CALL_SET, evaluate_calls

    if directory is None:
        if not any(DEFAULT_CALL_SET.glob("*.yaml")):
            return None
        directory = DEFAULT_CALL_SET
    return evaluate_calls(Path(directory))


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from .engine import engine

    catalogue = [s.to_dict() for s in engine.scenarios()]
    if args.json:
        print(json.dumps(catalogue, ensure_ascii=False, indent=2))
    else:
        for s in catalogue:
            needs = "、".join(r["name"] for r in s["requires"])
            print(f"{s['key']:20} {s['title']}（需要：{needs}）")
    return 0


def _cmd_bank(args: argparse.Namespace) -> int:
    from .questionbank.load import load_bank
    from .classroom.coursesetup import build_paths
    from .engine.schema import SchemaError

    try:
        chapters = load_bank(build_paths(bank=args.bank).bank)
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    items = [q.to_dict() for ch in chapters for q in ch.questions]
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    for ch in chapters:
        counts = {}
        for q in ch.questions:
            counts[q.type] = counts.get(q.type, 0) + 1
        detail = ", ".join(f"{t} {n}" for t, n in counts.items())
        print(f"{ch.assignment:16} 第{ch.number}章 {ch.title}: {len(ch.questions)} questions ({detail}), "
              f"{ch.points:g} points")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .questionbank.build import check_all, write_all
    from .teaching.coursenotebooks import check_chapters, project_chapters, take_notebooks, write_chapters
    from .classroom.coursesetup import build_paths
    from .engine.schema import SchemaError
    from .grading.structure import BuildRefused

    paths = build_paths(args.course, args.bank, args.source, args.practice)
    chapters = project_chapters(args.course)
    try:
        if args.take_notebook:
            return take_notebooks(chapters, args.take_notebook)
        if args.check:
            from .questionbank.load import load_bank
            from .questionbank.audit import audit_bank

            problems = check_all(paths.bank, paths.source)
            if not problems:
                print(f"{paths.source} is up to date with the bank")
            audit = audit_bank(load_bank(paths.bank), paths.practice)
            print(audit.summary())
            problems += audit.problems
            if chapters is not None:
                problems += check_chapters(chapters)
            for p in problems:
                print(p, file=sys.stderr)
            return 1 if problems else 0
        course = paths.source.parent if (paths.source.parent / "nbgrader_config.py").is_file() else None
        for path in write_all(paths.bank, paths.source, course_dir=course):
            print(f"wrote {path}")
        if chapters is not None:
            return write_chapters(chapters)
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BuildRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def add_author_commands(sub) -> None:
    """``check``, ``evaluate``, ``scenarios``, ``bank`` and ``build`` on the sub-command parser ``sub``."""
    c = sub.add_parser("check", help="check a rewritten utterance against a scenario")
    c.add_argument("--scenario", required=True, metavar="KEY", help="scenario key (see `scenarios`)")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.add_argument("--original", default=None, help="the bad utterance being rewritten (an unchanged answer fails)")
    c.add_argument("text", help="the utterance to check")
    c.set_defaults(func=_cmd_check)

    ev = sub.add_parser("evaluate", help="measure the checker against a labelled set of answers")
    ev.add_argument("--set", default="tests/data/heldout", metavar="DIR",
                    help="folder of <scenario>.yaml labelled answers (default tests/data/heldout)")
    ev.add_argument("--calls", default=None, metavar="DIR",
                    help="folder of labelled whole calls (default tests/data/calls, when it exists)")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(func=_cmd_evaluate)

    s = sub.add_parser("scenarios", help="list the scenario catalogue")
    s.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    s.set_defaults(func=_cmd_scenarios)

    b = sub.add_parser("bank", help="list the question bank (run from the project root)")
    b.add_argument("--json", action="store_true", help="print every question as JSON")
    b.add_argument("--bank", default=None, metavar="DIR", help="bank directory (default exercises/bank)")
    b.set_defaults(func=_cmd_bank)

    bd = sub.add_parser("build", help="generate source notebooks from the bank "
                                      "(inside a course folder or with --course: DIR/bank -> DIR/source); "
                                      "from the project root also course/src/*.md -> course/*.ipynb")
    bd.add_argument("--check", action="store_true", help="fail if the committed notebooks differ from the bank "
                                                         "(or course/*.ipynb from course/src/*.md)")
    bd.add_argument("--course", default=None, metavar="DIR", help="course folder: reads DIR/bank, writes DIR/source")
    bd.add_argument("--bank", default=None, metavar="DIR", help="bank directory (default exercises/bank)")
    bd.add_argument("--source", default=None, metavar="DIR",
                    help="output directory (default: source/ beside the bank)")
    bd.add_argument("--practice", default=None, metavar="DIR",
                    help="practice files that graded items must not copy (default course/practice when present)")
    bd.add_argument("--take-notebook", action="append", default=[], metavar="NAME",
                    help="copy course/NAME.ipynb's cells into its text source course/src/NAME.md "
                         "(after editing the notebook itself), then regenerate course/*.ipynb")
    bd.set_defaults(func=_cmd_build)
