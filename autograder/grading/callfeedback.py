"""The student's feedback on a whole-call answer, in Chinese plain text.

Turn by turn first (what each turn had to do, its score, the findings and
what to say instead; an empty or unreadable turn shows 0 and the rest still
shows), then the call-level findings (order, forbidden words, consistency).
Kept apart from the per-question feedback template so either can change
without touching the other.
"""
from __future__ import annotations

from .callanswers import TurnRead

__all__ = ["phase_title", "call_walkthrough", "self_check_lines"]

_MARK = {"missing": "✗", "forbidden": "✗", "warning": "△", "error": "✗"}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _fmt(x: float) -> str:
    return f"{x:g}"


def phase_title(phase: str) -> str:
    """What the turn had to do, in the scenario catalogue's words."""
    if phase == "free":
        return "自由应答（检查称呼、禁语和口头语）"
    from ..engine.engine import UnknownScenario, get_scenario

    try:
        return get_scenario(phase).title
    except UnknownScenario:
        return phase


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return "「" + (text if len(text) <= limit else text[:limit] + "…") + "」"


def _turn_lines(verdict, read: TurnRead | None) -> list[str]:
    head = f"  第{verdict.number}句（{phase_title(verdict.phase)}）"
    if read is not None and read.problem:
        return [f"{head}：✗ 无法读取——{read.problem}这一句得 0 分，其他句子照常评分。"]
    if verdict.result is None or not verdict.text.strip():
        return [f"{head}：○ 空着没写，这一句得 0 分，其他句子照常评分。"]
    result = verdict.result
    state = "✓ 通过" if result.passed else f"✗ 未通过（这一句得分比例 {_pct(verdict.score)}）"
    lines = [f"{head}：{state}  {_quote(verdict.text)}"]
    for f in result.findings:
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


def call_walkthrough(label: str, result, reads: list[TurnRead], earned: float, points: float,
                     weights: dict | None = None) -> str:
    """The graded feedback of one call question: the score, each turn, then the call as a whole."""
    passed = sum(1 for v in result.turns if v.result is not None and v.result.passed)
    share = ""
    if weights:
        share = f"逐句得分占 {_pct(weights['turns'])}，整通电话的要求占 {_pct(weights['call'])}。"
    lines = [f"{label}：得 {_fmt(earned)} 分（满分 {_fmt(points)} 分）。{len(result.turns)} 句里 {passed} 句通过。{share}",
             "逐句检查："]
    by_number = {r.number: r for r in reads}
    for verdict in result.turns:
        lines += _turn_lines(verdict, by_number.get(verdict.number))
    lines.append("整通电话：")
    lines += _call_lines(result.findings)
    return "\n".join(lines)


def self_check_lines(result, reads: list[TurnRead]) -> list[str]:
    """The self-check's view of a call: each turn, then call-level reminders (no score: it knows no weights)."""
    lines = []
    by_number = {r.number: r for r in reads}
    for verdict in result.turns:
        lines += [line.strip() for line in _turn_lines(verdict, by_number.get(verdict.number))[:1]]
        if verdict.result is not None and not verdict.result.passed:
            lines += [f"    {_MARK.get(f.kind, '·')} {f.message}" for f in verdict.result.findings if f.kind != "warning"]
    if result.findings:
        lines.append("整通电话：")
        lines += [f"  {_MARK.get(f.level, '·')} {f.message}" for f in result.findings]
    return lines
