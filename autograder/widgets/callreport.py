"""HTML for the call sandbox: the call card, the turn-by-turn walkthrough, the model call.

Pure functions (no ipywidgets).  The walkthrough renders the graded
feedback's walk (:mod:`autograder.grading.callreview`): every agent turn with
its scenario, score, marked text and suggestions, then the call-level
findings.  Student text is escaped where it is inserted, and every fragment
handed to a widget passes through the allow-list sanitiser (nh3: known tags,
``style`` with known properties only, nothing else).
"""
from __future__ import annotations

from html import escape
from typing import Sequence

from ..grading.callreview import CallReview, TurnReview, phase_title, review_call  # the graded feedback's walk
from .callpractice import DIRECTIONS, FREE, CallSandboxItem, CallTurn
from .feedback import _BAD, _KIND_COLOURS, _OK, _PARTIAL, KIND_LABELS, _numbered, highlight_html

__all__ = ["safe_html", "phase_title", "call_intro_html", "customer_line_html", "agent_label_html",
           "call_feedback_html", "review_html", "model_call_html", "model_call_locked_html", "call_error_html"]

_TAGS = {"div", "span", "b", "i", "ul", "li", "mark", "sup", "br", "small"}
_STYLE = {"color", "background", "background-color", "border", "border-left", "border-bottom",
          "border-radius", "padding", "margin", "margin-left", "margin-top", "margin-right",
          "margin-bottom", "font-size", "line-height", "font-weight", "padding-left"}
LEVEL_LABELS = {"error": "必须改", "warning": "提醒"}
_LEVEL_KIND = {"error": "forbidden", "warning": "warning"}


def safe_html(fragment: str) -> str:
    """``fragment`` through the allow-list sanitiser: no script, no event handler, no foreign CSS."""
    import nh3

    return nh3.clean(fragment, tags=_TAGS, attributes={"*": {"style"}},
                     filter_style_properties=_STYLE, link_rel=None)


def call_intro_html(item: CallSandboxItem) -> str:
    return safe_html(
        f'<div style="border:1px solid #c9d7ea;border-radius:6px;padding:8px 12px;'
        f'background:#f5f8fc;line-height:1.7">'
        f'<div style="font-size:110%"><b>☎ 通话练习：{escape(item.title)}</b>'
        f'<span style="color:#777">（{escape(DIRECTIONS[item.direction])}，练习，不计分）</span></div>'
        f'<div><b>情境：</b>{escape(item.situation)}</div>'
        f'<div>客户说的话已经写好。请在每个「坐席」框里写出你这一句要说的话，'
        f'整通电话写完后点「检查整通电话」：先逐句点评，再看整通电话的顺序和前后是否一致。</div></div>')


def customer_line_html(turn: CallTurn) -> str:
    return safe_html(f'<div style="margin:6px 0 2px 0;color:#444"><b>客户：</b>{escape(turn.customer or "")}</div>')


def agent_label_html(turn: CallTurn) -> str:
    hint = (f'<span style="color:#777">　提示：{escape(turn.hint)}</span>' if turn.hint else "")
    return safe_html(f'<div style="margin-top:4px"><b>坐席 第{turn.number}句</b>'
                     f'<span style="color:#2f6db5">（{escape(phase_title(turn.phase or FREE))}）</span>{hint}</div>')


def _score_colour(score: float) -> str:
    return _OK if score >= 0.999 else (_PARTIAL if score > 0 else _BAD)


def _turn_html(turn: TurnReview) -> str:
    """One agent turn of the walkthrough: number, scenario, score, marked text, suggestions."""
    score = round(turn.score * 100)
    head = (f'<div style="margin-top:8px"><b>第{turn.number}句</b>'
            f'<span style="color:#2f6db5">（{escape(turn.title)}）</span> '
            f'<span style="color:{_score_colour(turn.score)}"><b>{score} 分</b></span></div>')
    if turn.unanswered:
        return head + (f'<div style="margin-left:1.2em;color:{_BAD}">这一句没有写，记 0 分；'
                       f'其他句照常检查。</div>')
    numbered, unique = _numbered(turn.findings)
    marks = [(f.span[0], f.span[1], num, f.kind) for num, f in numbered if f.span is not None]
    parts = [head, f'<div style="margin-left:1.2em">你写的：{highlight_html(turn.text, marks)}</div>']
    if unique:
        items = []
        for num, f in unique:
            bg, fg = _KIND_COLOURS.get(f.kind, _KIND_COLOURS["warning"])
            suggestion = getattr(f, "suggestion", "")
            said = (f'<div style="margin-left:1.2em;color:{_OK}">可以这样说：{escape(suggestion)}</div>'
                    if suggestion and suggestion not in f.message else "")
            items.append(f'<li style="margin:2px 0"><span style="background:{bg};color:{fg};padding:0 5px;'
                         f'border-radius:3px">[{num}] {KIND_LABELS.get(f.kind, f.kind)}</span> '
                         f'{escape(f.message)}{said}</li>')
        parts.append(f'<ul style="margin:2px 0 2px 1.2em;padding-left:1.4em">{"".join(items)}</ul>')
    else:
        parts.append(f'<div style="margin-left:1.2em;color:{_OK}">这一句说得规范。</div>')
    return "".join(parts)


