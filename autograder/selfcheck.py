"""The student's self-check before submitting (last cell of every exercise).

It reads each answer the way the grader will (from the source text of the
cells run so far) and says whether it can be read and is well-formed.  It
never says whether a choice is right; for rewrites it shows the rule engine's
findings, which is the point of the exercise.  It knows no key: the notebook
passes it only question types, option letters, scenarios and the bad
utterances.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from .answers import find_answer, parse_choice, parse_text

__all__ = ["Row", "self_check", "check_answers"]


@dataclass(frozen=True, slots=True)
class Row:
    var: str
    status: str  # ok | empty | error
    message: str


def check_answers(public: dict, sources: list[str]) -> list[Row]:
    rows = []
    for var, info in public.items():
        read = find_answer(sources, var)
        if read.error:
            rows.append(Row(var, "error", read.error))
            continue
        if info["type"] in ("single", "multiple"):
            choice = parse_choice(read.value, info["type"], info["options"])
            if choice.empty:
                rows.append(Row(var, "empty", "还没有作答。"))
            elif choice.error:
                rows.append(Row(var, "error", choice.error))
            else:
                rows.append(Row(var, "ok", f"已读取：{choice.text}（格式正确；对错在提交评分后才知道）"))
            continue
        text, error = parse_text(read.value)
        if error:
            rows.append(Row(var, "error", error))
            continue
        if not text.strip():
            rows.append(Row(var, "empty", "还没有作答。"))
            continue
        from .engine import check

        result = check(text, info["scenario"], original=info.get("bad"))
        notes = "；".join(f.message for f in result.findings if f.kind != "warning")
        tips = "；".join(f.message for f in result.findings if f.kind == "warning")
        if result.passed:
            msg = "通过规则检查。" + (f"提醒：{tips}" if tips else "")
            rows.append(Row(var, "ok", msg))
        else:
            msg = f"未通过规则检查（得分比例 {result.score:.0%}）：{notes}" + (f"；提醒：{tips}" if tips else "")
            rows.append(Row(var, "error", msg))
    return rows


_ICON = {"ok": "✓", "empty": "○", "error": "✗"}
_COLOR = {"ok": "#1a7f37", "empty": "#9a6700", "error": "#cf222e"}


def _html(rows: list[Row]) -> str:
    body = "".join(
        f"<tr><td style='white-space:nowrap;color:{_COLOR[r.status]}'><b>{_ICON[r.status]} {html.escape(r.var)}</b></td>"
        f"<td style='text-align:left'>{html.escape(r.message)}</td></tr>" for r in rows)
    ok = sum(r.status == "ok" for r in rows)
    return (f"<p><b>自查结果：</b>{ok}/{len(rows)} 题可以读取并通过格式检查。"
            "选择题的对错要等老师评分后才知道。</p>"
            f"<table>{body}</table>")


def self_check(public: dict, sources: list[str] | None = None) -> list[Row] | None:
    """Check every answer in ``public`` ({var: {type, options|scenario, bad}}) and show a table."""
    interactive = sources is None
    if interactive:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise RuntimeError("self_check runs inside the exercise notebook")
        sources = list(shell.history_manager.input_hist_raw)[1:-1]
    rows = check_answers(public, sources)
    try:
        from IPython.display import HTML, display

        display(HTML(_html(rows)))
    except ImportError:  # pragma: no cover
        for r in rows:
            print(_ICON[r.status], r.var, r.message)
    return None if interactive else rows  # no repr echoed under the table
