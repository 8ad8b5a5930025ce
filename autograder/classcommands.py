"""The instructor's class commands: ``new-course``, ``grade``, ``collect``, ``export``, ``roster``,
``release-feedback``, ``print-cards`` and ``demo``.

Their messages take the instructor form 中文（English） through
:mod:`autograder.messages` (errors as ``出错（error）：…`` on stderr).  Each
command imports what it needs only when it runs.
"""
from __future__ import annotations

import argparse
import sys

from .messages import error_line, say

__all__ = ["add_course_commands", "add_handout_commands"]


def _ensure_venv_on_path() -> None:
    from .grading.coursedir import ensure_scripts_on_path

    ensure_scripts_on_path()


def _skip_slow_optional_imports() -> None:
    # jsonschema (under nbformat) imports the optional `rfc3987_syntax` format
    # checker when installed, which compiles a grammar at import: ~0.7 s of
    # every grading run.  The kit never validates IRI formats; skip it.
    sys.modules.setdefault("rfc3987_syntax", None)


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


def add_course_commands(sub) -> None:
    """The commands of a course's term on the sub-command parser ``sub``: from ``new-course`` to ``release-feedback``."""
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


def add_handout_commands(sub) -> None:
    """``print-cards`` and ``demo`` on the sub-command parser ``sub``."""
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
