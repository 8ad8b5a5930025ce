"""Reading a course's questions from its nbgrader source notebooks."""
from __future__ import annotations

import pytest

from autograder.questionbank.load import load_bank
from autograder.grading.sourcenotebooks import load_course

from helpers import EXERCISES


def test_course_questions_match_the_bank():
    notebooks = load_course(EXERCISES)
    bank = load_bank(EXERCISES / "bank")
    assert [nb.assignment for nb in notebooks] == [ch.assignment for ch in bank]
    for nb, ch in zip(notebooks, bank):
        assert nb.chapter == ch.number and nb.chapter_title == ch.title
        assert [q.qid for q in nb.questions] == [q.id for q in ch.questions]
        assert [q.var for q in nb.questions] == [q.var for q in ch.questions]
        assert [q.grade_cell for q in nb.questions] == [q.grade_cell for q in ch.questions]
        assert nb.points == ch.points
        for cq, bq in zip(nb.questions, ch.questions):
            if bq.type in ("single", "multiple"):
                assert cq.spec["key"] == "".join(bq.key)


def test_only_selected_assignments(tmp_path):
    assert [nb.assignment for nb in load_course(EXERCISES, ["ch2_smile"])] == ["ch2_smile"]


def test_not_a_course_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="source/"):
        load_course(tmp_path)
