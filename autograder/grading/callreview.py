"""One walk over a checked call, shared by the graded feedback and the call sandbox.

:func:`review_call` turns the engine's ``CallResult`` (and, when grading, how
each turn was read) into a :class:`CallReview`: every agent turn with what it
had to do, its state, score and findings, then the call-level findings.  The
plain-text feedback (:mod:`.callfeedback`) and the sandbox's HTML
(:mod:`autograder.widgets.callreport`) render this one structure, so they
cannot disagree about which turn was empty, unreadable, passed or failed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

__all__ = ["TurnState", "TurnReview", "CallReview", "review_call", "phase_title",
           "UNREADABLE", "EMPTY", "PASSED", "FAILED"]

TurnState = Literal["unreadable", "empty", "passed", "failed"]
UNREADABLE: TurnState = "unreadable"  # the answer line could not be read (grading only)
EMPTY: TurnState = "empty"  # nothing written: the turn scores 0, the others are judged
PASSED: TurnState = "passed"
FAILED: TurnState = "failed"


def phase_title(phase: str) -> str:
    """What the turn had to do, in the scenario catalogue's words."""
    if phase == "free":
        return "自由应答（检查称呼、禁语和口头语）"
    from ..engine.engine import UnknownScenario, get_scenario

    try:
        return get_scenario(phase).title
    except UnknownScenario:
        return phase


@dataclass(frozen=True, slots=True)
class TurnReview:
    """One agent turn as the feedback shows it."""

    number: int  # 第N句
    phase: str  # scenario key or "free"
    title: str  # what the turn had to do (:func:`phase_title`)
    text: str  # what the student wrote ("" when empty or unreadable)
    state: TurnState
    score: float  # 0..1, the engine's turn score
    passed: bool  # the engine passed the turn
    problem: str = ""  # unreadable: why the line could not be read (Chinese)
    findings: tuple = ()  # the engine's findings on this turn (none when not checked)

    @property
    def unanswered(self) -> bool:
        """Empty or unreadable: the turn scores 0 and is not checked."""
        return self.state in (EMPTY, UNREADABLE)


@dataclass(frozen=True, slots=True)
class CallReview:
    """A whole call: the turns in order, then what was found about the call as a whole."""

    score: float  # 0..1, weights applied
    passed: bool
    turns: tuple[TurnReview, ...]
    findings: tuple  # the engine's call-level findings (order, forbidden words, consistency)

    @property
    def passed_turns(self) -> int:
        return sum(1 for t in self.turns if t.passed)

    @property
    def unanswered_turns(self) -> int:
        return sum(1 for t in self.turns if t.unanswered)


def _state(verdict, problem: str) -> TurnState:
    if problem:
        return UNREADABLE
    if verdict.result is None or not verdict.text.strip():
        return EMPTY
    return PASSED if verdict.result.passed else FAILED


def review_call(result, reads: Sequence = ()) -> CallReview:
    """``result`` (the engine's ``CallResult``) walked turn by turn; ``reads`` (grading's
    ``TurnRead`` list, by turn number) marks the turns whose line could not be read."""
    problems = {r.number: r.problem for r in reads if r.problem}
    turns = []
    for v in result.turns:
        state = _state(v, problems.get(v.number, ""))
        findings = tuple(v.result.findings) if v.result is not None and state != UNREADABLE else ()
        turns.append(TurnReview(v.number, v.phase, phase_title(v.phase), v.text, state, v.score,
                                v.result is not None and v.result.passed, problems.get(v.number, ""), findings))
    return CallReview(result.score, result.passed, tuple(turns), tuple(result.findings))
