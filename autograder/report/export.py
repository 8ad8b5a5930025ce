"""Score export for graders (``python -m autograder export --course DIR --out OUTDIR``).

Reads the course's nbgrader gradebook (and, for option counts and rewrite
rules, the notebooks in ``autograded/``) and writes:

``scores.csv``
    UTF-8 with BOM (Excel shows the Chinese), CRLF.  One row per student in
    the gradebook, by 学号; columns 学号, 姓名, 班级 (when a roster with 班级
    was imported), then per chapter each question's score (``电话礼仪·第1题``),
    the chapter total (``电话礼仪·合计``) and its status (``电话礼仪·状态``),
    and at the end 总分.
``scores.xlsx``
    The same table (sheet 成绩), a one-page summary (总表), one printable sheet
    per chapter, the statistics a teaching office asks for (成绩统计), item
    analysis (题目分析), rewrite rules (改写规则), what needs a grader's
    attention (需关注), the charts (图表) and how to read it all (说明).
``score_distribution.png``, ``difficulty_discrimination.png``, ``top_rules.png``
    Charts with Chinese labels (see :mod:`autograder.report.charts`).

Scores and statuses
-------------------
A question's score is nbgrader's ``Grade.score`` (a manual score overrides
the autograder's; extra credit included).  A cell is **empty, never 0**, when
there is nothing to report: the chapter was not submitted, or the cell waits
for a manual grade and has no score yet.  Each chapter's status, by
precedence:

* 未提交 — no submission of the assignment, or the notebook is missing from it
  (the autograder's comment starts with ``未提交：``); scores empty;
* 文件无法读取 — the notebook file itself could not be read (not JSON, too
  large, not this assignment's notebook: every answer cell carries the same
  ``无法读取：`` comment) and no manual score has replaced it; every answer
  scores 0;
* 有题目无法读取 — the file was read but one or more answers could not be
  (autograder comment ``无法读取：`` on those answers, e.g. a letter that is
  not an option) and no manual score has replaced them; those answers score 0,
  the others count;
* 待人工评分 — a cell needs a manual grade (``needs_manual_grade``) and has no
  manual score yet (the short answer until it is graded in formgrader);
* 已评分 — everything is graded.

An unreadable file or answer never hides a short answer still waiting for a
grader: both are listed, e.g. ``有题目无法读取、待人工评分``.

A chapter total is the sum of the chapter's known scores (minus nbgrader's
late penalty, shown in its own column when any exists); it is empty when the
chapter was not submitted.  总分 is the sum of the chapter totals a student
has (a chapter not submitted adds nothing); empty when nothing was submitted.

Item statistics leave out chapters not submitted and files that could not be
read at all (all answers unreadable): they measure nothing about the
question.  Text students wrote (names, rewrite answers) is neutralised before
it reaches a cell: anything a spreadsheet would run as a formula (starting
with ``= + - @``, a tab or a line break, also behind leading blanks or
invisible characters, or in full-width form) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..grading.coursedir import quiet_nbgrader_warnings
from ..messages import say
from .analysis import UNRECORDED_WARNING, analyse
from .answers import read_answers
from .table import (ANSWER_UNREADABLE, FILE_UNREADABLE, GRADED, MISSING, PENDING, SMALL_SAMPLE, STATUSES,
                    UNREADABLE, Answer, Chapter, ChapterResult, ExportResult, Mark, Question,
                    ScoreTable, StudentRow, chapter_status, neutralise, small_sample_note)

__all__ = [
    "ExportError", "Question", "Chapter", "Mark", "ChapterResult", "StudentRow", "ScoreTable",
    "Answer", "ExportResult", "read_scores", "read_answers", "analyse", "export_course",
    "write_csv", "write_xlsx", "neutralise",
    "GRADED", "MISSING", "UNREADABLE", "FILE_UNREADABLE", "ANSWER_UNREADABLE", "PENDING", "STATUSES",
    "SMALL_SAMPLE", "small_sample_note", "chapter_status", "UNRECORDED_WARNING",
]

CALL_SPEC_KEYS = ("direction", "turns", "requirements", "weights")


class ExportError(RuntimeError):
    """The course cannot be exported (no gradebook, not a course directory)."""


# --------------------------------------------------------------------------- the score table


def _whole_file_unreadable(texts: list[str]) -> bool:
    """The grader's mark for a notebook it could not read: one 无法读取 comment on every answer cell.

    An answer that could not be read gets its own message naming the question
    (``第3题…无法读取答案——…``), so two unreadable answers never share a text.
    """
    texts = [t for t in texts if t]
    return (bool(texts) and len(set(texts)) == 1 and _prefix(texts[0]) == "unreadable"
            and "无法读取答案" not in texts[0])


def _natural(text: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text) if t]


_CHAPTER_NO = re.compile(r"^ch(\d+)")


def _open(course_dir: Path):
    """(CourseDirectory, Gradebook) of a course; never creates a gradebook."""
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config, open_gradebook, sqlite_file

    if not course_dir.is_dir():
        raise ExportError(f"{say('课程文件夹不存在', 'no such course directory')}：{course_dir}")
    coursedir = CourseDirectory(config=load_config(course_dir))
    db = sqlite_file(coursedir.db_url)
    if db is not None and not db.exists():
        raise ExportError(say("找不到成绩库：请先发布作业，用 python -m autograder grade --course DIR 评分，"
                              "或检查 nbgrader_config.py 里的 db_url",
                              "no gradebook: release and grade first (python -m autograder grade --course DIR), "
                              "or check db_url in nbgrader_config.py") + f"：{db}")
    return coursedir, open_gradebook(coursedir.db_url, coursedir.course_id)


def _course_specs(course_dir: Path) -> tuple[dict, dict]:
    """Questions and chapters as the source notebooks describe them (empty without source/)."""
    from ..grading.sourcenotebooks import load_course

    try:
        notebooks = load_course(course_dir)
    except (FileNotFoundError, OSError, ValueError, json.JSONDecodeError):
        return {}, {}
    questions = {(q.assignment, q.notebook, q.grade_cell): q for nb in notebooks for q in nb.questions}
    chapters = {}
    for nb in notebooks:
        chapters.setdefault(nb.assignment, (nb.chapter, nb.chapter_title))
    return questions, chapters


def _chapters(gb, course_dir: Path) -> list[Chapter]:
    specs, chapter_info = _course_specs(course_dir)
    order = {}
    for i, key in enumerate(specs):
        order[key] = i
    found = []
    assignments = sorted(gb.assignments, key=lambda a: a.name)
    for ai, a in enumerate(assignments, start=1):
        m = _CHAPTER_NO.match(a.name)
        number, title = chapter_info.get(a.name, (int(m.group(1)) if m else ai, a.name))
        qs = []
        for nb in a.notebooks:
            cells = [(c, "") for c in nb.grade_cells] + [(c, "task") for c in getattr(nb, "task_cells", [])]
            cells.sort(key=lambda ct: (order.get((a.name, nb.name, ct[0].name), 10**9), ct[0].name))
            for cell, kind in cells:
                spec = specs.get((a.name, nb.name, cell.name))
                if spec is not None:
                    var, qtype, answer_cell, s = spec.var, spec.type, spec.answer_cell, spec.spec
                else:
                    var, qtype, answer_cell, s = cell.name, kind, cell.name, {}
                qs.append(Question(
                    key=f"{a.name}/{nb.name}/{cell.name}", assignment=a.name, notebook=nb.name,
                    grade_cell=cell.name, answer_cell=answer_cell, var=var, type=qtype,
                    max_score=float(cell.max_score or 0), label=f"{title}·{var}",
                    options=str(s.get("options", "") or ""), answer_key=str(s.get("key", "") or ""),
                    scenario=str(s.get("scenario", "") or ""), bad=str(s.get("bad", "") or ""),
                    call={k: s[k] for k in CALL_SPEC_KEYS if k in s} if qtype == "call" else None))
        labels = Counter(q.label for q in qs)
        if any(n > 1 for n in labels.values()):  # two notebooks of one assignment both have 第1题
            qs = [q if labels[q.label] == 1 else _relabel(q, f"{title}·{q.notebook}·{q.var}") for q in qs]
        found.append(Chapter(a.name, number, title, tuple(qs)))
    return sorted(found, key=lambda c: (c.number, c.assignment))


def _relabel(q: Question, label: str) -> Question:
    return replace(q, label=label)


def _gradebook_rows(gb):
    """Grades, comments and submissions of the course, in three queries."""
    from nbgrader.api import (Assignment, BaseCell, Comment, Grade, Notebook, SubmittedAssignment,
                              SubmittedNotebook)

    def joined(query, target):
        return (query.select_from(target)
                .join(SubmittedNotebook, target.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                .join(BaseCell, target.cell_id == BaseCell.id)
                .filter(Assignment.course_id == gb.course_id))

    grades = joined(gb.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name, BaseCell.name,
                                Grade.auto_score, Grade.manual_score, Grade.needs_manual_grade, Grade.score),
                    Grade).all()
    comments = joined(gb.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name, BaseCell.name,
                                  Comment.auto_comment), Comment).all()
    notebooks = (gb.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name,
                             SubmittedNotebook.late_submission_penalty)
                 .select_from(SubmittedNotebook)
                 .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                 .filter(Assignment.course_id == gb.course_id).all())
    submitted = (gb.db.query(SubmittedAssignment.student_id, Assignment.name)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .filter(Assignment.course_id == gb.course_id).all())
    return grades, comments, notebooks, submitted


def _prefix(comment: str | None) -> str | None:
    from ..grading.statuscomment import comment_state

    return comment_state(comment)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x + 0.0, 2)


def read_scores(course_dir: str | Path) -> ScoreTable:
    """The score table of a course, from its gradebook (see the module docstring for the rules)."""
    from ..classroom.roster import join_name, student_classes

    course_dir = Path(course_dir).resolve()
    coursedir, gb = _open(course_dir)
    with quiet_nbgrader_warnings():
        with gb:
            chapters = _chapters(gb, course_dir)
            students = [(s.id, join_name(s.last_name, s.first_name)) for s in gb.students]
            left_out = _left_out(gb, [sid for sid, _ in students])
            students = [s for s in students if s[0] not in left_out]
            classes = student_classes(gb)
            found = _GradebookRows(*_gradebook_rows(gb))

    rows = []
    has_penalty = False
    for sid, name in sorted(students, key=lambda s: (_natural("".join(s[0].split())), s[0])):
        results = {ch.assignment: found.chapter_result(sid, ch) for ch in chapters}
        has_penalty |= any(r.penalty > 0 for r in results.values())
        totals = [r.total for r in results.values() if r.total is not None]
        rows.append(StudentRow(sid, name, classes.get(sid, ""), results, _round(sum(totals)) if totals else None))
    return ScoreTable(coursedir.course_id, chapters, rows, has_class=bool(classes), has_penalty=has_penalty,
                      left_out=sorted(left_out.values()))


class _GradebookRows:
    """The rows of :func:`_gradebook_rows`, keyed by (student, assignment, notebook[, cell]) for lookups."""

    def __init__(self, grades, comments, notebooks, submitted):
        self.grade_of = {(sid, a, nb, cell): (auto, manual, needs, score)
                         for sid, a, nb, cell, auto, manual, needs, score in grades}
        self.comment_of = {(sid, a, nb, cell): text for sid, a, nb, cell, text in comments}
        self.nb_comments: dict[tuple, list[str]] = {}
        for (sid, a, nb, _), text in self.comment_of.items():
            self.nb_comments.setdefault((sid, a, nb), []).append(text or "")
        self.penalty_of = {(sid, a, nb): p or 0.0 for sid, a, nb, p in notebooks}
        self.submitted = set(submitted)

    def chapter_result(self, sid: str, ch: Chapter) -> ChapterResult:
        """One student's marks, status, note, penalty and total in one chapter."""
        res = ChapterResult(MISSING, None)
        if (sid, ch.assignment) not in self.submitted:
            res.note = "没有提交记录"
            res.marks = {q.key: Mark(None, "missing") for q in ch.questions}
            return res
        missing, unreadable = self._notebook_states(res, sid, ch)
        for q in ch.questions:
            res.marks[q.key] = Mark(None, "missing") if q.notebook in missing else self._mark(sid, q)
        states = {m.state for m in res.marks.values()}
        res.file_unreadable = any(res.marks[q.key].state == "unreadable" for q in ch.questions
                                  if q.notebook in unreadable)
        res.status = chapter_status(states, res.file_unreadable)
        if "unreadable" in states and not res.note:
            res.note = next(m.comment for m in res.marks.values() if m.state == "unreadable")
        known = [m.score for m in res.marks.values() if m.score is not None]
        if known or res.status != MISSING:
            res.total = _round(sum(known) - res.penalty)
        return res

    def _notebook_states(self, res: ChapterResult, sid: str, ch: Chapter) -> tuple[set[str], set[str]]:
        """(notebooks missing, notebooks whose file was unreadable); adds each notebook's penalty and
        a missing notebook's note to ``res``."""
        missing, unreadable = set(), set()
        for nbname in {q.notebook for q in ch.questions}:
            key = (sid, ch.assignment, nbname)
            texts = self.nb_comments.get(key, [])
            if key not in self.penalty_of or (texts and all(_prefix(t) == "missing" for t in texts)):
                missing.add(nbname)
                res.note = next((t for t in texts if t), "没有提交这个 notebook")
            elif _whole_file_unreadable(texts):
                unreadable.add(nbname)
            res.penalty += self.penalty_of.get(key, 0.0)
        return missing, unreadable

    def _mark(self, sid: str, q: Question) -> Mark:
        """One question's cell: nbgrader's score and whether it is graded, pending or unreadable."""
        g = self.grade_of.get((sid, q.assignment, q.notebook, q.grade_cell))
        comment = self.comment_of.get((sid, q.assignment, q.notebook, q.answer_cell)) or ""
        if g is None:
            return Mark(None, "pending")
        auto, manual, needs, score = g
        value = None if (auto is None and manual is None) else _round(score)
        if _prefix(comment) == "unreadable" and manual is None:
            state = "unreadable"
            value = 0.0 if value is None else value
        elif needs and manual is None:
            state = "pending"
        else:
            state = "graded"
        return Mark(value, state, comment if state == "unreadable" else "")


