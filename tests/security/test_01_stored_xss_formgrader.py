"""Item 1: stored XSS in formgrader.  A student's answer must never run in the instructor's grading view.

The attacker writes HTML and markdown payloads into the short answer, an
added markdown cell, a forged "locked" cell, a raw HTML cell and a choice
answer.  One attacker is graded by the kit's grader with a course config
copied before the sanitiser existed, the other by stock ``nbgrader
autograde`` with the course config.  Formgrader (a real Jupyter server,
token auth, 127.0.0.1) shows each submission to real Chromium; no payload
may run, the student's text must still be there, and the honest
classmate's scores must be what they are without the attacker.
"""
from __future__ import annotations

import shutil

import pytest

from pages_support import (ASSIGNMENT, HONEST_TEXT, Beacon, attack_notebook, chromium, formgrader, honest_notebook,
                           kit, kit_grade, nbgrader, old_config, submission_ids, visit)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def beacon():
    with Beacon() as b:
        yield b


@pytest.fixture(scope="module")
def attacked(released_course, tmp_path_factory, beacon):
    """(course, honest scores alone, honest scores with the attackers) after grading both ways."""
    alone = shutil.copytree(released_course, tmp_path_factory.mktemp("alone") / "course")
    kit.submit(alone, "honest", ASSIGNMENT, honest_notebook(alone))
    kit_grade(alone)

    course = shutil.copytree(released_course, tmp_path_factory.mktemp("xss") / "course")
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    kit.submit(course, "honest", ASSIGNMENT, honest_notebook(course))
    kit.submit(course, "mallory_kit", ASSIGNMENT, attack_notebook(course, beacon.url))
    old_config(course)  # the kit's grader must sanitise whatever the config says
    kit_grade(course)
    (course / "nbgrader_config.py").write_text(config, encoding="utf-8")
    kit.submit(course, "mallory_stock", ASSIGNMENT, attack_notebook(course, beacon.url))
    nbgrader(course, "autograde", ASSIGNMENT, "--student", "mallory_stock")
    return course, kit.scores(alone, "honest", ASSIGNMENT), kit.scores(course, "honest", ASSIGNMENT)


@pytest.mark.parametrize("student", ["mallory_kit", "mallory_stock"])
def test_no_payload_runs_in_formgrader_grading_view(attacked, beacon, student, tmp_path):
    course, _, _ = attacked
    ids = submission_ids(course)
    with formgrader(course, tmp_path / "jupyter") as (base, token), chromium() as browser:
        fired, html = visit(browser, f"{base}/formgrader/submissions/{ids[student]}/?token={token}")
        honest_fired, honest_html = visit(browser, f"{base}/formgrader/submissions/{ids['honest']}/?token={token}")
    assert fired == [] and honest_fired == [], fired + honest_fired
    assert beacon.hits == [], beacon.hits
    # the page is the real grading view, with the student's words still readable
    assert "Submission" in html and HONEST_TEXT in html
    assert "接听电话要先问候" in honest_html


def test_autograded_notebook_keeps_no_live_html(attacked, beacon):
    import json

    course, _, _ = attacked
    for student in ("mallory_kit", "mallory_stock"):
        nb = json.loads((course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8"))
        # what templates render as HTML: markdown and raw cells, rich outputs (code is highlighted, escaped)
        rendered = [c["source"] for c in nb["cells"] if c["cell_type"] != "code"]
        rendered += [o.get("data", {}) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        text = json.dumps(rendered, ensure_ascii=False).lower()
        assert HONEST_TEXT.lower() in text
        for marker in ("<script", "onerror", "onbegin", "ontoggle", "onload", "onfocus", "javascript:", "<iframe",
                       "<svg", "<style", "<object", "<meta"):
            assert marker not in text, (student, marker)
        assert "widgets" not in nb["metadata"]


def test_honest_classmate_scores_are_unchanged(attacked):
    _, alone, with_attackers = attacked
    assert with_attackers == alone
    assert sum(score for score, _, _ in alone.values() if score) > 0
