"""CheckMetadata: nbgrader's CheckCellMetadata checks, with the schema compiled once."""
from __future__ import annotations

import pytest
from nbgrader.preprocessors import CheckCellMetadata

from autograder.preprocessors import CheckMetadata

from fixturenotebooks import fixture_notebook


@pytest.mark.parametrize("breakage", [
    lambda m: m.pop("grade_id"),
    lambda m: m.update(points="many"),
    lambda m: m.update(schema_version=1),
    lambda m: m.update(schema_version=99),
    lambda m: m.update(grade="yes"),
])
def test_rejects_what_nbgrader_rejects_with_the_same_error(breakage):
    ours, theirs = fixture_notebook("single_choice_right"), fixture_notebook("single_choice_right")
    breakage(ours.cells[2].metadata["nbgrader"])
    breakage(theirs.cells[2].metadata["nbgrader"])
    with pytest.raises(Exception) as got:
        CheckMetadata()(ours, {})
    with pytest.raises(Exception) as expected:
        CheckCellMetadata()(theirs, {})
    assert type(got.value) is type(expected.value)


def test_accepts_a_good_notebook_unchanged():
    nb = fixture_notebook("single_choice_right")
    out, _ = CheckMetadata()(fixture_notebook("single_choice_right"), {})
    assert out == nb
