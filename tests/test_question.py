"""The one Question (grading/question.py): the bank's items and the built notebooks agree on it."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from autograder.grading.question import Question
from autograder.grading.sourcenotebooks import load_course
from autograder.questionbank.load import load_bank

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


def test_every_bank_item_reads_back_from_its_notebook_as_the_same_question():
    bank = {q.id: q for ch in load_bank(EXERCISES / "bank") for q in ch.questions}
    read = [q for nb in load_course(EXERCISES) for q in nb.questions]
    assert [q.qid for q in read] == list(bank)
    for q in read:
        assert isinstance(q, Question)
        assert q == bank[q.qid].question(), q.qid  # the hidden spec included


def test_a_question_carries_the_key_only_in_its_spec_and_never_in_its_repr():
    q = next(q for ch in load_bank(EXERCISES / "bank") for q in ch.questions if q.type == "single").question()
    assert q.spec["key"] and "key" not in repr(q)
    assert q.label == f"{q.chapter_title}·{q.var}"
    assert {f.name for f in dataclasses.fields(Question)} >= {"qid", "type", "var", "points", "grade_cell"}
