"""Issue 15 item 10: taboo evasion.

Invisible characters the normaliser kept (bidi marks, invisible operators,
variation selectors, tag characters, Hangul and braille fillers…) split a
taboo and the answer passed; so did visible separators (我怎么，知道, ·, _,
emoji) and spelling variants (我哪晓得, wo怎么知道, 不造, 俺怎么知道, 知到).
"""
from __future__ import annotations

import json

import pytest

from autograder import check

INVISIBLE = ["\u200e", "\u200f", "\u202a", "\u202c", "\u202e", "\u2061", "\u2062", "\u180e", "\u034f",
             "\ufe0f", "\ufe00", "\U000e0020", "\u3164", "\uffa0", "\u2800", "\ufff9", "\ufffc", "\ufdd0", "\ud800"]
SEPARATORS = ["，", ",", "·", "_", "*", "~", "😀", "🙂", " ", "　", "、", "・", "-"]
TABOOS = [("我怎么知道", "taboo.question"), ("我不知道", "taboo.shirk"), ("这都听不懂", "taboo.question")]
GOOD_HOLD = "请您稍等，我帮您查询一下。"


def _split(phrase: str, sep: str) -> str:
    return sep.join(phrase)


@pytest.mark.parametrize("phrase, rule", TABOOS)
@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_inside_a_taboo_do_not_hide_it(phrase, rule, invisible):
    r = check(GOOD_HOLD + _split(phrase, invisible), "hold")
    assert not r.passed and r.score == 0.0
    (f,) = [f for f in r.findings if f.rule == rule]
    a, b = f.span
    assert r.findings and (GOOD_HOLD + _split(phrase, invisible))[a:b].startswith(phrase[0])


@pytest.mark.parametrize("phrase, rule", TABOOS)
@pytest.mark.parametrize("sep", SEPARATORS)
def test_visible_separators_inside_a_taboo_do_not_hide_it(phrase, rule, sep):
    r = check(GOOD_HOLD + _split(phrase, sep), "hold")
    assert not r.passed and r.score == 0.0
    assert rule in {f.rule for f in r.findings if f.kind == "forbidden"}


@pytest.mark.parametrize("variant, rule", [
    ("我哪晓得", "taboo.question"), ("我怎么曉得", "taboo.question"), ("wo怎么知道", "taboo.question"),
    ("我zen么知道", "taboo.question"), ("俺怎么知道", "taboo.question"), ("我怎么知到", "taboo.question"),
    ("我怎么智道", "taboo.question"), ("不造", "taboo.shirk"), ("我不造啊", "taboo.shirk"),
    ("您找谁", "taboo.question"),
])
def test_spelling_variants_of_a_taboo_are_caught(variant, rule):
    r = check(f"{GOOD_HOLD}{variant}！", "hold")
    assert not r.passed
    assert rule in {f.rule for f in r.findings if f.kind == "forbidden"}


@pytest.mark.parametrize("text", [
    "请您稍等，我帮您查询一下，好吗？",
    "好的，知道了，请您稍等，我帮您查询一下。",        # a comma between two ordinary clauses
    "请您稍等😀，我帮您查询一下。",
    "不知道您现在方便吗？请您稍等，我帮您查询一下。",
])
def test_ordinary_answers_with_separators_still_pass(text):
    assert check(text, "hold").passed


def test_a_course_grades_an_evasive_rewrite_as_a_taboo(course):
    from helpers import EXERCISES, fill, key_answers, release_notebook, scores, submit

    from autograder.questionbank.load import load_bank
    from autograder.grading.grader import grade_course

    assignment = "ch2_smile"
    chapter = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == assignment)
    q = next(q for q in chapter.questions if q.type == "rewrite")
    answers = key_answers(assignment)
    submit(course, "honest", assignment, fill(release_notebook(course, assignment), answers))
    evasive = q.model_answer + "我怎么\u200e知道" + "，我·不·知·道"
    submit(course, "evader", assignment,
           fill(release_notebook(course, assignment), dict(answers, **{q.var: json.dumps(evasive)})))
    grade_course(course, [assignment], progress=False)
    honest, evader = scores(course, "honest", assignment), scores(course, "evader", assignment)
    assert honest[q.grade_cell][0] > 0 and evader[q.grade_cell][0] == 0
    for cell, (auto, _, _) in honest.items():
        if cell != q.grade_cell:
            assert evader[cell][0] == auto
