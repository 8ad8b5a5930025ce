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

from helpers import chromium
from pages_support import (ASSIGNMENT, HONEST_TEXT, Beacon, attack_notebook, formgrader, honest_notebook,
                           kit, kit_grade, nbgrader, old_config, submission_ids, visit)



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


@pytest.mark.kernel
@pytest.mark.browser
@pytest.mark.slow
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


@pytest.mark.kernel
@pytest.mark.slow
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


@pytest.mark.kernel
@pytest.mark.slow
def test_honest_classmate_scores_are_unchanged(attacked):
    _, alone, with_attackers = attacked
    assert with_attackers == alone
    assert sum(score for score, _, _ in alone.values() if score) > 0


# ------------------------------------------------ the sanitiser itself, cell by cell (fast)

def _cell(cell_type: str, source: str, **meta) -> dict:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

    make = {"markdown": new_markdown_cell, "raw": new_raw_cell, "code": new_code_cell}[cell_type]
    cell = make(source)
    cell.metadata.update(meta)
    return cell


def _sanitize(*cells):
    from nbformat.v4 import new_notebook

    from autograder.preprocessors import SanitizeStudentHtml

    nb, _ = SanitizeStudentHtml()(new_notebook(cells=list(cells)), {})
    return nb.cells


def test_markdown_keeps_formatting_and_drops_every_active_part():
    from nbconvert.filters.markdown import markdown2html

    (cell,) = _sanitize(_cell("markdown", "**先问候**，再报工号 a<b\n\n- 一\n- 二\n\n"
                                          "[x](javascript:alert(1)) <img src=x onerror=alert(1)> "
                                          "$\\href{javascript:alert(1)}{y}$ <details open ontoggle=alert(1)>d</details>"))
    html = markdown2html(cell.source)  # what formgrader and feedback render
    assert "<strong>先问候</strong>" in html and "<li>一</li>" in html and "a&lt;b" in html
    for bad in ('="javascript:', "onerror", "ontoggle", "<details", "$\\href"):
        assert bad not in html, bad
    assert "$\\ href{" in html  # MathJax's \\href defused: inert text
    assert _sanitize(_cell("markdown", cell.source))[0].source.count("先问候") == 1  # stable when run again


def test_forged_locked_cell_raw_cell_outputs_and_comments_are_cleaned():
    from nbformat.v4 import new_output

    forged = _cell("markdown", "<script>x()</script>", nbgrader={"locked": True, "grade_id": "", "schema_version": 3})
    trusted = _cell("markdown", "<u>题目</u>", nbgrader={"locked": True, "grade_id": "q1", "schema_version": 3})
    raw = _cell("raw", "<img src=x onerror=alert(1)>", raw_mimetype="text/html")
    code = _cell("code", "x", tags=['a" onmouseover="x', "ok-tag"])
    code.outputs = [new_output("display_data", data={"text/html": "<b>b</b><script>x()</script>",
                                                     "application/javascript": "x()", "image/svg+xml": "<svg/>",
                                                     "text/plain": "<b>"}, metadata={"image/png": {"width": "1 onload=x"}}),
                    new_output("stream", name="stderr", text="<script>kept as text</script>")]
    answer = _cell("markdown", "答", nbgrader={"solution": True, "grade": True, "grade_id": "a1", "points": 1,
                                               "schema_version": 3, "comment": "<img src=x onerror=alert(1)>好"})
    forged, trusted, raw, code, answer = _sanitize(forged, trusted, raw, code, answer)
    assert "script" not in forged.source and trusted.source == "<u>题目</u>"
    assert "onerror" not in raw.source
    assert code.metadata.tags == ["ok-tag"]
    display, stream = code.outputs
    assert display.data == {"text/html": "<b>b</b>", "text/plain": "<b>"} and display.metadata == {}
    assert stream.text == "<script>kept as text</script>"  # templates escape streams; nbgrader scores them
    assert "onerror" not in answer.metadata.nbgrader.comment and "好" in answer.metadata.nbgrader.comment
