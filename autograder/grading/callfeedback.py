"""The student's feedback on a whole-call answer, in Chinese plain text.

Turn by turn first (what each turn had to do, its score, the findings and
what to say instead; an empty or unreadable turn shows 0 and the rest still
shows), then the call-level findings (order, forbidden words, consistency).
It renders the walk of :mod:`.callreview` (the call sandbox's HTML renders
the same walk).  Kept apart from the per-question feedback template so either
can change without touching the other.
"""
from __future__ import annotations

from .callanswers import TurnRead
from .callreview import EMPTY, FAILED, PASSED, UNREADABLE, CallReview, TurnReview, phase_title, review_call

__all__ = ["phase_title", "call_walkthrough", "self_check_lines", "walkthrough_text"]

_MARK = {"missing": "✗", "forbidden": "✗", "warning": "△", "error": "✗"}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _fmt(x: float) -> str:
    return f"{x:g}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return "「" + (text if len(text) <= limit else text[:limit] + "…") + "」"


def _turn_lines(turn: TurnReview) -> list[str]:
    head = f"  第{turn.number}句（{turn.title}）"
    if turn.state == UNREADABLE:
        return [f"{head}：✗ 无法读取——{turn.problem}这一句得 0 分，其他句子照常评分。"]
    if turn.state == EMPTY:
        return [f"{head}：○ 空着没写，这一句得 0 分，其他句子照常评分。"]
    state = "✓ 通过" if turn.state == PASSED else f"✗ 未通过（这一句得分比例 {_pct(turn.score)}）"
    lines = [f"{head}：{state}  {_quote(turn.text)}"]
    for f in turn.findings:
        lines.append(f"      {_MARK.get(f.kind, '·')} {f.message}")
        suggestion = getattr(f, "suggestion", "")
        if suggestion and f.kind != "warning":
            lines.append(f"        可以这样说：{suggestion}")
    return lines


def _call_lines(findings) -> list[str]:
    if not findings:
        return ["  ✓ 顺序、禁语和前后一致都没有发现问题。"]
    lines = []
    for f in findings:
        turn = getattr(f, "turn", None)
        where = f"（第{turn}句）" if turn and f"第{turn}句" not in f.message else ""
        lines.append(f"  {_MARK.get(f.level, '·')} {f.message}{where}")
        if getattr(f, "suggestion", ""):
            lines.append(f"      建议：{f.suggestion}")
    return lines


def walkthrough_text(label: str, review: CallReview, earned: float, points: float,
                     weights: dict | None = None) -> str:
    """``review`` as the graded feedback: the score, each turn, then the call as a whole."""
    share = ""
    if weights:
        share = f"逐句得分占 {_pct(weights['turns'])}，整通电话的要求占 {_pct(weights['call'])}。"
    lines = [f"{label}：得 {_fmt(earned)} 分（满分 {_fmt(points)} 分）。"
             f"{len(review.turns)} 句里 {review.passed_turns} 句通过。{share}",
             "逐句检查："]
    for turn in review.turns:
        lines += _turn_lines(turn)
    lines.append("整通电话：")
    lines += _call_lines(review.findings)
    return "\n".join(lines)


def call_walkthrough(label: str, result, reads: list[TurnRead], earned: float, points: float,
                     weights: dict | None = None) -> str:
    """The graded feedback of one call question (``result``: the engine's ``CallResult``)."""
    return walkthrough_text(label, review_call(result, reads), earned, points, weights)


def self_check_lines(result, reads: list[TurnRead]) -> list[str]:
    """The self-check's view of a call: each turn, then call-level reminders (no score: it knows no weights)."""
    review = review_call(result, reads)
    lines = []
    for turn in review.turns:
        lines.append(_turn_lines(turn)[0].strip())
        if turn.state == FAILED:
            lines += [f"    {_MARK.get(f.kind, '·')} {f.message}" for f in turn.findings if f.kind != "warning"]
    if review.findings:
        lines.append("整通电话：")
        lines += [f"  {_MARK.get(f.level, '·')} {f.message}" for f in review.findings]
    return lines
