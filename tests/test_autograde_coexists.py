"""Plain ``nbgrader autograde`` and the kit's ``grade`` on one course, in either order.

Before: ``nbgrader autograde --force`` after ``grade`` printed "Attribute
'checksum' … has changed!" for every question of every student (the hidden
tests and the mark scheme coming back from the source, which is expected).
Now it is quiet, gives the kit's scores, keeps manual grades and adds no rows;
``grade`` after ``nbgrader autograde`` does the same.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXERCISES, fill, key_answers, release_notebook, submit

from autograder.questionbank.load import load_bank
from autograder.grading.coursedir import course_gradebook
from autograder.grading.grader import grade_course
from autograder.grading.coursedir import quiet_nbgrader_warnings, scripts_env

pytestmark = pytest.mark.slow  # nbgrader autograde in a subprocess
CH1 = "ch1_telephone"
BIN = Path(sys.executable).parent


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = scripts_env()
    env.pop("AUTOGRADER_EXECUTE", None)
    out = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def _short():
    ch = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == CH1)
    return next(q for q in ch.questions if q.type == "short")


def _state(course: Path) -> tuple[dict, int, int]:
    """({(student, cell): (auto, manual)}, number of grade rows, number of submissions)."""
    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            a = gb.find_assignment(CH1)
            got = {(s.student.id, g.name): (g.auto_score, g.manual_score)
                   for s in a.submissions for nb in s.notebooks for g in nb.grades}
            rows = sum(len(nb.grades) for s in a.submissions for nb in s.notebooks)
            return got, rows, len(a.submissions)


def _class(course: Path) -> None:
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), key_answers(CH1), short="先问候，再报工号。"))
    submit(course, "s2", CH1, fill(release_notebook(course, CH1), key_answers(CH1, wrong=True)))


def _grade_by_hand(course: Path) -> None:
    with course_gradebook(course) as gb:
        grade = gb.find_grade(_short().grade_cell, CH1, CH1, "s1")
        grade.manual_score = 4
        grade.needs_manual_grade = False
        gb.db.commit()


def test_nbgrader_autograde_after_grade_is_quiet_and_keeps_manual_grades(course):
    _class(course)
    grade_course(course, [CH1], progress=False)
    _grade_by_hand(course)
    before, rows, subs = _state(course)

    skipped = _nbgrader(course, "autograde", CH1)  # nothing to do: everyone is graded already
    assert "WARNING" not in skipped.stderr and "Traceback" not in skipped.stderr
    assert _state(course) == (before, rows, subs)

    forced = _nbgrader(course, "autograde", CH1, "--force")
    log = forced.stdout + forced.stderr
    assert "has changed" not in log and "Traceback" not in log and "ERROR" not in log
    after, rows_after, subs_after = _state(course)
    assert after == before and rows_after == rows and subs_after == 2
    assert after[("s1", _short().grade_cell)] == (None, 4)


def test_grade_after_nbgrader_autograde_gives_the_same_scores(course):
    _class(course)
    _nbgrader(course, "autograde", CH1)
    _grade_by_hand(course)
    before, rows, subs = _state(course)
    report = grade_course(course, [CH1], progress=False)
    assert not report.errors and not report.issues
    assert _state(course) == (before, rows, subs)
