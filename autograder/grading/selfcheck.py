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
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .reading import Status, read_call_answer, read_question

__all__ = ["Row", "self_check", "check_answers"]


@dataclass(frozen=True, slots=True)
class Row:
    var: str
    status: str  # ok | empty | error | info
    message: str


# a punctuation mark doubled where two messages meet: ？”。 or 。；
_DOUBLED = re.compile(r"([。！？!?；;])([”’」』）)]?)[。；;]+")


def _tidy(message: str) -> str:
    return _DOUBLED.sub(r"\1\2", message)


def _join(messages: list[str]) -> str:
    return "；".join(m.rstrip("。；;") for m in messages if m)


# The release notebook's empty short-answer box (nbgrader's ClearSolutions.text_stub of the course config).
_STUB = re.compile(r"^\s*(（?请在这里作答[^）]*）?)?\s*$", re.S)


def _saved_notebook() -> dict | None:
    """The notebook file as last saved (Jupyter Server names it in JPY_SESSION_NAME), or None."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    if not name.endswith(".ipynb"):
        return None
    for path in (Path(name), Path.cwd() / Path(name).name):
        try:
            if path.is_file() and path.stat().st_size < 20_000_000:
                return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def _short_row(var: str, cell_id: str, notebook: dict | None) -> Row:
    if notebook is not None:
        for cell in notebook.get("cells", []):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if meta.get("grade_id") == cell_id:
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
                if _STUB.match(text):
                    return Row(var, "empty", "简答题还没有作答：双击上面的答题框写好，按 Shift+Enter，再保存（Ctrl+S）。")
                return Row(var, "ok", "已作答（简答题由老师人工评分）。")
    return Row(var, "info", "简答题由老师人工评分；自查读不到它，请确认上面的答题框已经写好并保存（Ctrl+S）。")


def check_answers(public: dict, sources: list[str], notebook: dict | None = None) -> list[Row]:
    """One row per question; ``notebook`` (the saved file) lets it see short answers, which are markdown."""
    rows = []
    for var, info in public.items():
        if info["type"] == "short":
            rows.append(_short_row(var, info.get("cell", ""), notebook))
            continue
        if info["type"] == "call":
            rows.append(_call_row(var, info, sources))
            continue
        reading = read_question(info["type"], var, sources, options=info.get("options", ""))
        if reading.status == Status.EMPTY:
            rows.append(Row(var, "empty", "还没有作答。"))
        elif not reading.usable:
            rows.append(Row(var, "error", reading.reason.message))
        elif info["type"] in ("single", "multiple"):
            rows.append(Row(var, "ok", f"已读取：{reading.value}（格式正确；对错在提交评分后才知道）"))
        else:
            rows.append(_rewrite_row(var, info, reading.value))
    return rows


def _rewrite_row(var: str, info: dict, text: str) -> Row:
    from ..engine.engine import check

    result = check(text, info["scenario"], original=info.get("bad"))
    notes = _join([f.message for f in result.findings if f.kind != "warning"])
    tips = _join([f.message for f in result.findings if f.kind == "warning"])
    if result.passed:
        return Row(var, "ok", _tidy("通过规则检查。" + (f"提醒：{tips}。" if tips else "")))
    msg = f"未通过规则检查（得分比例 {result.score:.0%}）：{notes}" + (f"；提醒：{tips}" if tips else "") + "。"
    return Row(var, "error", _tidy(msg))


def _call_row(var: str, info: dict, sources: list[str]) -> Row:
    """A whole call: each turn read and checked, then the call-level reminders (no score: no weights here)."""
    reading = read_call_answer({"var": var, **info}, sources)
    reads = reading.value
    if reading.status == Status.MISSING:
        return Row(var, "error", reading.reason.message if reads else "找不到答案。")
    if all(r.empty for r in reads):
        return Row(var, "empty", "还没有作答：在每个“第N句”的引号里写出你要说的话。")
    from .callfeedback import self_check_lines
    from ..engine.calls import check_call

    result = check_call([r.text for r in reads], info)
    lines = self_check_lines(result, reads)
    fine = all(v.result is not None and v.result.passed for v in result.turns) and not result.findings
    head = "每一句都通过规则检查，整通电话也没有发现问题。" if fine else "还有要改的地方："
    status = "ok" if fine and not any(r.problem for r in reads) else "error"
    return Row(var, status, head + "\n" + "\n".join(lines))


_ICON = {"ok": "✓", "empty": "○", "error": "✗", "info": "ℹ"}
_COLOR = {"ok": "#1a7f37", "empty": "#9a6700", "error": "#cf222e", "info": "#57606a"}


def _html(rows: list[Row]) -> str:
    body = "".join(
        f"<tr><td style='white-space:nowrap;color:{_COLOR[r.status]}'><b>{_ICON[r.status]} {html.escape(r.var)}</b></td>"
        f"<td style='text-align:left'>{html.escape(r.message).replace(chr(10), '<br>')}</td></tr>" for r in rows)
    ok = sum(r.status == "ok" for r in rows)
    return (f"<p><b>自查结果：</b>{ok}/{len(rows)} 题可以读取并通过检查。"
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
    rows = check_answers(public, sources, _saved_notebook() if interactive else None)
    try:
        from IPython.display import HTML, display

        display(HTML(_html(rows)))
    except ImportError:  # pragma: no cover
        for r in rows:
            print(_ICON[r.status], r.var, r.message)
    return None if interactive else rows  # no repr echoed under the table
