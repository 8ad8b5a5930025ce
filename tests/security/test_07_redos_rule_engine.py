"""Issue 15 item 7: ReDoS in the rule engine.

A run of one numeral (一 × 199,000) took minutes per check: the `{num}` macro
and opening.identity's digit run were tried at every position of the run.
Every regex that sees student text must be linear.  This is the bounded
sweep (the full one, 200,000 characters and every scenario, is in
bench/bench_check.py); an answer over the length cap fails before the engine
runs, and a course grades such a submission at once.
"""
from __future__ import annotations

import json
import time

import pytest

from autograder import check
from autograder.engine import engine
from autograder.devtools.sweep import example_texts, sweep_characters
from autograder.engine.text import normalise

LENGTH = 8_000
# a linear pass over 8,000 characters costs ~10-20 ms for the whole pack; the
# quadratic numeral run cost ~1 s at this length.  A slow reading is timed
# again (best of three), so a busy machine does not fail the test.
BUDGET = 0.35


@pytest.fixture(scope="module", autouse=True)
def compiled_pack():
    """Compile every regex first, so that the sweep times matching only."""
    pack = engine._pack()
    for rule in pack.all_rules():
        for lazy in [rule.regex, rule.unless, rule.actor] + [s for _, s in rule.scanners]:
            if lazy is not None:
                lazy.compiled()
    for sc in pack.scenarios.values():
        for lazy in [sc.conflict] + [o.later for o in sc.orders] + [x for _, xs in sc.foreign for _, x in xs]:
            if lazy is not None:
                lazy.compiled()


def _every_rule_on(text: str) -> float:
    """Seconds to run every rule and constraint of the pack once on ``text`` (best of three if slow)."""
    took = _once(text)
    return took if took <= BUDGET else min(took, _once(text), _once(text))


def _once(text: str) -> float:
    pack = engine._pack()
    norm = normalise(text)
    chars = set(norm.text)
    t = time.perf_counter()
    for rule in pack.all_rules():
        rule.hits(norm, engine.MAX_HITS_PER_RULE, chars=chars)
    for sc in pack.scenarios.values():
        for _, scanners in sc.foreign:
            for _, scanner in scanners:
                scanner.search(norm.text)
        if sc.conflict is not None:
            sc.conflict.search(norm.text)
        for o in sc.orders:
            if o.later is not None:
                o.later.search(norm.text)
    return time.perf_counter() - t


def test_the_numeral_runs_of_the_attack_are_linear():
    for key in ("complaint_accept", "cannot_answer_now", "opening", "outbound_opening"):
        for ch in "一1幺半":
            t = time.perf_counter()
            check(ch * 200_000, key, max_length=None)
            assert time.perf_counter() - t < 1.0, (key, ch)


@pytest.mark.slow
def test_every_pattern_character_repeated_is_fast():
    chars = sweep_characters()
    assert len(chars) > 300  # the pack's whole alphabet, not a sample
    slow = []
    for ch in chars:
        took = _every_rule_on(ch * LENGTH)
        if took > BUDGET:
            slow.append((ch, round(took, 3)))
    assert not slow, f"quadratic patterns on repeated characters: {slow}"


@pytest.mark.slow
def test_every_rule_example_repeated_is_fast():
    slow = []
    for text in example_texts():
        took = _every_rule_on((text * (LENGTH // len(text) + 1))[:LENGTH])
        if took > BUDGET:
            slow.append((text, round(took, 3)))
    assert not slow, f"slow on repeated examples: {slow}"


def test_a_rewrite_answer_over_the_cap_fails_with_a_clear_message_at_once():
    t = time.perf_counter()
    r = check("一" * 199_000, "complaint_accept")
    assert time.perf_counter() - t < 0.05
    assert not r.passed and r.score == 0.0
    (f,) = r.findings
    assert f.rule == "answer.over_limit" and f.kind == "forbidden"
    assert "2000" in f.message


def test_a_course_grades_the_attack_submission_quickly_and_scores_others_normally(course):
    from helpers import EXERCISES, fill, key_answers, release_notebook, scores, submit

    from autograder.questionbank.load import load_bank
    from autograder.grading.grader import grade_course

    assignment = "ch3_complaint"
    chapter = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == assignment)
    rewrites = [q for q in chapter.questions if q.type == "rewrite"]
    answers = key_answers(assignment)
    submit(course, "honest", assignment, fill(release_notebook(course, assignment), answers))
    attack = dict(answers, **{q.var: json.dumps("一" * 199_000) for q in rewrites})
    submit(course, "attacker", assignment, fill(release_notebook(course, assignment), attack))
    t = time.perf_counter()
    grade_course(course, [assignment], progress=False)
    assert time.perf_counter() - t < 60  # was > 10 minutes for this one submission
    honest, attacker = scores(course, "honest", assignment), scores(course, "attacker", assignment)
    rewrite_cells = {q.grade_cell for q in rewrites}
    for cell, (auto, _, _) in honest.items():
        if cell in rewrite_cells:
            assert auto > 0 and attacker[cell][0] == 0
        else:
            assert attacker[cell][0] == auto