def _call_findings_html(findings: Sequence) -> str:
    if not findings:
        return (f'<div style="color:{_OK};margin-left:1.2em">整通电话的顺序、用语和前后说法都没有问题。</div>')
    items = []
    for f in findings:
        bg, fg = _KIND_COLOURS[_LEVEL_KIND.get(f.level, "warning")]
        where = f"（第{f.turn}句）" if f.turn else ""
        suggestion = getattr(f, "suggestion", "")
        said = (f'<div style="margin-left:1.2em;color:{_OK}">可以这样做：{escape(suggestion)}</div>'
                if suggestion and suggestion not in f.message else "")
        items.append(f'<li style="margin:2px 0"><span style="background:{bg};color:{fg};padding:0 5px;'
                     f'border-radius:3px">{LEVEL_LABELS.get(f.level, f.level)}</span>{where} '
                     f'{escape(f.message)}{said}</li>')
    return f'<ul style="margin:2px 0 2px 1.2em;padding-left:1.4em">{"".join(items)}</ul>'


def call_feedback_html(result) -> str:
    """The walkthrough of one attempt (``result``: the engine's ``CallResult``)."""
    return review_html(review_call(result))


def review_html(review: CallReview) -> str:
    """``review`` as the sandbox shows it: the verdict, each turn, then the call as a whole."""
    score = round(review.score * 100)
    empty = review.unanswered_turns
    if review.passed:
        head = (f'<div style="color:{_OK};font-size:115%"><b>✔ 整通电话通过！得分 {score} 分</b>'
                f'（满分 100）</div>')
    else:
        why = f"有 {empty} 句没有写；" if empty else ""
        head = (f'<div style="color:{_BAD};font-size:115%"><b>✘ 还没有通过：得分 {score} 分</b>'
                f'（满分 100）</div><div>{why}按下面的逐句点评和整通电话的问题改好后，再点「检查整通电话」。</div>')
    turns = "".join(_turn_html(t) for t in review.turns)
    body = (f'{head}<div style="margin-top:6px"><b>逐句点评</b></div>{turns}'
            f'<div style="margin-top:10px"><b>整通电话</b></div>{_call_findings_html(review.findings)}')
    return safe_html(f'<div style="margin-top:6px;line-height:1.6">{body}</div>')


def model_call_html(item: CallSandboxItem) -> str:
    """The model call, customer lines included, shown on request after a first try."""
    lines = []
    model = iter(item.model_call)
    for t in item.turns:
        if t.is_agent:
            lines.append(f'<div><b>坐席 第{t.number}句：</b>{escape(next(model))}</div>')
        else:
            lines.append(f'<div style="color:#555">客户：{escape(t.customer or "")}</div>')
    return safe_html(
        f'<div style="margin-top:6px;padding:6px 10px;border-left:4px solid {_OK};background:#eef8f1;'
        f'line-height:1.7"><b>参考通话：</b>{"".join(lines)}'
        f'<div style="color:#555;font-size:90%">说法不止一种：每句做到本句的要求，'
        f'整通电话顺序对、前后一致，就可以。</div></div>')


def model_call_locked_html() -> str:
    return safe_html(f'<div style="color:{_PARTIAL};margin:4px 0">先自己写一遍、点「检查整通电话」，'
                     f'再看参考通话。</div>')


def call_error_html(message: str) -> str:
    return safe_html(f'<div style="color:{_BAD};border:1px solid {_BAD};padding:6px 10px">'
                     f'这个通话练习暂时无法检查：{escape(message)}。请告诉老师更新 autograder 或练习文件。</div>')
