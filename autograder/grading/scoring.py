"""Scoring choice answers: the four multiple-choice presets of DESIGN.md.

``all_or_nothing``  the exact key set earns the points, anything else 0.
``subset_partial``  (default; 少选得部分分、错选不得分) a non-empty subset of the
                    key earns points × chosen/len(key); any wrong option 0.
``subset_fixed``    a non-empty proper subset earns a fixed share
                    (``partial``, default 0.4: 新高考's 2 of 5); wrong → 0.
``net_correct``     +1/k per right option, −1/m per wrong one (k key options,
                    m the others), floor 0, times the points.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["POLICIES", "DEFAULT_POLICY", "DEFAULT_PARTIAL", "Mark", "score_single", "score_multiple", "round_points"]

POLICIES = ("all_or_nothing", "subset_partial", "subset_fixed", "net_correct")
DEFAULT_POLICY = "subset_partial"
DEFAULT_PARTIAL = 0.4


def round_points(x: float) -> float:
    """Scores are kept to two decimals (what graders see and export)."""
    return round(x + 0.0, 2)


@dataclass(frozen=True, slots=True)
class Mark:
    """One choice answer's score: points earned out of ``max_points`` and the verdict.

    The kit's one ``Mark``.  The grading core turns it into an
    :class:`~autograder.grading.outcome.Outcome` (what grading decided, with the
    student's message); a student's cell in the score table, read back from the
    gradebook with its state, is :class:`autograder.report.table.ScoreCell`."""

    points: float
    max_points: float
    verdict: str  # correct | partial | wrong

    @property
    def full(self) -> bool:
        return self.points >= self.max_points


def score_single(chosen: frozenset[str], key: frozenset[str] | str, points: float) -> Mark:
    key = frozenset(key)
    if chosen == key:
        return Mark(float(points), float(points), "correct")
    return Mark(0.0, float(points), "wrong")


def score_multiple(chosen: frozenset[str], key: frozenset[str] | str, points: float, *,
                   policy: str = DEFAULT_POLICY, options: str = "ABCDE",
                   partial: float = DEFAULT_PARTIAL) -> Mark:
    """Score a set of letters against the key under ``policy``."""
    key = frozenset(key)
    points = float(points)
    if policy not in POLICIES:
        raise ValueError(f"unknown scoring policy {policy!r}; valid: {', '.join(POLICIES)}")
    if not key:
        raise ValueError("the key is empty")
    if chosen == key:
        return Mark(points, points, "correct")
    right = len(chosen & key)
    wrong = len(chosen - key)

    if policy == "all_or_nothing":
        earned = 0.0
    elif policy == "subset_partial":
        earned = points * right / len(key) if wrong == 0 else 0.0
    elif policy == "subset_fixed":
        earned = points * partial if (wrong == 0 and right > 0) else 0.0
    else:  # net_correct
        others = len(set(options) - key)
        share = right / len(key) - (wrong / others if others else 0.0)
        earned = points * max(0.0, share)

    earned = min(round_points(earned), points)
    if earned <= 0:
        return Mark(0.0, points, "wrong")
    return Mark(earned, points, "partial")
