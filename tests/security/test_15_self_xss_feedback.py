"""Item 15 (and the feedback half of item 1): a student's payloads never run in the feedback page.

The attacker's notebook carries the payloads of test 01.  It is graded by the
kit's grader, then ``nbgrader generate_feedback`` writes the HTML feedback,
once with a course config copied before the sanitiser existed (the kit's
``FeedbackAnswers`` still sanitises) and once with the course config.  Each
page is opened in real Chromium as the student (or an instructor) would.
"""
from __future__ import annotations

import shutil

import pytest

from helpers import chromium
from pages_support import (ASSIGNMENT, HONEST_TEXT, Beacon, attack_notebook, honest_notebook, kit,
                           kit_grade, nbgrader, old_config, visit)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def beacon():
    with Beacon() as b:
        yield b


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory, beacon):
    alone = shutil.copytree(released_course, tmp_path_factory.mktemp("alone") / "course")
    kit.submit(alone, "honest", ASSIGNMENT, honest_notebook(alone))
    kit_grade(alone)
    course = shutil.copytree(released_course, tmp_path_factory.mktemp("feedback") / "course")
    kit.submit(course, "honest", ASSIGNMENT, honest_notebook(course))
    kit.submit(course, "mallory", ASSIGNMENT, attack_notebook(course, beacon.url))
    kit_grade(course)
    return course, kit.scores(alone, "honest", ASSIGNMENT)


@pytest.mark.parametrize("config", ["course config", "config copied before the fix"])
def test_no_payload_runs_in_the_feedback_page(graded, beacon, config, tmp_path):
    course, _ = graded
    work = shutil.copytree(course, tmp_path / "course")
    if config != "course config":
        old_config(work)
    nbgrader(work, "generate_feedback", ASSIGNMENT, "--force")
    page = work / "feedback" / "mallory" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    honest_page = work / "feedback" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    with chromium() as browser:
        fired, html = visit(browser, page.as_uri())
        honest_fired, _ = visit(browser, honest_page.as_uri())
    assert fired == [] and honest_fired == [], fired + honest_fired
    assert beacon.hits == [], beacon.hits
    # the real feedback (the kit's Chinese page, with scores), with the student's words
    assert HONEST_TEXT in html and "作业反馈" in html and "待评分" in html


def test_honest_classmate_scores_are_unchanged(graded):
    course, alone = graded
    assert kit.scores(course, "honest", ASSIGNMENT) == alone
