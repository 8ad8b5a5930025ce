"""Item 17: formula starts hidden behind full-width forms, blanks or invisible characters.

Students' names (from a roster, or typed into formgrader's student list)
and a rewrite answer start with ``＝`` ``﹦`` ``＋`` ``＠``, or with a space,
NBSP, ideographic space, ZWSP or BOM before ``=``.  After grading with the
kit and exporting with ``python -m autograder export``, no cell of
``scores.csv`` or ``scores.xlsx`` may start like a formula without the
kit's apostrophe, and the honest student's scores are those of a class
without these students.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import unicodedata

import pytest

from pages_support import ASSIGNMENT, honest_notebook, kit, kit_grade
from autograder.grading.coursedir import quiet_nbgrader_warnings

pytestmark = pytest.mark.slow

ROSTER_NAMES = {"r_fullwidth": "＝HYPERLINK(\"http://127.0.0.1/\",\"点我\")", "r_small": "﹦1+1",
                "r_zwsp": "\u200b=1+1", "r_plus": "＋1", "r_at": "＠SUM(1)"}
TYPED_NAMES = {"t_space": " =1+1", "t_nbsp": "\u00a0=1+1", "t_ideographic": "\u3000=1+1", "t_bom": "\ufeff=1+1",
               "t_tab": "\t=1", "t_cr": "\r=1"}
ANSWER = "\u00a0=HYPERLINK(\"http://127.0.0.1/\",\"您好\")"


def _rewrite_var() -> str:
    """The first rewrite question of the assignment (its 第N题 follows the bank)."""
    from autograder.questionbank.load import load_bank

    return next(q.var for ch in load_bank(kit.EXERCISES / "bank") if ch.assignment == ASSIGNMENT
                for q in ch.questions if q.type == "rewrite")


def _formula_like(text: str) -> bool:
    """Independent of the kit: the first visible character, folded with NFKC, starts a formula."""
    for ch in text:
        if ch in "\t\r\n":
            return True
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in ("=", "+", "-", "@")
    return False


def _export(course, out):
    done = subprocess.run([sys.executable, "-m", "autograder", "export", "--course", str(course), "--out", str(out),
                           "--no-charts"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    from openpyxl import load_workbook

    return rows, load_workbook(out / "scores.xlsx")


def _grade(course, students: dict[str, str | None], tmp):
    from autograder.grading.coursedir import course_gradebook

    kit.submit(course, "honest", ASSIGNMENT, honest_notebook(course))
    roster = [(sid, name) for sid, name in students.items() if sid.startswith("r_")]
    if roster:
        from autograder.classroom.roster import import_roster

        path = tmp / "roster.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["学号", "姓名"])
            w.writerow(["honest", "王诚"])
            w.writerows(roster)
        assert not import_roster(path, course).skipped
    for sid in students:
        answers = kit.key_answers(ASSIGNMENT)
        answers[_rewrite_var()] = '"' + ANSWER.replace('"', '\\"') + '"'
        kit.submit(course, sid, ASSIGNMENT, kit.fill(kit.release_notebook(course, ASSIGNMENT), answers))
    kit_grade(course)
    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            for sid, name in students.items():
                if sid.startswith("t_"):  # as formgrader's "Manage Students" stores it: untouched
                    gb.update_or_create_student(sid, last_name=name, first_name="")


@pytest.fixture(scope="module")
def exports(released_course, tmp_path_factory):
    base = tmp_path_factory.mktemp("residue")
    alone = shutil.copytree(released_course, base / "alone")
    _grade(alone, {}, base)
    course = shutil.copytree(released_course, base / "course")
    _grade(course, {**ROSTER_NAMES, **TYPED_NAMES}, base)
    return _export(alone, base / "out_alone"), _export(course, base / "out")


def test_names_with_hidden_formula_starts_are_neutralised(exports):
    _, (rows, wb) = exports
    by_id = {r[0]: r for r in rows[1:]}
    ws = wb["成绩"]
    xlsx = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    for sid, name in {**ROSTER_NAMES, **TYPED_NAMES}.items():
        shown = by_id[sid][1]
        assert shown.startswith("'") and _formula_like(shown[1:]), (sid, shown)
        assert xlsx[sid].value.startswith("'") and xlsx[sid].data_type == "s", (sid, xlsx[sid].value)


def test_no_cell_anywhere_starts_like_a_formula(exports):
    _, (rows, wb) = exports
    for row in rows:
        for value in row:
            assert not _formula_like(value), value
    seen_answer = False
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate)
                if isinstance(c.value, str):
                    assert not _formula_like(c.value), (sheet.title, c.coordinate, c.value)
                    seen_answer |= "HYPERLINK(\"http://127.0.0.1/\",\"您好\")" in c.value
    assert seen_answer  # the rewrite answer reached the workbook, neutralised


def test_honest_student_scores_are_unchanged(exports):
    (alone_rows, _), (rows, _) = exports
    header = rows[0]
    assert header == alone_rows[0] or set(alone_rows[0]) <= set(header)
    honest_alone = dict(zip(alone_rows[0], next(r for r in alone_rows if r[0] == "honest")))
    honest = dict(zip(header, next(r for r in rows if r[0] == "honest")))
    scores = [h for h in alone_rows[0][2:] if h in honest]
    assert scores and all(honest[h] == honest_alone[h] for h in scores if h != "姓名")