def _left_out(gb, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Students never exported: an unsafe id, or not on the roster when there is one (see studentids)."""
    from ..grading.studentids import id_problem, roster_ids, shown

    roster = roster_ids(gb)
    out = {}
    for sid in ids:
        why = id_problem(sid) or (None if roster is None or sid in roster else "不在名单中")
        if why:
            out[sid] = (shown(sid), why)
    return out


# --------------------------------------------------------------------------- writing

def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(neutralise(str(value)))


def write_csv(table: ScoreTable, path: str | Path) -> Path:
    """``scores.csv``: UTF-8 with BOM, CRLF, formulas neutralised, empty cells for no data."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([_csv_value(h) for h in table.header()])
        for row in table.rows():
            writer.writerow([_csv_value(v) for v in row])
    return path


def write_xlsx(result: ExportResult, path: str | Path, charts: dict[str, Path] | None = None) -> Path:
    """Write ``scores.xlsx`` (the scores, per-chapter sheets, item analysis and
    the charts given) and return its path."""
    from .xlsx import build_workbook

    path = Path(path)
    build_workbook(result, charts or {}).save(path)
    return path


def export_course(course_dir: str | Path, out_dir: str | Path, charts: bool = True) -> ExportResult:
    """Read the gradebook and write scores.csv, scores.xlsx and the PNG charts into ``out_dir``."""
    course_dir = Path(course_dir)
    table = read_scores(course_dir)
    answers = read_answers(course_dir, table)
    result = analyse(table, answers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result.files["scores.csv"] = write_csv(table, out / "scores.csv")
    pngs: dict[str, Path] = {}
    if charts:
        from . import charts as exportcharts

        from ..teaching.fonts import glyph_problems

        with glyph_problems() as problems:
            pngs = exportcharts.write_charts(result, out)
        result.warnings += problems
    result.files["scores.xlsx"] = write_xlsx(result, out / "scores.xlsx", pngs)
    result.files.update(pngs)
    return result
