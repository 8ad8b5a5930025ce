"""The autograder comment that tells a missing or unreadable file from a zero: written and read here.

The grader leaves ``未提交：…`` or ``无法读取：…`` as the autograder comment
of each answer cell it could not grade (formgrader shows it, feedback too);
the export reads the prefix back to tell those cells from a plain 0.
"""
from __future__ import annotations

__all__ = ["UNREADABLE", "MISSING", "status_comment", "comment_state"]

UNREADABLE = "无法读取"
MISSING = "未提交"
_STATES = ((MISSING, "missing"), (UNREADABLE, "unreadable"))


def status_comment(prefix: str, message: str) -> str:
    """The comment text for ``prefix`` (:data:`MISSING` or :data:`UNREADABLE`) and its reason."""
    return f"{prefix}：{message}"


def comment_state(comment: str | None) -> str | None:
    """``"missing"``, ``"unreadable"`` or None (a grader's own comment, or none), from a comment's prefix."""
    if not comment:
        return None
    for prefix, state in _STATES:
        if comment.startswith(prefix + "：") or comment.startswith(prefix + ":"):
            return state
    return None
