"""With KEFU_TEST_POSTGRES=1 the gradebook tests really run against PostgreSQL, one database per course copy."""
from __future__ import annotations

import pgtier
import pytest
from helpers import fill, key_answers, release_notebook, scores, submit

pytestmark = pytest.mark.skipif(not pgtier.ENABLED, reason="the PostgreSQL tier is off (KEFU_TEST_POSTGRES=1 turns it on)")


def test_a_course_copy_grades_into_its_own_postgres_database(course, released_course):
    from autograder.grading.grader import grade_course
    from autograder.grading.coursedir import load_config

    url = load_config(course).CourseDirectory.db_url
    assert url.startswith(f"postgresql+psycopg://{pgtier.ROLE}:") and "@127.0.0.1:" in url
    assert url != load_config(released_course).CourseDirectory.db_url
    submit(course, "pg1", "ch4_price", fill(release_notebook(course, "ch4_price"), key_answers("ch4_price")))
    report = grade_course(course, ["ch4_price"], progress=False)
    assert not report.issues
    assert not (course / "gradebook.db").exists()
    got = scores(course, "pg1", "ch4_price")
    assert got and all(auto is not None for auto, _, needs in got.values() if not needs)
