"""The checker against the held-out set (tests/data/heldout).

Those answers were written by someone who never saw the rules, and they are
never edited to fit them.  Every answer is a test: the checker's verdict
must be the instructor's.  Known misses are listed with the reason they are
not solved (xfail, strict: when the checker starts getting one right, the
list must be updated).  The floors below are the project's targets.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder import check
from autograder.engine.evaluate import evaluate, load_set

HELDOUT = Path(__file__).parent / "data" / "heldout"
ANSWERS = load_set(HELDOUT)

KNOWN_MISSES = {
    "angry_customer #24": "casual words (哎, 嘛) and a vague action (帮您看看) are warnings by design "
                          "(DESIGN.md: casual words are flagged, not failed); the instructor fails the whole tone",
    "hold #25": "OK is a casual word, reported as a warning: the project's labelled set passes "
                "“您好，OK，这里是客服中心…”, so the two sets disagree and the labelled set wins",
}


@pytest.fixture(scope="module")
def report():
    return evaluate(HELDOUT)


def test_the_set_is_large_and_covers_every_scenario_and_category(report):
    assert report.total >= 300 and len(report.per_scenario) == 15
    assert all(row["answers"] >= 20 for row in report.per_scenario.values())
    assert len(report.scored) >= 30


def test_agreement_and_the_costliest_errors_meet_the_targets(report):
    assert report.agreement >= 0.97
    assert report.rude_false_passes == []  # a rude answer never earns marks
    assert report.accusing_false_fails == []  # a good answer is never accused of a taboo
    assert len(report.false_passes) <= 3
    assert report.rude_failed_for_tone >= 0.95
    assert report.score_agreement >= 0.9


def test_known_misses_are_real_answers_of_the_set():
    assert set(KNOWN_MISSES) <= {a.where for a in ANSWERS}


@pytest.mark.parametrize("answer", [
    pytest.param(a, id=a.where, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[a.where]))
    if a.where in KNOWN_MISSES else pytest.param(a, id=a.where)
    for a in ANSWERS
])
def test_checker_gives_the_instructors_verdict(answer):
    r = check(answer.text, answer.scenario)
    detail = "; ".join(f"{f.rule}" for f in r.findings)
    assert r.passed is answer.passes, f"{answer.text} → {detail or 'no findings'} ({answer.why})"
    if answer.rude:
        assert any(f.kind == "forbidden" for f in r.findings)
