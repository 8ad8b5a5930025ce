"""Issue 15 item 9: the universal answer.

All the bank's rewrite model answers joined into one paragraph passed every
scenario: 90/90 points in every rewrite box.  A rewrite answer must be one
spoken turn for its own situation: markers of other scenarios and an answer
far longer than a turn fail, with a message that says why.
"""
from __future__ import annotations

import json

import pytest

from autograder import check
from autograder.engine import engine
from autograder.questionbank.load import load_bank

from helpers import EXERCISES

CHAPTERS = load_bank(EXERCISES / "bank")
REWRITES = [q for ch in CHAPTERS for q in ch.questions if q.type == "rewrite"]
UNIVERSAL = "".join(q.model_answer for q in REWRITES)
SCENARIOS = sorted({s.key for s in engine.scenarios()})
# markers of several other situations, or of one easily confused with this one
OFF_TOPIC = {"answer.other_scenarios", "answer.wrong_scenario"}


def test_the_universal_answer_is_as_long_as_the_attack():
    assert len(UNIVERSAL) > 600 and len({q.scenario for q in REWRITES}) == len(SCENARIOS)


@pytest.mark.parametrize("key", SCENARIOS)
def test_the_universal_answer_fails_every_scenario_and_says_why(key):
    r = check(UNIVERSAL, key)
    assert not r.passed and r.score == 0.0
    rules = {f.rule for f in r.findings if f.kind == "forbidden"}
    assert "answer.too_long" in rules and rules & OFF_TOPIC
    other = next(f for f in r.findings if f.rule in OFF_TOPIC)
    a, b = other.span
    assert UNIVERSAL[a:b]  # quotes the first foreign marker
    assert other.suggestion == engine.get_scenario(key).suggestion


@pytest.mark.parametrize("chapter", [ch for ch in CHAPTERS if len({q.scenario for q in ch.questions
                                                                     if q.type == "rewrite"}) > 1],
                         ids=lambda ch: ch.assignment)
def test_a_chapter_sized_universal_answer_fails_every_box_of_that_chapter(chapter):
    rewrites = [q for q in chapter.questions if q.type == "rewrite"]
    joined = "".join(q.model_answer for q in rewrites)
    for q in rewrites:
        r = check(joined, q.scenario)
        assert not r.passed, (q.id, q.scenario)
        assert {f.rule for f in r.findings} & OFF_TOPIC


@pytest.mark.parametrize("q", REWRITES, ids=lambda q: q.id)
def test_each_model_answer_alone_still_passes(q):
    r = check(q.model_answer, q.scenario)
    assert r.passed and r.score == 1.0
    assert not {f.rule for f in r.findings} & (OFF_TOPIC | {"answer.too_long"})


@pytest.mark.parametrize("text, key", [
    # one other situation's phrase is natural in a long good answer: not flagged
    ("非常抱歉给您添麻烦了，我马上安排师傅上门处理，今天下午五点前给您答复。请您留下联系电话，方便师傅联系您。", "complaint_accept"),
    ("对不起，这件事超出了我的权限，我请主管在两小时内与您联系，您看可以吗？让您久等了，真不好意思。", "escalate"),
])
def test_a_good_answer_with_one_borrowed_phrase_still_passes(text, key):
    assert check(text, key).passed


def test_the_kit_grader_scores_the_universal_answer_zero_in_every_rewrite_box(course):
    from helpers import fill, key_answers, release_notebook, scores, submit

    from autograder.grading.grader import grade_course

    assignments = [ch.assignment for ch in CHAPTERS]
    for a in assignments:
        answers = key_answers(a)
        submit(course, "honest", a, fill(release_notebook(course, a), answers))
        chapter = next(ch for ch in CHAPTERS if ch.assignment == a)
        attack = dict(answers, **{q.var: json.dumps(UNIVERSAL, ensure_ascii=False)
                                  for q in chapter.questions if q.type == "rewrite"})
        submit(course, "universal", a, fill(release_notebook(course, a), attack))
    grade_course(course, assignments, progress=False)
    rewrite_cells = {q.grade_cell for q in REWRITES}
    lost = 0.0
    for a in assignments:
        honest, universal = scores(course, "honest", a), scores(course, "universal", a)
        for cell, (auto, _, _) in honest.items():
            if cell in rewrite_cells:
                assert auto > 0 and universal[cell][0] == 0, cell
                lost += auto
            else:
                assert universal[cell][0] == auto, cell
    assert lost >= 90  # every rewrite point of the four chapters
