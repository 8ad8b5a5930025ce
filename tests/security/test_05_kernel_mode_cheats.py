"""Item 5: the one-line kernel-mode cheats (``AUTOGRADER_EXECUTE=1 nbgrader autograde``).

Each cheater submits all-wrong answers plus one cell of their own that
silences the channel the hidden test reports a zero through, or replaces
the grading function.  Under the course config the bank's questions are
re-scored from the notebook outside the kernel after execution, so every
cheater scores exactly what the same wrong answers score without the cheat,
and the honest student scores what the kernel-free grader gives.

Out of scope (README, SECURITY.md): kernel mode runs student code with the
instructor's rights, so code that writes the gradebook or files directly
belongs to a sandbox, not to this test.
"""
from __future__ import annotations

import shutil

import pytest

from pages_support import ASSIGNMENT, honest_notebook, kit, kit_grade, nbgrader

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

CHEATS = {
    "stderr_to_stdout": "import sys\nsys.stderr = sys.stdout",
    "stderr_to_dunder": "import sys\nsys.stderr = sys.__stderr__",
    "print_silenced": "import builtins\nbuiltins.print = lambda *a, **k: None",
    "grade_question_patched": (
        "import autograder.autotest as t\n"
        "t.grade_question = lambda spec, *a, **k: t.Outcome(spec['qid'], spec['var'], float(spec['points']),\n"
        "                                                   float(spec['points']), 'correct', '满分')"),
    "run_test_patched": "import autograder.autotest as t\nt.run_test = lambda spec: None",
}

# student code that displays live HTML: formgrader would render it as it is
HTML_OUTPUT = ("from IPython.display import HTML, Javascript, SVG, display\n"
               "display(HTML('<b>粗体</b><img src=x onerror=\"window.__pwned=1\">'))\n"
               "display(Javascript('window.__pwned=1'))\n"
               "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned=1\"/>'))")


def _cheater(course, code: str) -> dict:
    nb = kit.fill(kit.release_notebook(course, ASSIGNMENT), kit.key_answers(ASSIGNMENT, wrong=True))
    nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": code})
    return nb


@pytest.fixture(scope="module")
def kernel_graded(released_course, tmp_path_factory):
    free = shutil.copytree(released_course, tmp_path_factory.mktemp("free") / "course")
    kit.submit(free, "honest", ASSIGNMENT, honest_notebook(free))
    kit_grade(free)

    course = shutil.copytree(released_course, tmp_path_factory.mktemp("kernel") / "course")
    kit.submit(course, "honest", ASSIGNMENT, honest_notebook(course))
    kit.submit(course, "wrong", ASSIGNMENT,
               kit.fill(kit.release_notebook(course, ASSIGNMENT), kit.key_answers(ASSIGNMENT, wrong=True)))
    for name, code in CHEATS.items():
        kit.submit(course, name, ASSIGNMENT, _cheater(course, code))
    kit.submit(course, "html_output", ASSIGNMENT, _cheater(course, HTML_OUTPUT))
    nbgrader(course, "autograde", ASSIGNMENT, env={"AUTOGRADER_EXECUTE": "1"})
    return course, kit.scores(free, "honest", ASSIGNMENT)


@pytest.mark.parametrize("cheat", list(CHEATS))
def test_cheat_scores_what_the_wrong_answers_score(kernel_graded, cheat):
    course, _ = kernel_graded
    wrong = kit.scores(course, "wrong", ASSIGNMENT)
    assert kit.scores(course, cheat, ASSIGNMENT) == wrong
    # the wrong answers earn nothing, except a whole call's bad script, which earns its annotated share
    from autograder.questionbank.load import load_bank

    chapter = next(c for c in load_bank(kit.EXERCISES / "bank") if c.assignment == ASSIGNMENT)
    bad_calls = {f"{q.id}_test": q.points * q.call.bad_call.score for q in chapter.questions if q.type == "call"}
    for cell, (score, _, _) in wrong.items():
        assert (score or 0) == pytest.approx(bad_calls.get(cell, 0), abs=0.01 * 10), cell


def test_cheats_really_ran_in_the_kernel(kernel_graded):
    """The cheat cell executed (its effect shows in its own notebook), so the scores above mean something."""
    import json

    course, _ = kernel_graded
    nb = json.loads((course / "autograded" / "stderr_to_stdout" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8"))
    cheat = nb["cells"][1]
    assert "sys.stderr = sys.stdout" in cheat["source"] and cheat["execution_count"]


def test_honest_student_scores_as_kernel_free(kernel_graded):
    course, free = kernel_graded
    assert kit.scores(course, "honest", ASSIGNMENT) == free
    assert sum(score or 0 for score, _, _ in free.values()) > 0


def test_html_the_kernel_displays_is_sanitised(kernel_graded):
    import json

    course, _ = kernel_graded
    nb = json.loads((course / "autograded" / "html_output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8"))
    outputs = nb["cells"][1]["outputs"]
    assert outputs, "the student's cell ran and displayed something"
    data = json.dumps([o.get("data", {}) for o in outputs], ensure_ascii=False)
    assert "<b>粗体</b>" in data  # harmless formatting survives
    for bad in ("onerror", "application/javascript", "image/svg+xml", "onload"):
        assert bad not in data, bad
