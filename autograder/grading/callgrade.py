"""Grading one whole-call question (type ``call``), kernel-free and in the kernel alike.

Each agent turn is read from its own answer line (:mod:`autograder.grading.callanswers`);
a turn left empty or unreadable goes to ``check_call`` as an empty turn
(it scores 0 and the others are still judged).  The question earns
``points × CallResult.score``; a call with no turn answered earns 0 and is
``unanswered`` (or ``unreadable`` when its answer lines are gone).
"""
from __future__ import annotations

from collections.abc import Mapping

from .callfeedback import call_walkthrough
from .questionspec import QuestionSpec, as_question_spec
from .reading import Reason, Status, read_call_turns
from .scoring import round_points

__all__ = ["grade_call"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade_call(spec: QuestionSpec | Mapping, sources: list, later: list = ()):
    from .outcome import Outcome, TYPE_LABEL

    spec = as_question_spec(spec)
    qid, var, points = spec.qid, spec.var, spec.points
    label = f"{var}（{TYPE_LABEL['call']}）"
    reading = read_call_turns(var, spec.turns, sources, later)
    reads = reading.value
    problems = tuple(r.problem if r.var in r.problem else f"{r.var}：{r.problem}" for r in reads if r.problem)
    if reading.status == Status.MISSING:
        why = Reason("missing", f"{reading.reason.message}本题得 0 分（满分 {_fmt(points)} 分）。")
        return Outcome(qid, var, 0.0, points, "unreadable", f"{label}：无法读取答案——{why.message}", reason=why)
    if reading.status != Status.ANSWERED:  # nothing written, or nothing that can be read
        if not problems:
            return Outcome(qid, var, 0.0, points, "unanswered", f"{label}：未作答，得 0 分（满分 {_fmt(points)} 分）。")
        why = Reason("turns_unreadable", f"每一句都读不出来：{'；'.join(problems)}，得 0 分（满分 {_fmt(points)} 分）。")
        return Outcome(qid, var, 0.0, points, "unreadable", f"{label}：无法读取答案——{why.message}",
                       problems=problems, reason=why)
    from ..engine.calls import check_call

    result = check_call([r.text for r in reads], spec.to_literal())
    earned = min(points, round_points(points * result.score))
    verdict = "correct" if earned >= points else ("partial" if earned > 0 else "wrong")
    message = call_walkthrough(label, result, reads, earned, points, spec.weights)
    rules = tuple(f.rule for v in result.turns if v.result is not None for f in v.result.findings)
    rules += tuple(f.rule for f in result.findings)
    answer = "\n".join(f"第{r.number}句：{r.text}" for r in reads)
    return Outcome(qid, var, earned, points, verdict, message, answer, rules, problems=problems, call=result)
