"""What grading one question decided (:class:`Outcome`), shared by the grading
core and whole-call grading without either importing the other."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..questiontypes import TYPE_LABEL

__all__ = ["Outcome", "TYPE_LABEL"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of grading one question for one student."""

    qid: str
    var: str
    points: float
    max_points: float
    status: str  # correct | partial | wrong | unanswered | unreadable
    message: str  # Chinese, for the student's feedback; never contains the key
    answer: str | None = None  # the answer as read: letters, or the rewrite text
    rules: tuple[str, ...] = field(default=())  # rewrite: rules that fired / requirements missing
    problems: tuple[str, ...] = field(default=())  # call: turns that could not be read (the rest was graded)
    call: object | None = None  # call: the CallResult (turn scores, call-level findings)
    reason: object | None = None  # unreadable: a reading.Reason (code, the sentence after 无法读取答案——)
    checked: object | None = None  # rewrite: the engine's Result (findings with spans)

    @property
    def readable(self) -> bool:
        return self.status != "unreadable"
