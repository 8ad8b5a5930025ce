"""Why nbgrader is pinned exactly: the installed version is the pin, and what the kit relies on is there.

The shared-session preprocessors (autograder/preprocessors/shared*.py) call
or override nbgrader 0.9.6 internals; the pipeline reads its Autograde
defaults; CheckMetadata re-implements its cell validation; the warning
filter names the one warning its api raises.  A new nbgrader that changes
any of these must fail here, not in a class's grading.
"""
from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from nbgrader.converters.autograde import Autograde
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import AssignLatePenalties, OverwriteCells, SaveAutoGrades

from autograder.grading.coursedir import NBGRADER_SESSION_WARNING

ROOT = Path(__file__).resolve().parents[1]


def _params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_the_installed_nbgrader_is_the_pinned_one():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pin = next(d for d in deps if d.startswith("nbgrader"))
    assert re.fullmatch(r"nbgrader==[\d.]+", pin), "nbgrader must be pinned exactly"
    assert version("nbgrader") == pin.split("==")[1]


@pytest.mark.parametrize("cls, method, params", [
    (OverwriteCells, "add_missing_grade_cells", ["self", "nb", "resources"]),
    (OverwriteCells, "add_missing_task_cells", ["self", "nb", "resources"]),
    (OverwriteCells, "missing_cell_transform", ["self", "source_cell", "max_score", "is_solution", "is_task"]),
    (OverwriteCells, "report_change", ["self", "name", "attr", "old", "new"]),
    (AssignLatePenalties, "init_plugin", ["self"]),
    (AssignLatePenalties, "_check_late_penalty", ["self", "notebook", "penalty"]),
    (SaveAutoGrades, "_add_score", ["self", "cell", "resources"]),
    (SaveAutoGrades, "_add_comment", ["self", "cell", "resources"]),
    (BaseMetadataValidator, "validate_cell", ["self", "cell"]),
])
def test_the_internals_the_shared_preprocessors_call_are_there(cls, method, params):
    assert _params(getattr(cls, method)) == params


def test_save_auto_grades_works_through_self_gradebook_and_commits_per_cell():
    """SharedSaveAutoGrades sets ``self.gradebook`` to the shared session and lets the cells write through it."""
    for method in (SaveAutoGrades._add_score, SaveAutoGrades._add_comment):
        source = inspect.getsource(method)
        assert "self.gradebook.find_" in source and "self.gradebook.db.commit()" in source
    assert "Gradebook(self.db_url" in inspect.getsource(SaveAutoGrades.preprocess)  # one per notebook


def test_add_missing_cells_is_off_in_nbgrader_and_on_in_the_kit():
    from autograder.preprocessors import SharedOverwriteCells

    assert OverwriteCells().add_missing_cells is False and SharedOverwriteCells().add_missing_cells is True


def test_cell_metadata_schema_is_version_3():
    assert MetadataValidator().schema_version == 3


def test_autograde_defaults_are_the_ones_the_pipeline_maps():
    names = {t: [c.__name__ for c in Autograde.class_traits()[t].default()]
             for t in ("sanitize_preprocessors", "autograde_preprocessors")}
    assert names == {
        "sanitize_preprocessors": ["ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells",
                                   "CheckCellMetadata"],
        "autograde_preprocessors": ["Execute", "IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput",
                                    "SaveAutoGrades", "AssignLatePenalties", "CheckCellMetadata"],
    }


def test_the_known_sqlalchemy_warning_is_the_one_nbgraders_api_raises(course):
    """Creating a submission through nbgrader's api still raises exactly the warning the filter names."""
    import warnings

    from sqlalchemy.exc import SAWarning

    from autograder.grading.coursedir import course_gradebook

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with course_gradebook(course) as gb:
            gb.update_or_create_student("s1")
            gb.update_or_create_submission("ch1_telephone", "s1")
            gb.db.commit()
    sa = [str(w.message) for w in shown if issubclass(w.category, SAWarning)]
    assert sa and all(re.match(NBGRADER_SESSION_WARNING, m) for m in sa)
