"""The same notebooks under stock nbgrader (kernel execution), and feedback.

Stock ``nbgrader autograde`` runs the hidden tests in a kernel
(AUTOGRADER_EXECUTE=1 switches the course config back to nbgrader's
``Execute``).  It must give the scores the kernel-free grader gives on honest
submissions, score the source solutions full and a blank release 0.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from autograder.grading.coursedir import course_gradebook

from autograder.questionbank.load import load_bank
from autograder.grading.grader import grade_course
from autograder.classroom.simulate import simulate_class

from helpers import EXERCISES, fill, key_answers, release_notebook, submit
from autograder.grading.coursedir import quiet_nbgrader_warnings, scripts_env

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.kernel]
BIN = Path(sys.executable).parent


def _nbgrader(course: Path, *args: str, execute: bool = True) -> subprocess.CompletedProcess:
    env = scripts_env()
    if execute:
        env["AUTOGRADER_EXECUTE"] = "1"
    out = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def _autograde_all(course: Path) -> None:
    for ch in load_bank(EXERCISES / "bank"):
        _nbgrader(course, "autograde", ch.assignment)


def _all_scores(course: Path) -> dict:
    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            out = {}
            for a in gb.assignments:
                for sub in a.submissions:
                    for nb in sub.notebooks:
                        for g in nb.grades:
                            out[(sub.student.id, a.name, g.name)] = g.auto_score
            return out


@pytest.fixture(scope="module")
def stock_course(released_course, tmp_path_factory) -> Path:
    """Three students under stock nbgrader: the source solutions, a blank release, wrong answers."""
    course = tmp_path_factory.mktemp("stock") / "course"
    shutil.copytree(released_course, course)
    for ch in load_bank(EXERCISES / "bank"):
        a = ch.assignment
        source = json.loads((course / "source" / a / f"{a}.ipynb").read_text(encoding="utf-8"))
        submit(course, "solutions", a, source)
        submit(course, "blank", a, release_notebook(course, a))
        submit(course, "wrong", a, fill(release_notebook(course, a), key_answers(a, wrong=True)))
    _autograde_all(course)
    return course


def test_source_solutions_score_full_marks_under_stock_nbgrader(stock_course):
    got = _all_scores(stock_course)
    for ch in load_bank(EXERCISES / "bank"):
        for q in ch.questions:
            score = got[("solutions", ch.assignment, q.grade_cell)]
            if q.type == "short":
                continue  # graded by hand
            assert score == q.points, (q.id, score)


def test_blank_release_scores_zero_under_stock_nbgrader(stock_course):
    got = _all_scores(stock_course)
    blank = {k: v for k, v in got.items() if k[0] == "blank"}
    assert blank and all(v == 0 for v in blank.values()), {k: v for k, v in blank.items() if v != 0}


def test_wrong_answers_score_zero_under_stock_nbgrader(stock_course):
    got = _all_scores(stock_course)
    for ch in load_bank(EXERCISES / "bank"):
        for q in ch.questions:
            if q.type == "call":  # the bad call earns what the bank says it earns
                assert got[("wrong", ch.assignment, q.grade_cell)] == pytest.approx(
                    q.points * q.call.bad_call.score, abs=0.05 * q.points), q.id
            elif q.type != "short":
                assert got[("wrong", ch.assignment, q.grade_cell)] == 0, q.id


def test_kernel_free_matches_stock_on_blank_and_wrong_and_refuses_the_solutions(stock_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(stock_course, course, ignore=shutil.ignore_patterns("autograded", "gradebook.db"))
    from autograder.classroom.release import release

    release(course)
    grade_course(course, progress=False)
    free, stock = _all_scores(course), _all_scores(stock_course)
    honest = lambda scores: {k: v for k, v in scores.items() if k[0] != "solutions"}  # noqa: E731
    assert honest(free) == honest(stock)
    # the source notebook handed in: stock nbgrader gives it full marks, the kit refuses it (a copy of the key)
    assert all(v == 0 for k, v in free.items() if k[0] == "solutions")


def test_kernel_free_equals_stock_on_an_honest_simulated_class(released_course, tmp_path):
    stock, free = tmp_path / "stock", tmp_path / "free"
    shutil.copytree(released_course, stock)
    simulate_class(stock, n_students=5, seed=11, bad_inputs=False)
    shutil.copytree(stock, free)
    _autograde_all(stock)
    grade_course(free, progress=False)
    a, b = _all_scores(stock), _all_scores(free)
    assert len(a) == 5 * sum(len(ch.questions) for ch in load_bank(EXERCISES / "bank"))
    assert a == b, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
    # the class has partial credit and a spread of answers, so the comparison means something
    values = [v for v in a.values() if v is not None]
    assert any(0 < v < 2 for v in values) and values.count(0) > 5
    # both store the same rule findings with the graded notebooks (what the export reads)
    records = _records(stock)
    assert records and records == _records(free)


def _records(course: Path) -> dict:
    """(student, assignment, test cell) -> the findings grading stored in the autograded notebook."""
    from autograder.grading.decisions import METADATA_KEY

    out = {}
    for path in (course / "autograded").rglob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if METADATA_KEY in cell.get("metadata", {}):
                key = (path.parts[-3], path.parts[-2], cell["metadata"]["nbgrader"]["grade_id"])
                out[key] = cell["metadata"][METADATA_KEY]
    return out


def _as_expression(rhs: str, i: int) -> str:
    """The same answer typed as a constant string expression: f"…", "a" + "b", or in brackets."""
    text = json.loads(rhs)
    if len(text) < 2:
        return f"f{rhs}" if i % 2 else f"({rhs})"
    half = len(text) // 2
    left, right = (json.dumps(part, ensure_ascii=False) for part in (text[:half], text[half:]))
    return [f"{left} + {right}", f"f{left} + ({right})", f"({left} + f{right})"][i % 3]


def test_constant_string_expressions_score_as_under_stock_nbgrader(released_course, tmp_path):
    """f"C", "A" + "C" and ("…") are what a kernel turns them into: full marks both ways."""
    stock = tmp_path / "stock"
    shutil.copytree(released_course, stock)
    chapters = load_bank(EXERCISES / "bank")[:2]
    for ch in chapters:
        answers = {var: _as_expression(rhs, i) for i, (var, rhs) in enumerate(key_answers(ch.assignment).items())}
        assert any("+" in v for v in answers.values()) and any(v.startswith("f") for v in answers.values())
        submit(stock, "expr", ch.assignment, fill(release_notebook(stock, ch.assignment), answers))
    free = tmp_path / "free"
    shutil.copytree(stock, free)
    for ch in chapters:
        _nbgrader(stock, "autograde", ch.assignment)
    grade_course(free, progress=False)
    a, b = _all_scores(stock), _all_scores(free)
    assert a == b, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
    for ch in chapters:
        for q in ch.questions:
            if q.type != "short":
                assert b[("expr", ch.assignment, q.grade_cell)] == q.points, q.id


# ---------------------------------------------------------------- feedback

@pytest.fixture(scope="module")
def feedback_course(released_course, tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("feedback") / "course"
    shutil.copytree(released_course, course)
    a = "ch1_telephone"
    answers = key_answers(a, wrong=True)
    submit(course, "s1", a, fill(release_notebook(course, a), answers, short="我会先问候客户。"))
    grade_course(course, [a], progress=False)
    return course


def _feedback_html(course: Path, *extra: str) -> str:
    _nbgrader(course, "generate_feedback", "ch1_telephone", "--force", *extra, execute=False)
    return (course / "feedback" / "s1" / "ch1_telephone" / "ch1_telephone.html").read_text(encoding="utf-8")


def test_feedback_shows_results_but_never_test_code_keys_or_rubrics(feedback_course):
    html = _feedback_html(feedback_course)
    ch = load_bank(EXERCISES / "bank")[0]
    for marker in ("run_test", "BEGIN HIDDEN TESTS", "autograder.autotest", "&quot;key&quot;", "MARK SCHEME", "评分要点"):
        assert marker not in html, marker
    for q in ch.questions:
        if q.type == "rewrite":
            assert q.model_answer not in html
        for item in q.rubric:
            assert item not in html
        for line in (q.reference_answer + "\n" + q.borderline_answer).splitlines():
            assert not line.strip() or line.strip() not in html, line
    assert "参考答案（满分）" not in html and "临界答案" not in html
    assert "回答不正确" in html and "改写未通过" in html  # each question's result
    assert "原句" in html  # the engine's messages and the question text are there
    call = next(q for q in ch.questions if q.type == "call")
    assert not any(line in html for line in call.call.model_call)
    # the call's walkthrough: every turn, then the call as a whole
    assert "逐句检查" in html and "整通电话" in html
    assert all(f"第{n}句（" in html for n in range(1, call.call.agent_turns + 1))


def test_instructor_can_choose_to_show_keys_in_feedback(feedback_course):
    html = _feedback_html(feedback_course, "--FeedbackAnswers.show_key=True")
    ch = load_bank(EXERCISES / "bank")[0]
    assert "正确答案" in html and "参考答案" in html
    rewrite = next(q for q in ch.questions if q.type == "rewrite")
    assert rewrite.model_answer in html
    call = next(q for q in ch.questions if q.type == "call")
    assert "参考通话" in html and all(line in html for line in call.call.model_call)
    assert "run_test" not in html and "BEGIN HIDDEN TESTS" not in html
