"""Setting up a course from the kit and releasing it with nbgrader."""
from __future__ import annotations

import pytest

from autograder.classroom.release import new_course, release

from helpers import EXERCISES


def test_released_course_has_every_assignment(released_course):
    for a in ("ch1_telephone", "ch2_smile", "ch3_complaint", "ch4_price"):
        assert (released_course / "release" / a / f"{a}.ipynb").exists()
    assert (released_course / "gradebook.db").exists()


@pytest.mark.nbgrader
def test_new_course_needs_the_kit(tmp_path):
    with pytest.raises(FileNotFoundError, match="not the kit's course folder"):
        new_course(tmp_path / "c", tmp_path / "nowhere")


@pytest.mark.nbgrader
def test_release_one_assignment(tmp_path):
    course = new_course(tmp_path / "c", EXERCISES)
    assert release(course, ["ch2_smile"]) == ["ch2_smile"]
    assert [p.name for p in (course / "release").iterdir()] == ["ch2_smile"]
