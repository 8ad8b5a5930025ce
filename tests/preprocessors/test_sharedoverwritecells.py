"""SharedOverwriteCells: locked and graded cells restored as OverwriteCells does, deleted cells put back."""
from __future__ import annotations

import copy
import warnings

import nbformat
from nbformat.warnings import MissingIDFieldWarning
from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells

from autograder.preprocessors import RestoreCells, SharedOverwriteCells

from helpers import grade_id, release_notebook
from sharedrun import CH1, add_submission, as_notebook, run_shared, run_stock


def _tampered(course):
    """A release copy whose first locked cell was edited and whose first test cell was deleted."""
    nb = as_notebook(release_notebook(course, CH1))
    locked = next(c for c in nb.cells if utils.is_locked(c) and not utils.is_grade(c))
    locked.source = "学生改掉了题目"
    test = next(i for i, c in enumerate(nb.cells) if utils.is_grade(c) and not utils.is_solution(c))
    deleted = grade_id(nb.cells[test])
    del nb.cells[test]
    return nb, deleted


def test_restores_as_stock_nbgrader_and_puts_deleted_test_cells_back(course):
    for student in ("shared", "stock"):
        add_submission(course, student)
    nb, deleted = _tampered(course)
    shared = run_shared(course, SharedOverwriteCells(), copy.deepcopy(nb), "shared")
    stock = run_stock(course, OverwriteCells(add_missing_cells=True), copy.deepcopy(nb), "stock")
    assert [(grade_id(c), c.source) for c in shared.cells] == [(grade_id(c), c.source) for c in stock.cells]
    assert deleted in [grade_id(c) for c in shared.cells]
    assert "学生改掉了题目" not in [c.source for c in shared.cells]


def test_a_cell_put_back_has_an_id_so_writing_the_notebook_warns_nothing(course):
    add_submission(course, "s1")
    nb, deleted = _tampered(course)
    out = run_shared(course, SharedOverwriteCells(), nb, "s1")
    back = next(c for c in out.cells if grade_id(c) == deleted)
    assert back.get("id") and len({c.id for c in out.cells}) == len(out.cells)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingIDFieldWarning)
        nbformat.validate(nbformat.reads(nbformat.writes(out), as_version=4))


def test_deleted_cells_come_back_by_default_and_not_when_configured_off(course):
    add_submission(course, "s1")
    nb, deleted = _tampered(course)
    assert SharedOverwriteCells().add_missing_cells and not OverwriteCells().add_missing_cells
    kept = run_shared(course, SharedOverwriteCells(add_missing_cells=False), nb, "s1")
    assert deleted not in [grade_id(c) for c in kept.cells]


def test_a_cell_from_another_assignment_becomes_an_ordinary_cell(course):
    add_submission(course, "s1")
    nb = as_notebook(release_notebook(course, CH1))
    stray = copy.deepcopy(next(c for c in nb.cells if utils.is_solution(c)))
    stray.metadata["nbgrader"]["grade_id"] = "ch9_other_answer"
    nb.cells.append(stray)
    out = run_shared(course, SharedOverwriteCells(), nb, "s1")
    assert "nbgrader" not in out.cells[-1].metadata


def test_the_old_name_is_the_same_class():
    assert RestoreCells is SharedOverwriteCells
