"""``python -m autograder …``: the kit's command line.

Each sub-command imports what it needs only when it runs, so ``check`` starts
as fast as the engine itself.
"""
from __future__ import annotations

import argparse
import json
import sys

from .messages import error_line, say

__all__ = ["main"]


def _ensure_venv_on_path() -> None:
    from .grading.coursedir import ensure_scripts_on_path

    ensure_scripts_on_path()


def _skip_slow_optional_imports() -> None:
    # jsonschema (under nbformat) imports the optional `rfc3987_syntax` format
    # checker when installed, which compiles a grammar at import: ~0.7 s of
    # every grading run.  The kit never validates IRI formats; skip it.
    sys.modules.setdefault("rfc3987_syntax", None)


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


def _cmd_new_course(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    from .classroom.coursesetup import CourseSetupError, create_course
    from .engine.schema import SchemaError

    try:
        course = create_course(args.dir, args.course_id, args.kit, args.exchange)
    except (CourseSetupError, SchemaError, OSError) as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    from .grading.coursedir import load_config

    exchange = load_config(course.resolve()).Exchange.get("root")
    print(f"{say('已建立课程', 'course created')}：{args.course_id!r}，{course}")
    print(f"  {say('题库', 'bank')}：{course / 'bank'}；{say('作业', 'source')}：{course / 'source'}；"
          f"{say('交换目录', 'exchange')}：{exchange}")
    print(f"{say('下一步：改题后运行', 'next: edit the bank, then run')}\n"
          f"  cd {_quote(course)} && python -m autograder build\n"
          f"  nbgrader generate_assignment ch1_telephone && nbgrader release_assignment ch1_telephone")
    return 0


def _quote(path) -> str:
    import shlex

    return shlex.quote(str(path))


def _cmd_grade(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from .grading.coursedir import GradebookError
    from .grading.grader import grade_course
    from .terminal import printable

    try:
        report = grade_course(args.course, args.assignments or None, progress=not args.quiet)
    except (FileNotFoundError, GradebookError) as exc:
        print(error_line(printable(exc)), file=sys.stderr)
        return 2
    print(printable(report.summary()))
    return 1 if report.errors else 0


def _cmd_collect(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from .classroom.collect import collect
    from .terminal import printable

    try:
        report = collect(args.course, args.assignment, update=args.update, before_duedate=args.before_duedate,
                         student=args.student)
    except FileNotFoundError as exc:
        print(error_line(printable(exc)), file=sys.stderr)
        return 2
    print(printable(report.summary()))
    return 1 if report.errors else 0


def _cmd_export(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from .report.export import ExportError, export_course
    from .grading.coursedir import GradebookError

    try:
        result = export_course(args.course, args.out, charts=not args.no_charts)
    except (ExportError, FileNotFoundError, GradebookError) as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    print(result.summary())
    return 0


def _cmd_roster(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from .grading.coursedir import GradebookError
    from .classroom.roster import RosterError, import_roster
    from .terminal import printable

    try:
        report = import_roster(args.file, args.course, dry_run=args.dry_run)
    except (RosterError, FileNotFoundError, GradebookError) as exc:
        print(error_line(printable(exc)), file=sys.stderr)
        return 2
    print(printable(report.summary()))
    return 0


def _cmd_release_feedback(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from nbgrader.exchange import ExchangeError

    from .classroom.releasefeedback import release_feedback
    from .terminal import printable

    try:
        report = release_feedback(args.course, args.assignment, args.student)
    except (ExchangeError, FileNotFoundError) as exc:
        print(error_line(printable(exc)), file=sys.stderr)
        return 2
    print(printable(report.summary()))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    _ensure_venv_on_path()
    _skip_slow_optional_imports()
    from .demo import run_demo

    if args.students < 1:
        print(error_line(say("学生人数至少为 1", "--students must be at least 1")), file=sys.stderr)
        return 2
    try:
        run_demo(args.students, args.out, exercises=args.exercises)
    except FileNotFoundError as exc:
        print(error_line(exc), file=sys.stderr)
        return 2
    return 0


def _cmd_print_cards(args: argparse.Namespace) -> int:
    from .teaching.printables import write_printables
    from .engine.schema import SchemaError

    try:
        pages = write_printables(args.out, args.course, pdf=args.pdf)
    except (SchemaError, FileNotFoundError, KeyError, RuntimeError) as exc:
        print(error_line(exc), file=sys.stderr)
        return 1
    for p in pages:
        print(f"{say('已写入', 'wrote')}：{p.html}" + (f"、{p.pdf.name}" if p.pdf else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autograder",
                                description="客服礼仪课程与自动评分工具 / call-center etiquette courseware kit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    nc = sub.add_parser("new-course", help="a self-contained course folder: bank, source, config, course id, exchange")
    nc.add_argument("dir", metavar="DIR", help="the new course folder (must not exist or be empty)")
    nc.add_argument("--course-id", required=True, metavar="ID", help="nbgrader course id, e.g. kefu2026a")
    nc.add_argument("--exchange", default=None, metavar="DIR",
                    help="exchange root (default: the Jupyter config's, else /srv/nbgrader/exchange as root, "
                         "else ~/.local/share/nbgrader/exchange)")
    nc.add_argument("--from", dest="kit", default="exercises", metavar="DIR",
                    help="the kit's course template (default exercises/, run from the project root)")
    nc.set_defaults(func=_cmd_new_course)

    g = sub.add_parser("grade", help="kernel-free autograde of DIR/submitted into DIR's gradebook and autograded/")
    g.add_argument("--course", required=True, metavar="DIR", help="nbgrader course directory")
    g.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments to grade (default: all released)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_cmd_grade)

    co = sub.add_parser("collect", help="nbgrader collect from the exchange without following symlinks")
    co.add_argument("--course", required=True, metavar="DIR", help="nbgrader course directory")
    co.add_argument("assignment", metavar="ASSIGNMENT", help="assignment to collect")
    co.add_argument("--update", action="store_true", help="replace collected submissions with newer ones")
    co.add_argument("--before-duedate", action="store_true",
                    help="the last submission before the due date (else the last one)")
    co.add_argument("--student", default=None, metavar="ID", help="collect only this student")
    co.set_defaults(func=_cmd_collect)

    e = sub.add_parser("export", help="scores.csv, scores.xlsx (item analysis, rewrite rules) and charts from the gradebook")
    e.add_argument("--course", required=True, metavar="DIR", help="nbgrader course directory")
    e.add_argument("--out", required=True, metavar="OUTDIR", help="where to write the files (created if missing)")
    e.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    e.set_defaults(func=_cmd_export)

    r = sub.add_parser("roster", help="class roster (学号, 姓名, 班级) into the gradebook")
    rsub = r.add_subparsers(dest="roster_command", required=True, metavar="ACTION")
    ri = rsub.add_parser("import", help="import a CSV (UTF-8/GBK) or XLSX roster with headers 学号, 姓名[, 班级]")
    ri.add_argument("file", metavar="FILE", help="roster file (.csv or .xlsx)")
    ri.add_argument("--course", required=True, metavar="DIR", help="nbgrader course directory")
    ri.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    ri.set_defaults(func=_cmd_roster)

    rf = sub.add_parser("release-feedback",
                        help="release generated feedback through the exchange, student by student "
                             "(skips and lists hand-collected submissions)")
    rf.add_argument("--course", required=True, metavar="DIR", help="nbgrader course directory")
    rf.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment whose feedback/ to release")
    rf.add_argument("--student", default=None, metavar="ID", help="only this student")
    rf.set_defaults(func=_cmd_release_feedback)

    pc = sub.add_parser("print-cards", help="printable role-play cards, call scripts and the 禁语 reference card")
    pc.add_argument("--out", required=True, metavar="DIR", help="where to write the pages (created if missing)")
    pc.add_argument("--course", default=None, metavar="DIR", help="folder with roleplay/, scripts/, reference/ "
                    "(default: course/)")
    pc.add_argument("--pdf", action="store_true", help="also print each page to PDF with headless Chromium")
    pc.set_defaults(func=_cmd_print_cards)

    d = sub.add_parser("demo", help="the main job end to end on a simulated class (SQLite gradebook)")
    d.add_argument("--students", type=int, default=40, metavar="N", help="students in the simulated class (default 40)")
    d.add_argument("--out", default="demo-output", metavar="OUTDIR", help="where the course and exports go")
    d.add_argument("--exercises", default="exercises", metavar="DIR",
                   help="the kit's course folder to start from (default exercises/, run from the project root)")
    d.set_defaults(func=_cmd_demo)

    from .hub.cli import add_parser as add_hub_parser  # stdlib-only: `check` stays fast
    add_hub_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder``: run one sub-command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
