"""A submission that cannot be read at all still gets an autograded notebook.

Before: a truncated JSON file (or a file that is not a notebook) scored 0 in
the gradebook but left nothing in ``autograded/``: formgrader answered HTTP
500 for that student and ``generate_feedback`` found no notebook, so the
student never learnt what happened.  Now the release copy is written there
with every question at 0 and the reason; the student's file is kept as it
was, and the rest of the class is graded as usual.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import FIXTURES, fill, grade_id, key_answers, release_notebook, scores, submit

from autograder.grading.grader import UNREADABLE, grade_course
from autograder.grading.coursedir import course_gradebook
from autograder.grading.coursedir import scripts_env

CH1 = "ch1_telephone"
SITUATIONS = ["truncated_json", "not_a_notebook"]


def _hand_in(course: Path, student: str, fixture: str) -> bytes:
    data = (FIXTURES / "submissions" / f"{fixture}.ipynb").read_bytes()
    path = submit(course, student, CH1, "")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("fixture", SITUATIONS)
def test_unreadable_file_gets_a_zero_autograded_notebook_with_the_reason(course, fixture):
    original = _hand_in(course, "broken", fixture)
    submit(course, "honest", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    report = grade_course(course, [CH1], progress=False)

    path = course / "autograded" / "broken" / CH1 / f"{CH1}.ipynb"
    assert path.exists()
    nb = nbformat.read(path, as_version=4)
    tests = [c for c in nb.cells if c.cell_type == "code" and grade_id(c).endswith("_test")]
    assert tests and all(len(c.outputs) == 1 and c.outputs[0].name == "stderr"
                         and c.outputs[0].text.startswith(UNREADABLE) and "不是有效的 notebook" in c.outputs[0].text
                         for c in tests)
    answers = [c for c in nb.cells if c.cell_type == "code" and grade_id(c).endswith("_answer")]
    assert all(c.source.rstrip().endswith('= ""') for c in answers)  # blank: nothing of the key
    assert all(a == 0 for a, _, _ in scores(course, "broken", CH1).values() if a is not None)
    with course_gradebook(course) as gb:
        sub = gb.find_submission_notebook(CH1, CH1, "broken")
        assert sub.comments and all(c.auto_comment.startswith(UNREADABLE) for c in sub.comments)
    # the student's own file is kept, byte for byte
    assert (course / "submitted" / "broken" / CH1 / f"{CH1}.ipynb").read_bytes() == original
    # nobody else is affected
    assert sum(a or 0 for a, _, _ in scores(course, "honest", CH1).values()) > 0
    assert {i.student for i in report.issues} == {"broken"}


@pytest.mark.slow
def test_feedback_and_formgrader_view_work_for_an_unreadable_file(course):
    _hand_in(course, "broken", "truncated_json")
    submit(course, "honest", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    grade_course(course, [CH1], progress=False)
    exe = Path(sys.executable).with_name("nbgrader")
    env = scripts_env()
    out = subprocess.run([str(exe), "generate_feedback", CH1], cwd=course, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    html = (course / "feedback" / "broken" / CH1 / f"{CH1}.html").read_text(encoding="utf-8")
    assert "不是有效的 notebook" in html and "Traceback (most recent call last)" not in html
    assert (course / "feedback" / "honest" / CH1 / f"{CH1}.html").exists()

