"""The question every stage from grading up speaks of: :class:`Question`.

A question is what one graded cell of an exercise notebook holds: its id,
type, answer variable and points, where it lives (assignment, notebook,
grade and answer cells, chapter) and the hidden spec its test hands to
``run_test``.  Grading reads it back out of the course's ``source/``
notebooks (:mod:`.sourcenotebooks`); the question bank makes the same value
from an authored item (:meth:`autograder.questionbank.load.BankQuestion.question`),
and a test checks that the two agree for every item of the bank.

The other question-like types model other things and are named for them:
``BankQuestion`` is the authored item (stem, options, rubric, key points),
``ScoreColumn`` a column of the instructor's score table, ``QuizQuestion`` an
ungraded practice question of the course notebooks, ``analytics.Item`` one
item's scores for the item analysis.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Question"]


@dataclass(frozen=True, slots=True)
class Question:
    """One graded question of an exercise notebook (``spec`` holds the key: instructor side only)."""

    qid: str
    type: str  # single | multiple | rewrite | call | short
    var: str  # the answer variable, 第N题
    points: float
    assignment: str
    notebook: str
    chapter: int
    chapter_title: str
    grade_cell: str
    answer_cell: str
    spec: dict = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return f"{self.chapter_title}·{self.var}"
