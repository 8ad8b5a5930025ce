"""Pure functions behind the practice widgets: judge a quiz answer, build feedback HTML.

Nothing here imports ipywidgets, so the logic is tested without a browser or
a kernel.  All text the student typed is HTML-escaped before it is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterable, Sequence

from .practice import QuizQuestion, SandboxItem, parse_choice

__all__ = [
    "QuizVerdict", "evaluate_quiz", "quiz_question_html", "quiz_feedback_html",
    "highlight_html", "sandbox_intro_html", "sandbox_feedback_html", "model_answer_html",
    "missing_scenario_html", "KIND_LABELS",
]

KIND_LABELS = {"forbidden": "不能这样说", "warning": "提醒", "missing": "缺少"}
_KIND_COLOURS = {"forbidden": ("#fde2e1", "#c0392b"), "warning": ("#fff3c4", "#9a6a00"),
                 "missing": ("#e8eefc", "#2f6db5")}
_OK = "#2e8b57"
_BAD = "#c0392b"
_PARTIAL = "#b7791f"


# --------------------------------------------------------------------------- quiz


@dataclass(frozen=True, slots=True)
class QuizVerdict:
    """How one quiz answer fares. ``status``: correct | partial | wrong | empty."""

    status: str
    chosen: tuple[str, ...]
    missed: tuple[str, ...]  # right letters not chosen
    wrong: tuple[str, ...]  # chosen letters that are not right

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def evaluate_quiz(question: QuizQuestion, answer) -> QuizVerdict:
    """Judge ``answer`` (a letter, letters, or an iterable of letters)."""
    chosen = parse_choice(answer, question.letters)
    if not chosen:
        return QuizVerdict("empty", (), tuple(sorted(question.key)), ())
    wrong = tuple(c for c in chosen if c not in question.key)
    missed = tuple(sorted(question.key - set(chosen)))
    if question.type == "single" and len(chosen) > 1:
        status = "wrong"
    elif wrong:
        status = "wrong"
    elif missed:
        status = "partial"
    else:
        status = "correct"
    return QuizVerdict(status, chosen, missed, wrong)


def quiz_question_html(question: QuizQuestion, number: int) -> str:
    """The stem and the lettered options."""
    hint = "选一个答案" if question.type == "single" else "可以选多个答案"
    options = "".join(
        f'<div style="margin:2px 0 2px 1em"><b>{escape(letter)}.</b> {escape(text)}</div>'
        for letter, text in question.options)
    return (f'<div style="margin-top:6px;line-height:1.6">'
            f'<b>第{number}题（{question.type_label}）</b> {escape(question.stem)}'
            f'<span style="color:#777;font-size:90%">（{hint}）</span>{options}</div>')


def quiz_feedback_html(question: QuizQuestion, verdict: QuizVerdict) -> str:
    """Instant feedback: the verdict, the right answer and the explanation."""
    if verdict.status == "empty":
        return (f'<div style="color:{_PARTIAL};margin:4px 0">还没有选择答案：'
                f'请先点选字母，再点「提交答案」。</div>')
    chosen = "".join(verdict.chosen)
    if verdict.status == "correct":
        head = f'<span style="color:{_OK}">✔ 回答正确！</span>'
    elif verdict.status == "partial":
        head = (f'<span style="color:{_PARTIAL}">◐ 部分正确：你选的 {chosen} 都对，'
                f'但还漏了 {"".join(verdict.missed)}。</span>')
    elif question.type == "single" and len(verdict.chosen) > 1:
        head = f'<span style="color:{_BAD}">✘ 这是单选题，只能选一个答案。</span>'
    else:
        head = f'<span style="color:{_BAD}">✘ 不对：{"".join(verdict.wrong)} 不是正确选项。</span>'
    key = "" if verdict.correct else f"正确答案是 <b>{question.key_text}</b>。"
    return (f'<div style="margin:4px 0 10px 0;padding:6px 10px;background:#f7f7f7;'
            f'border-left:4px solid #bbb;line-height:1.6">'
            f'<b>{head}</b><br>{key}<b>解析：</b>{escape(question.explanation)}</div>')


# --------------------------------------------------------------------------- sandbox


def _numbered(findings: Sequence) -> tuple[list[tuple[int, object]], list[tuple[int, object]]]:
    """Number findings for display: marked text first, in reading order, then the rest.

    Repeats of the same advice (e.g. two 你 in one answer) share a number, so
    the list says it once.  Returns ``(every finding with its number, one
    finding per number)``.
    """
    rank = {"forbidden": 0, "warning": 1, "missing": 2}
    spanned = sorted((f for f in findings if f.span is not None), key=lambda f: (f.span[0], f.span[1]))
    rest = sorted((f for f in findings if f.span is None), key=lambda f: rank.get(f.kind, 3))
    numbers: dict[tuple[str, str], int] = {}
    every: list[tuple[int, object]] = []
    unique: list[tuple[int, object]] = []
    for f in spanned + rest:
        key = (f.kind, f.message)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            unique.append((numbers[key], f))
        every.append((numbers[key], f))
    return every, unique


def highlight_html(text: str, marks: Iterable[tuple[int, int, int, str]]) -> str:
    """``text`` escaped, with each ``(start, end, number, kind)`` span marked.

    Overlapping spans are fine: a stretch covered by several findings is
    marked once and carries every number, shown after the stretch.
    """
    n = len(text)
    spans: list[tuple[int, int, int, str]] = []
    for start, end, number, kind in marks:
        start, end = max(0, min(start, n)), max(0, min(end, n))
        if end > start:
            spans.append((start, end, number, kind))
    cuts = sorted({0, n} | {s for s, _, _, _ in spans} | {e for _, e, _, _ in spans})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        chunk = escape(text[a:b])
        kinds = {k for s, e, _, k in spans if s <= a and b <= e}
        if kinds:
            bg, fg = _KIND_COLOURS["forbidden" if "forbidden" in kinds else "warning"]
            out.append(f'<mark style="background:{bg};color:{fg};padding:0 1px;'
                       f'border-bottom:2px solid {fg}">{chunk}</mark>')
        else:
            out.append(chunk)
        ending = sorted({num for _, e, num, _ in spans if e == b})
        if ending:
            nums = "".join(f"[{k}]" for k in ending)
            out.append(f'<sup style="color:#555">{nums}</sup>')
    return "".join(out)


def sandbox_intro_html(item: SandboxItem, title: str, situation: str) -> str:
    """The card above the text box: situation, the utterance to rewrite, a hint."""
    hint = (f'<div style="color:#555;margin-top:4px"><b>提示：</b>{escape(item.hint)}</div>'
            if item.hint else "")
    return (f'<div style="border:1px solid #c9d7ea;border-radius:6px;padding:8px 12px;'
            f'background:#f5f8fc;line-height:1.7">'
            f'<div style="font-size:110%"><b>✍ 改写练习：{escape(title)}</b></div>'
            f'<div><b>情境：</b>{escape(item.situation or situation)}</div>'
            f'<div><b>不规范的说法：</b><span style="color:{_BAD};background:#fde2e1;'
            f'padding:1px 4px">{escape(item.bad)}</span></div>'
            f'<div>请在下面的框里写出规范的说法，然后点「检查」。</div>{hint}</div>')


def sandbox_feedback_html(result, text: str, requirements: Sequence[tuple[str, str]] = ()) -> str:
    """Feedback on one attempt.

    ``result`` is an engine ``Result`` (``passed``, ``score``, ``findings``);
    ``requirements`` are the scenario's ``(rule id, short name)`` pairs, shown
    as a checklist.
    """
    numbered, unique = _numbered(result.findings)
    score = round(result.score * 100)
    missing_ids = {f.rule for f in result.findings if f.kind == "missing"}
    has_error = any(f.kind == "forbidden" for f in result.findings)

    if result.passed:
        head = (f'<div style="color:{_OK};font-size:115%"><b>✔ 通过！得分 {score} 分</b>'
                f'（满分 100）</div>')
    else:
        if has_error:
            why = "用了不能说的话，整句记 0 分"
        elif requirements:
            met = len(requirements) - len(missing_ids & {r for r, _ in requirements})
            why = f"已做到 {met}/{len(requirements)} 项要求"
        else:
            why = "还有要改的地方"
        head = (f'<div style="color:{_BAD};font-size:115%"><b>✘ 未通过：得分 {score} 分</b>'
                f'（满分 100，{why}）。按下面的修改建议改好后，再点「检查」。</div>')

    parts = [head]
    if text.strip():
        marks = [(f.span[0], f.span[1], num, f.kind) for num, f in numbered if f.span is not None]
        parts.append(f'<div style="margin:6px 0"><b>你的说法：</b>'
                     f'<span style="font-size:105%">{highlight_html(text, marks)}</span></div>')

    if requirements:
        ticks = []
        for rid, name in requirements:
            ok = rid not in missing_ids
            ticks.append(f'<span style="margin-right:12px;color:{_OK if ok else _BAD}">'
                         f'{"✔" if ok else "✘"} {escape(name or rid)}</span>')
        parts.append(f'<div style="margin:4px 0"><b>本题要求：</b>{"".join(ticks)}</div>')

    if unique:
        items = []
        for num, f in unique:
            bg, fg = _KIND_COLOURS.get(f.kind, _KIND_COLOURS["warning"])
            label = KIND_LABELS.get(f.kind, f.kind)
            suggestion = getattr(f, "suggestion", "")
            said = (f'<div style="margin-left:1.2em;color:{_OK}">可以这样说：{escape(suggestion)}</div>'
                    if suggestion and suggestion not in f.message else "")
            items.append(
                f'<li style="margin:3px 0"><span style="background:{bg};color:{fg};'
                f'padding:0 5px;border-radius:3px">[{num}] {label}</span> {escape(f.message)}{said}</li>')
        parts.append(f'<div><b>修改建议：</b><ul style="margin:2px 0;padding-left:1.4em">'
                     f'{"".join(items)}</ul></div>')
    elif result.passed:
        parts.append('<div>说法规范，没有发现问题。可以点「看参考说法」比较一下。</div>')
    return f'<div style="margin-top:6px;line-height:1.6">{"".join(parts)}</div>'


def model_answer_html(item: SandboxItem) -> str:
    return (f'<div style="margin-top:6px;padding:6px 10px;border-left:4px solid {_OK};'
            f'background:#eef8f1;line-height:1.6"><b>参考说法：</b>{escape(item.model)}'
            f'<div style="color:#555;font-size:90%">正确的说法不止一种，'
            f'做到本题的各项要求就可以。</div></div>')


def missing_scenario_html(item: SandboxItem) -> str:
    return (f'<div style="color:{_BAD};border:1px solid {_BAD};padding:6px 10px">'
            f'这个改写练习需要检查场景「{escape(item.scenario)}」，但当前安装的 autograder '
            f'还没有这个场景，暂时无法检查。请告诉老师更新 autograder。'
            f'<br>(scenario {escape(item.scenario)!s} is not in the installed rule engine)</div>')
