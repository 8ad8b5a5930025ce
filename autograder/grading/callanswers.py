"""Reading a whole-call answer: one string literal per agent turn, ``第Q题_第N句 = "…"``.

Each turn is read like any other answer (:func:`autograder.grading.answers.find_answer`:
Chinese quotes, a missing closing quote, the answer cell moved below its
test, …), never by running the cell.  A turn that cannot be read becomes an
empty turn with a message saying what to fix; the other turns are read and
judged as usual.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answers import _drop_invisible, find_answer_or_moved

__all__ = ["TurnRead", "read_call", "read_turns", "turn_var"]


def turn_var(var: str, number: int) -> str:
    """``第5题`` and 1 → ``第5题_第1句`` (the same as :func:`autograder.questionbank.callitem.turn_var`)."""
    return f"{var}_第{number}句"


@dataclass(frozen=True, slots=True)
class TurnRead:
    number: int  # 第N句
    var: str
    text: str  # "" when empty or unreadable
    problem: str = ""  # why the turn could not be read (Chinese), "" when it was
    found: bool = True  # False: no line assigns this turn at all

    @property
    def empty(self) -> bool:
        return not self.problem and not self.text.strip()


def read_call(spec: Mapping, sources: list, later: list = ()) -> list[TurnRead]:
    """Every agent turn of the call in ``spec`` (a mapping with ``var`` and ``turns``) read from the
    code cells ``sources`` (then ``later``)."""
    return read_turns(spec["var"], spec.get("turns", ()), sources, later)


def read_turns(var: str, turns: Iterable[Mapping], sources: list, later: list = ()) -> list[TurnRead]:
    """Every agent turn among ``turns`` of question ``var`` read from ``sources`` (then ``later``)."""
    reads = []
    for n in range(1, sum(1 for t in turns if "agent" in t) + 1):
        name = turn_var(var, n)
        read = find_answer_or_moved(sources, name, later)
        if read.error:
            reads.append(TurnRead(n, name, "", read.error, read.found))
        elif isinstance(read.value, str):
            reads.append(TurnRead(n, name, _drop_invisible(read.value)))
        else:
            reads.append(TurnRead(n, name, "", f"{name} 要写成放在引号里的一句话，例如 {name} = \"您好，……\"；"
                                               f"不要写成列表或集合。"))
    return reads
