"""Grading one whole-call question (type ``call``), kernel-free and in the kernel alike.

Each agent turn is read from its own answer line (:mod:`autograder.grading.callanswers`);
a turn left empty or unreadable goes to ``check_call`` as an empty turn
(it scores 0 and the others are still judged).  The question earns
``points × CallResult.score``; a call with no turn answered earns 0 and is
``unanswered`` (or ``unreadable`` when its answer lines are gone).
"""
from __future__ import annotations

from .callanswers import read_call
from .callfeedback import call_walkthrough
from .scoring import round_points

__all__ = ["grade_call"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade_call(spec: dict, sources: list, later: list = ()):
    from .outcome import Outcome, TYPE_LABEL

    qid, var = spec["qid"], spec["var"]
    points = float(spec["points"])
    label = f"{var}（{TYPE_LABEL['call']}）"
    reads = read_call(spec, sources, later)
    problems = tuple(r.problem if r.var in r.problem else f"{r.var}：{r.problem}" for r in reads if r.problem)
    if all(not r.found for r in reads):
        first = reads[0].problem if reads else ""
        return Outcome(qid, var, 0.0, points, "unreadable",
                       f"{label}：无法读取答案——{first}本题得 0 分（满分 {_fmt(points)} 分）。")
    if all(r.empty or r.problem for r in reads):
        status = "unreadable" if problems else "unanswered"
        why = "每一句都读不出来：" + "；".join(problems) if problems else "未作答"
        return Outcome(qid, var, 0.0, points, status,
                       f"{label}：{'无法读取答案——' if problems else ''}{why}，得 0 分（满分 {_fmt(points)} 分）。",
                       problems=problems)
    from ..engine.calls import check_call

    result = check_call([r.text for r in reads], spec)
    earned = min(points, round_points(points * result.score))
    verdict = "correct" if earned >= points else ("partial" if earned > 0 else "wrong")
    message = call_walkthrough(label, result, reads, earned, points, spec.get("weights"))
    rules = tuple(f.rule for v in result.turns if v.result is not None for f in v.result.findings)
    rules += tuple(f.rule for f in result.findings)
    answer = "\n".join(f"第{r.number}句：{r.text}" for r in reads)
    return Outcome(qid, var, earned, points, verdict, message, answer, rules, problems=problems, call=result)
