"""One ladder from a notebook's code cells to a typed reading of one answer.

Grading (:mod:`autograder.grading.core`, :mod:`autograder.grading.callgrade`),
the student's self-check and the export's read-back all climb the same
ladder: find the last assignment to the answer variable (in the cells above
the test, else below it: a moved answer cell), then read it as letters
(choices) or as one sentence (rewrites), or each agent turn of a whole call.

The result is a :class:`Reading`: a status from :class:`Status`, the value
read, and a :class:`Reason` (a short code and the Chinese sentence shown to
the student) when the answer is not usable.  Callers branch on the status
and the code, never on the wording of a message.  Nothing here runs student
code (see :mod:`autograder.grading.answers`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answers import find_answer, parse_choice, parse_text

__all__ = ["Status", "Reason", "Reading", "read_question", "read_value", "read_choice", "read_rewrite", "read_call_answer",
           "read_call_turns"]


class Status:
    """What a reading found (plain strings, so they compare and serialise as text)."""

    ANSWERED = "answered"  # a usable value
    EMPTY = "empty"  # the answer line is there but nothing was entered
    UNREADABLE = "unreadable"  # something was entered but cannot be read (reason says what to fix)
    MISSING = "missing"  # no line assigns the answer variable at all (deleted cell)
    ALL = (ANSWERED, EMPTY, UNREADABLE, MISSING)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an answer is not usable: a stable code and the sentence the student sees."""

    code: str  # e.g. "missing", "not_literal", "not_an_option", "empty"
    message: str  # Chinese, says what to fix


@dataclass(frozen=True, slots=True)
class Reading:
    """One answer as read: ``value`` is the letters (choices), the text (rewrites) or the turns (calls)."""

    status: str  # one of Status.ALL
    value: object = None
    reason: Reason | None = None
    moved: bool = False  # read from a cell below the question's test (the student moved it)

    @property
    def usable(self) -> bool:
        return self.status == Status.ANSWERED


def read_value(var: str, sources, later=()) -> Reading:
    """The raw value last assigned to ``var`` (ANSWERED), or why there is none (MISSING, UNREADABLE)."""
    read, moved = find_answer(sources, var), False
    if not read.found and later:  # the answer cell moved below its test: still the student's answer
        below = find_answer(later, var)
        if below.found:
            read, moved = below, True
    if read.error:
        if not read.found:
            return Reading(Status.MISSING, reason=Reason("missing", read.error))
        return Reading(Status.UNREADABLE, reason=Reason(read.code or "not_literal", read.error), moved=moved)
    return Reading(Status.ANSWERED, read.value, moved=moved)


def read_choice(var: str, kind: str, options: str, sources, later=()) -> Reading:
    """A ``single`` or ``multiple`` answer: value is the letters chosen, sorted (``"ABD"``)."""
    raw = read_value(var, sources, later)
    if not raw.usable:
        return raw
    value, moved = raw.value, raw.moved
    choice = parse_choice(value, kind, options)
    if choice.empty:
        return Reading(Status.EMPTY, reason=Reason("empty", choice.error), moved=moved)
    if choice.error:
        return Reading(Status.UNREADABLE, reason=Reason(choice.code, choice.error), moved=moved)
    return Reading(Status.ANSWERED, choice.text, moved=moved)


def read_rewrite(var: str, sources, later=()) -> Reading:
    """A rewrite answer: value is the text as typed (invisible characters dropped)."""
    raw = read_value(var, sources, later)
    if not raw.usable:
        return raw
    value, moved = raw.value, raw.moved
    text, error = parse_text(value)
    if error:
        return Reading(Status.UNREADABLE, reason=Reason("not_text", error), moved=moved)
    if not text.strip():
        return Reading(Status.EMPTY, text, Reason("empty", "还没有作答。"), moved=moved)
    return Reading(Status.ANSWERED, text, moved=moved)


def read_call_answer(spec: Mapping, sources, later=()) -> Reading:
    """A whole call (``spec``: a mapping with ``var`` and ``turns``); see :func:`read_call_turns`."""
    return read_call_turns(spec["var"], spec.get("turns", ()), sources, later)


def read_call_turns(var: str, turns: Iterable[Mapping], sources, later=()) -> Reading:
    """The agent turns among ``turns`` of call question ``var``: value is the tuple of
    :class:`~autograder.grading.callanswers.TurnRead`.

    MISSING when no turn's line is there at all; UNREADABLE when every turn
    that is there cannot be read; EMPTY when nothing was written (a turn
    that cannot be read counts as empty, the others are still judged);
    otherwise ANSWERED.  The reason of a failed call is its first turn's.
    """
    from .callanswers import read_turns

    read = tuple(read_turns(var, turns, sources, later))
    if all(not t.found for t in read):
        first = read[0].problem if read else ""
        return Reading(Status.MISSING, read, Reason("missing", first))
    if read and all(t.problem for t in read):
        return Reading(Status.UNREADABLE, read, Reason("turns_unreadable", read[0].problem))
    if all(t.empty or t.problem for t in read):
        return Reading(Status.EMPTY, read, Reason("empty", "还没有作答。"))
    return Reading(Status.ANSWERED, read)


def read_question(qtype: str, var: str, sources, later=(), options: str = "", call: dict | None = None) -> Reading:
    """The reading of one question of type ``single``, ``multiple``, ``rewrite`` or ``call``."""
    if qtype in ("single", "multiple"):
        return read_choice(var, qtype, options, sources, later)
    if qtype == "rewrite":
        return read_rewrite(var, sources, later)
    if qtype == "call":
        return read_call_answer({"var": var, **(call or {})}, sources, later)
    raise ValueError(f"{var}: no answer to read for question type {qtype!r}")
