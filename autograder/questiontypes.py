"""The question types and their Chinese names: the one table the whole kit reads.

Each type has three names because three places have different room for it:
``label`` is the full name (notebook headings, grading messages, feedback),
``column`` the name in score tables and charts, ``tag`` the short tag of the
practice widgets.  A new question type is added here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QuestionType", "QUESTION_TYPES", "TYPE_LABEL", "CHOICE_TYPES"]


@dataclass(frozen=True, slots=True)
class QuestionType:
    """One question type: its key in the bank and its names."""

    key: str  # as in the bank and the hidden test spec: single | multiple | rewrite | call | short
    label: str  # 单选题
    column: str  # 单选题; 通话题 where the full name is too wide for a table column
    tag: str  # 单选


QUESTION_TYPES: dict[str, QuestionType] = {t.key: t for t in (
    QuestionType("single", "单选题", "单选题", "单选"),
    QuestionType("multiple", "多选题", "多选题", "多选"),
    QuestionType("rewrite", "改写题", "改写题", "改写"),
    QuestionType("call", "情景通话题", "通话题", "通话"),
    QuestionType("short", "简答题", "简答题", "简答"),
)}
TYPE_LABEL: dict[str, str] = {k: t.label for k, t in QUESTION_TYPES.items()}
CHOICE_TYPES = ("single", "multiple")
