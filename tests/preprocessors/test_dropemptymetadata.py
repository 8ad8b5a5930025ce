"""DropEmptyMetadata: a cell DeduplicateIds emptied becomes an ordinary cell."""
from __future__ import annotations

from autograder.preprocessors import DropEmptyMetadata

from fixturenotebooks import fixture_notebook


def test_the_duplicated_answer_cell_loses_its_empty_metadata_and_the_original_keeps_its_own():
    nb, _ = DropEmptyMetadata()(fixture_notebook("answer_cell_duplicated"), {})
    assert "nbgrader" not in nb.cells[2].metadata
    assert nb.cells[1].metadata["nbgrader"]["grade_id"] == "ch1_s01_answer"
    assert nb.cells[3].metadata["nbgrader"]["grade_id"] == "ch1_s01_test"


def test_a_notebook_without_duplicates_is_unchanged():
    nb, _ = DropEmptyMetadata()(fixture_notebook("single_choice_right"), {})
    assert nb == fixture_notebook("single_choice_right")
