"""SharedSaveAutoGrades: the scores SaveAutoGrades saves, on the shared session; manual grades kept."""
from __future__ import annotations

import copy

from nbgrader.preprocessors import SaveAutoGrades

from autograder.grading.coursedir import course_gradebook
from autograder.preprocessors import KernelFreeGrade, RecordGrades, SharedOverwriteCells, SharedSaveAutoGrades

from helpers import fill, key_answers, release_notebook, scores
from sharedrun import CH1, add_submission, as_notebook, run_shared, run_stock


def _graded(course, wrong=False):
    """A submission as SaveAutoGrades gets it: hidden tests restored from the source, then graded."""
    nb = as_notebook(fill(release_notebook(course, CH1), key_answers(CH1, wrong)))
    nb = run_shared(course, SharedOverwriteCells(), nb, "s0")
    nb, _ = KernelFreeGrade()(nb, {})
    return nb


def test_saves_the_scores_stock_save_auto_grades_saves(course):
    for student in ("s0", "shared", "stock"):
        add_submission(course, student)
    nb = _graded(course)
    run_shared(course, SharedSaveAutoGrades(), copy.deepcopy(nb), "shared")
    run_stock(course, SaveAutoGrades(), copy.deepcopy(nb), "stock")
    shared, stock = scores(course, "shared", CH1), scores(course, "stock", CH1)
    assert shared == stock
    assert any(auto and auto > 0 for auto, _, _ in shared.values())


def test_a_manual_grade_survives_regrading(course):
    for student in ("s0", "s1"):
        add_submission(course, student)
    run_shared(course, SharedSaveAutoGrades(), _graded(course), "s1")
    cell = next(name for name, (auto, _, _) in scores(course, "s1", CH1).items() if auto)
    with course_gradebook(course) as gb:
        gb.find_grade(cell, CH1, CH1, "s1").manual_score = 0.5
        gb.db.commit()
    run_shared(course, SharedSaveAutoGrades(), _graded(course, wrong=True), "s1")
    auto, manual, _ = scores(course, "s1", CH1)[cell]
    assert manual == 0.5 and auto == 0


def test_the_old_name_is_the_same_class():
    assert RecordGrades is SharedSaveAutoGrades and SharedSaveAutoGrades.__mro__[1] is SaveAutoGrades
