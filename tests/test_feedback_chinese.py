"""Feedback students get is in Chinese: 第N题（题型） with its score, rewrite findings, 待评分 until graded by hand.

Before: nbgrader's English template ("Test cell (Score …)" per question,
"Student's answer", "Comments: No response"), an ungraded short answer shown
as 0, and no word to the instructor that feedback went out before grading.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import EXERCISES, fill, key_answers, release_notebook, submit

from autograder.questionbank.load import load_bank
from autograder.grading.coursedir import course_gradebook
from autograder.grading.grader import grade_course
from autograder.preprocessors import FeedbackQuestions
from autograder.grading.coursedir import scripts_env

CH1 = "ch1_telephone"
BIN = Path(sys.executable).parent


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = scripts_env()
    out = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def _chapter():
    return next(c for c in load_bank(EXERCISES / "bank") if c.assignment == CH1)


@pytest.fixture
def short_answer_not_graded_yet(course: Path) -> Path:
    """Wrong answers and a short answer, graded kernel-free: the short answer waits for a grader."""
    answers = key_answers(CH1, wrong=True)
    del answers[next(q.var for q in _chapter().questions if q.type == "single")]  # one left empty: 未作答
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), answers, short="我会先问候客户，再报工号。"))
    grade_course(course, [CH1], progress=False)
    return course


def _html(course: Path) -> str:
    return (course / "feedback" / "s1" / CH1 / f"{CH1}.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_feedback_labels_each_question_in_chinese_and_marks_the_short_answer_pending(short_answer_not_graded_yet):
    course = short_answer_not_graded_yet
    out = _nbgrader(course, "generate_feedback", CH1)
    html, text = _html(course), _text(_html(course))
    ch = _chapter()
    from autograder.preprocessors.feedbackquestions import TYPE_LABELS as labels

    for q in ch.questions:
        assert f"{q.var}（{labels[q.type]}）" in text, q.var
    for english in ("Test cell", "Student's answer", "Comments:", "Score:", "Written response", "No response"):
        assert english not in text, english
    assert "评语： 未作答。" in text  # nbgrader's "No response." for the empty answer, even after sanitising
    short = next(q for q in ch.questions if q.type == "short")
    assert re.search(rf"{short.var}（简答题） 待评分", text)
    single = next(q for q in ch.questions if q.type == "single")
    assert re.search(rf"{single.var}（单选题） 0 / {single.points:g} 分", text)
    # a rewrite's findings and what to say instead
    rewrite = next(q for q in ch.questions if q.type == "rewrite")
    assert "改写未通过" in text and "可以这样说" in text
    from autograder import check

    finding = check(rewrite.bad, rewrite.scenario, original=rewrite.bad).findings[0]
    assert finding.message[:12] in text
    assert "run_test" not in html and rewrite.model_answer not in html
    # the instructor is told who and what is still ungraded
    log = out.stdout + out.stderr
    assert f"s1 的 {CH1}/{CH1} 还有 1 题没有人工评分：{short.var}（简答题）" in log


@pytest.mark.slow
def test_feedback_shows_the_manual_grade_once_given(short_answer_not_graded_yet):
    course = short_answer_not_graded_yet
    short = next(q for q in _chapter().questions if q.type == "short")
    with course_gradebook(course) as gb:
        gb.find_grade(short.grade_cell, CH1, CH1, "s1").manual_score = 3
        gb.db.commit()
    out = _nbgrader(course, "generate_feedback", CH1, "--force")
    text = _text(_html(course))
    assert "待评分" not in text and "没有人工评分" not in out.stdout + out.stderr
    assert re.search(rf"{short.var}（简答题） 3 / {short.points:g} 分", text)


def test_a_new_question_type_only_needs_its_label():
    """The labels come from the test spec's type, else from the question heading: no template change."""
    def cell(kind, gid, source, **nbg):
        meta = {"nbgrader": {"grade_id": gid, "grade": False, "solution": False, "locked": True, **nbg}}
        if kind == "code":
            return nbformat.v4.new_code_cell(source, metadata=meta)
        return nbformat.v4.new_markdown_cell(source, metadata=meta)

    spec = '{"qid": "ch9_c01", "type": "roleplay", "var": "第1题", "points": 10}'
    nb = nbformat.v4.new_notebook(cells=[
        cell("markdown", "ch9_c01_question", "### 第1题（演练题，10 分）\n\n接一通投诉电话。"),
        cell("code", "ch9_c01_answer", '第1题 = ""', solution=True, locked=False),
        cell("code", "ch9_c01_test", f"run_test({spec})", grade=True, points=10),
    ])
    found = FeedbackQuestions()._questions(nb)
    assert found["ch9_c01"]["label"] == "第1题（演练题）" and found["ch9_c01"]["grade_cell"] == "ch9_c01_test"
    labelled = FeedbackQuestions(type_labels={"roleplay": "角色扮演题"})._questions(nb)
    assert labelled["ch9_c01"]["label"] == "第1题（角色扮演题）"


def test_feedback_labels_every_question_type_as_the_bank_headings_do():
    from autograder.questionbank.load import TYPE_ORDER
    from autograder.preprocessors.feedbackquestions import TYPE_LABELS
    from autograder.questiontypes import TYPE_LABEL

    assert TYPE_LABELS == TYPE_LABEL and set(TYPE_LABELS) == set(TYPE_ORDER)
