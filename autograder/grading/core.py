"""Grading one question: shared by stock nbgrader (in the kernel) and the
kernel-free grader (outside it), so both give identical scores.

A graded test cell of a source notebook reads::

    # 第1题由系统自动评分。
    ### BEGIN HIDDEN TESTS
    from autograder.autotest import run_test
    run_test({"qid": "ch1_s01", "type": "single", "var": "第1题", "points": 2.0,
              "options": "ABCD", "key": "C", ...})
    ### END HIDDEN TESTS

The spec (a literal dict, hidden from students) holds the key.  Under stock
``nbgrader autograde`` the kernel runs ``run_test``, which reads the answer
from the *source text* of the cells run so far (IPython's raw input history),
exactly as the kernel-free grader reads it from the notebook file; the value
the student's code produced is never trusted.

nbgrader turns a test cell's output into a score: an error or anything on
stderr scores 0; a number as the cell's result scores that number; anything
else scores full marks.  ``outputs_for`` and ``run_test`` follow that rule:
full marks print a message, partial credit prints it and returns the points,
zero writes it to stderr.  No traceback, hence no test code, ever shows.

In a kernel the student's code can silence stderr or ``print``, or replace
these functions, so what ``run_test`` prints is a courtesy, not a verdict:
the course config runs ``RescoreKitQuestions`` right after ``Execute``, which
replaces every bank test cell's outputs with ``grade_question``'s outcome
computed outside the kernel from the notebook's cells.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Mapping

from .outcome import TYPE_LABEL, Outcome
from .questionspec import QuestionSpec, as_question_spec
from .reading import Reason, Status, read_question, read_value
from .scoring import round_points, score_multiple, score_single

__all__ = ["Outcome", "QuestionSpec", "grade_question", "outputs_for", "run_test", "spec_from_source",
           "question_spec_from_source", "SPEC_FUNCTION"]

SPEC_FUNCTION = "run_test"
def _fmt(x: float) -> str:
    return f"{x:g}"


def grade_question(spec: QuestionSpec | Mapping, sources: list[str], later: list[str] = ()) -> Outcome:
    """Grade the question described by ``spec`` (a :class:`QuestionSpec` or a ``run_test`` dict)
    from the code cells run before its test.

    ``later`` are code cells after the test cell: a kernel never sees them, but
    a student who moved the answer cell below its test still meant it as the
    answer, so the kernel-free grader reads it from there when nothing above
    assigns it.
    """
    spec = as_question_spec(spec)
    qid, var, points, qtype = spec.qid, spec.var, spec.points, spec.type
    label = f"{var}（{TYPE_LABEL.get(qtype, qtype)}）"
    if qtype == "call":
        from .callgrade import grade_call

        return grade_call(spec, sources, later)
    known = qtype in ("single", "multiple", "rewrite")
    options = spec.need("options") if qtype in ("single", "multiple") else ""  # choices are read against them
    reading = read_question(qtype, var, sources, later, options) if known else read_value(var, sources, later)
    if reading.status in (Status.MISSING, Status.UNREADABLE):
        why = Reason(reading.reason.code, f"{reading.reason.message}本题得 0 分（满分 {_fmt(points)} 分）。")
        return Outcome(qid, var, 0.0, points, "unreadable", f"{label}：无法读取答案——{why.message}", reason=why)
    if reading.status == Status.EMPTY:
        return Outcome(qid, var, 0.0, points, "unanswered", f"{label}：未作答，得 0 分（满分 {_fmt(points)} 分）。",
                       reading.value)
    if not known:
        raise ValueError(f"{qid}: unknown question type {qtype!r}")
    if qtype == "rewrite":
        return _grade_rewrite(spec, label, reading.value)
    letters = frozenset(reading.value)
    if qtype == "single":
        mark = score_single(letters, spec.need("key"), points)
    else:
        mark = score_multiple(letters, spec.need("key"), points, policy=spec.policy, options=options,
                              partial=spec.partial)
    words = {"correct": "回答正确", "partial": "部分正确（少选）", "wrong": "回答不正确"}[mark.verdict]
    message = f"{label}：你的答案是 {reading.value}，{words}，得 {_fmt(mark.points)} 分（满分 {_fmt(points)} 分）。"
    return Outcome(qid, var, mark.points, points, mark.verdict, message, reading.value)


def _grade_rewrite(spec: QuestionSpec, label: str, text: str) -> Outcome:
    from ..engine.engine import check

    points = spec.points
    result = check(text, spec.need("scenario"), original=spec.bad)
    earned = points if result.passed else round_points(points * result.score)
    verdict = "correct" if result.passed else ("partial" if earned > 0 else "wrong")
    head = "改写通过" if result.passed else "改写未通过"
    lines = [f"{label}：{head}，得 {_fmt(earned)} 分（满分 {_fmt(points)} 分）。"]
    marks = {"missing": "✗ ", "forbidden": "✗ ", "warning": "△ 提醒："}
    for f in result.findings:
        lines.append(f"  {marks.get(f.kind, '')}{f.message}")
    suggestion = next((f.suggestion for f in result.findings if getattr(f, "suggestion", "")), "")
    if suggestion and not result.passed:
        lines.append(f"  可以这样说：{suggestion}")
    return Outcome(spec.qid, spec.var, earned, points, verdict, "\n".join(lines), text,
                   tuple(f.rule for f in result.findings), checked=result)


def outputs_for(outcome: Outcome) -> list[dict]:
    """The cell outputs the kernel would have produced for ``outcome`` (nbformat v4)."""
    if outcome.points <= 0:
        return [{"output_type": "stream", "name": "stderr", "text": outcome.message + "\n"}]
    out = [{"output_type": "stream", "name": "stdout", "text": outcome.message + "\n"}]
    if outcome.points < outcome.max_points:
        out.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                    "data": {"text/plain": repr(outcome.points)}})
    return out


def spec_from_source(source: str) -> dict | None:
    """The spec dict of a test cell's ``run_test({...})`` call, read with ast only."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == SPEC_FUNCTION and len(node.args) == 1):
            try:
                spec = ast.literal_eval(node.args[0])
            except (ValueError, TypeError, SyntaxError):
                return None
            if isinstance(spec, dict) and {"qid", "type", "var", "points"} <= spec.keys():
                return spec
    return None


def question_spec_from_source(source: str) -> QuestionSpec | None:
    """The :class:`QuestionSpec` of a test cell's ``run_test({...})`` call, or None (see :func:`spec_from_source`)."""
    literal = spec_from_source(source)
    return None if literal is None else QuestionSpec.from_literal(literal)


def run_test(spec: dict):
    """Called by a hidden test cell inside the kernel (stock ``nbgrader autograde``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - only in a bare interpreter
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is None:
        raise RuntimeError("run_test must run inside a Jupyter kernel")
    history = list(shell.history_manager.input_hist_raw)
    # the last entry is this test cell itself; entry 0 is a placeholder
    outcome = grade_question(spec, history[1:-1])
    if outcome.points <= 0:
        print(outcome.message, file=sys.stderr)
        return None
    print(outcome.message)
    if outcome.points < outcome.max_points:
        return outcome.points
    return None
