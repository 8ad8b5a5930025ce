"""Bank → nbgrader source notebooks (``python -m autograder build [--check]``).

One assignment per chapter: ``exercises/source/<assignment>/<assignment>.ipynb``.
Per question: a locked markdown cell with the question, a solution cell that
holds one string-literal assignment (released as ``第N题 = ""``), and a locked
autograder-test cell whose hidden test carries the key and the points.  A short
answer is a manually graded markdown cell; its rubric sits in a mark-scheme
region of the locked question cell, so graders see it in formgrader and
students never do.  The output is deterministic, so ``--check`` can compare it
byte for byte with the committed copy.
"""
from __future__ import annotations

import json
from pathlib import Path

from .load import BankChapter, BankQuestion, load_bank
from .callitem import turn_var
from ..questiontypes import TYPE_LABEL

__all__ = ["build_notebook", "render", "write_all", "check_all", "SOURCE_DIR"]

SOURCE_DIR = Path("exercises") / "source"
NB_SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
HINT = {
    "single": '在引号里填写一个字母，例如 "B"',
    "multiple": '在引号里填写所有正确选项的字母（可多选），例如 "ABD"',
    "rewrite": "在引号里写出改写后的完整一句话",
    "call": "客户的话写在 # 客户： 后面；在每个第N句的引号里写出你这一句要说的话，不要删掉引号、等号和题号",
}


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    nb = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NB_SCHEMA,
          "solution": solution, "task": False}
    if grade:
        nb["points"] = points
    meta: dict = {"nbgrader": nb}
    if locked:
        meta.update(deletable=False, editable=False)
    return meta


def _cell_id(grade_id: str) -> str:
    return grade_id.replace("_", "-")[:64]


def _markdown(grade_id: str, source: str, **kw) -> dict:
    return {"cell_type": "markdown", "id": _cell_id(grade_id), "metadata": _meta(grade_id, **kw), "source": source}


def _code(grade_id: str, source: str, **kw) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": _cell_id(grade_id),
            "metadata": _meta(grade_id, **kw), "outputs": [], "source": source}


def _points(x: float) -> str:
    return f"{x:g}"


def _intro(ch: BankChapter) -> str:
    counts = {t: sum(1 for q in ch.questions if q.type == t) for t in TYPE_LABEL}
    summary = "、".join(f"{TYPE_LABEL[t]} {n} 道" for t, n in counts.items() if n)
    last_rewrite = next((q for q in reversed(ch.questions) if q.type == "rewrite"), None)
    example_rewrite = last_rewrite.var if last_rewrite else "第14题"
    return f"""# {ch.heading}

{ch.intro}

本练习共 {len(ch.questions)} 题（{summary}），满分 {_points(ch.points)} 分。

## 怎么作答
1. 每道题下面有一个**作答格**，里面已经写好了 `第1题 = ""` 这样的一行。把答案写在**两个英文引号中间**，不要删掉引号、等号和题号。
   - 单选题：填一个字母，如 `第1题 = "B"`。
   - 多选题：填所有正确选项的字母，如 `第9题 = "ACD"`。少选得部分分，错选不得分。
   - 改写题：写出改写后的完整一句话，如 `{example_rewrite} = "您好，……"`。
{_call_howto(ch)}   - 简答题：双击答题框，直接用文字作答。
2. 题目格和“自动评分”格是锁定的，不能修改，也不用管它们。

## 怎么自查
做完后，先保存（Ctrl+S），再点菜单 **运行 → 运行所有单元格**（Run → Run All Cells），看最后一格“提交前自查”的结果：
选择题只检查答案格式能否读取（**不会**告诉你对错）；改写题会显示规则检查的意见，可以反复修改、再运行。

## 怎么提交
先保存（Ctrl+S），再按老师的要求提交：在 JupyterLab 的 Assignments（作业）页面点 **Submit**，或把本文件交给老师。
"""


def _call_howto(ch: BankChapter) -> str:
    call = next((q for q in ch.questions if q.type == "call"), None)
    if call is None:
        return ""
    return (f"   - 情景通话题：作答格里按通话顺序写好了客户说的话（`# 客户：……` 开头的灰色行），"
            f"每句客户的话下面有一行 `{turn_var(call.var, 1)} = \"\"`：在引号里写出你这一句要说的话。"
            "每一句单独评分，整通电话的顺序和前后一致也要评分；空着的句子得 0 分，其他句子照常评分。\n")


def _question_md(q: BankQuestion) -> str:
    head = f"### {q.var}（{TYPE_LABEL[q.type]}，{_points(q.points)} 分）\n\n"
    if q.type in ("single", "multiple"):
        opts = "\n".join(f"- **{k}.** {v}" for k, v in q.options.items())
        note = "（多选题：少选得部分分，错选不得分）\n\n" if q.type == "multiple" and q.policy == "subset_partial" else ""
        if q.type == "multiple" and q.policy == "all_or_nothing":
            note = "（多选题：全部选对才得分）\n\n"
        elif q.type == "multiple" and q.policy == "subset_fixed":
            note = f"（多选题：全对得满分，少选得 {_points(q.points * (q.partial or 0))} 分，错选不得分）\n\n"
        elif q.type == "multiple" and q.policy == "net_correct":
            note = "（多选题：选对一项加分，选错一项扣分，最低 0 分）\n\n"
        return f"{head}{_call(q)}{q.text}\n\n{note}{opts}\n"
    if q.type == "rewrite":
        from ..engine.engine import get_scenario

        sc = get_scenario(q.scenario)
        needs = "、".join(r.name for r in sc.requires if r.name)
        return (f"{head}{q.text}\n\n> 原句：「{q.bad}」\n\n"
                f"场景：**{sc.title}**。改写后的说法要包含：{needs}；称呼客户用“您”，不用禁语和口头语。\n")
    if q.type == "call":
        return f"{head}{q.text}\n\n{_call_script(q)}\n"
    rubric = "\n".join(f"- {r}" for r in q.rubric)
    answers = f"\n\n**参考答案（满分）**\n\n{_quote(q.reference_answer)}"
    if q.borderline_answer:
        answers += f"\n\n**临界答案（及格线附近的写法，供统一给分尺度）**\n\n{_quote(q.borderline_answer)}"
    return (f"{head}{q.text}\n\n请在下面的答题框里作答（双击答题框即可编辑）。\n\n"
            # nbgrader finds the delimiters anywhere in a line: as HTML comments they
            # do not render as big headings in formgrader
            f"<!-- BEGIN MARK SCHEME -->\n\n---\n\n**评分要点（仅教师可见，发布时自动删除）**\n\n{rubric}{answers}\n\n"
            "<!-- END MARK SCHEME -->\n")


def _quote(text: str) -> str:
    """A block quote, one paragraph a line."""
    return "\n>\n".join(f"> {line.strip()}" for line in text.splitlines() if line.strip())


def _call(q: BankQuestion) -> str:
    """The situation and the call excerpt a choice item is built on, before its stem."""
    parts = []
    if q.situation:
        parts.append(q.situation)
    if q.transcript:
        parts.append("\n>\n".join(f"> **{line[:2]}：** {line[3:].strip()}" for line in q.transcript))
    return "".join(f"{p}\n\n" for p in parts)


def _call_script(q: BankQuestion) -> str:
    """The call as the student reads it: customer lines, and what each agent turn is for."""
    lines, n = [], 0
    for t in q.call.turns:
        if t.is_agent:
            n += 1
            lines.append(f"> **客服（第{n}句）：** {t.hint or '（由你来说）'}")
        else:
            lines.append(f"> **客户：** {t.customer[0]}")
    direction = "客户来电" if q.call.direction == "inbound" else "你打给客户（外呼）"
    return (f"{direction}，通话顺序如下，客服要说的话由你来写：\n\n" + "\n>\n".join(lines)
            + "\n\n通话里的每一句都要符合规范：称呼客户用“您”，不用禁语和口头语。")


def _call_answers(q: BankQuestion, texts: list[str] | None) -> str:
    """The answer lines of a call, customer lines as comments; ``texts`` None gives the empty lines."""
    out, n = [], 0
    for t in q.call.turns:
        if t.is_agent:
            n += 1
            if texts is None:
                out.append(f"# 第{n}句" + (f"（{t.hint}）" if t.hint else ""))
            value = json.dumps(texts[n - 1], ensure_ascii=False) if texts is not None else '""'
            out.append(f"{turn_var(q.var, n)} = {value}")
        elif texts is None:
            out.append(f"# 客户：{t.customer[0]}")
    return "\n".join(out)


def _spec_literal(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False)


def build_notebook(ch: BankChapter) -> dict:
    """The nbgrader source notebook of one chapter, as a notebook dict: locked
    question cells, one answer cell and one hidden test cell per question."""
    cells = [_markdown(f"{ch.assignment}_intro", _intro(ch), locked=True)]
    for q in ch.questions:
        cells.append(_markdown(f"{q.id}_question", _question_md(q), locked=True))
        if q.type == "short":
            key_points = "参考要点（发布时替换为空白答题框）：\n\n" + "\n".join(f"- {r}" for r in q.rubric)
            cells.append(_markdown(q.answer_cell, f"### BEGIN SOLUTION\n{key_points}\n### END SOLUTION",
                                   grade=True, solution=True, points=q.points))
            continue
        if q.type == "call":
            cells.append(_code(q.answer_cell,
                               f"# {HINT[q.type]}\n{_call_answers(q, None)}\n"
                               f"### BEGIN SOLUTION\n{_call_answers(q, list(q.call.model_call))}\n### END SOLUTION",
                               solution=True))
        else:
            solution = q.model_answer if q.type == "rewrite" else "".join(q.key)
            cells.append(_code(q.answer_cell,
                               f"# {HINT[q.type]}\n{q.var} = \"\"\n### BEGIN SOLUTION\n{q.var} = {json.dumps(solution, ensure_ascii=False)}\n### END SOLUTION",
                               solution=True))
        cells.append(_code(q.grade_cell,
                           f"# {q.var}的自动评分格（老师评分时使用，不用修改，运行它也不会显示内容）\n"
                           "### BEGIN HIDDEN TESTS\n"
                           "from autograder.autotest import run_test\n"
                           f"run_test({_spec_literal(q.spec())})\n"
                           "### END HIDDEN TESTS",
                           grade=True, locked=True, points=q.points))
    cells.append(_markdown(f"{ch.assignment}_selfcheck_intro",
                           "## 提交前自查\n\n先保存（Ctrl+S），再点 **运行 → 运行所有单元格**，看下面的结果。"
                           "它只检查能否读取你的答案，不会告诉你选择题的对错；改写题和情景通话题会列出规则检查的意见，"
                           "简答题只提醒你有没有作答。", locked=True))
    public = {q.var: _public(q) for q in ch.questions}
    check_cell = _code(f"{ch.assignment}_selfcheck",
                       "from autograder.selfcheck import self_check\n"
                       f"self_check({json.dumps(public, ensure_ascii=False)})", locked=True)
    check_cell["metadata"]["jupyter"] = {"source_hidden": True}  # students see the result, not the long call
    cells.append(check_cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "title": ch.heading,
            "autograder": {"chapter": ch.number, "chapter_title": ch.title},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _public(q: BankQuestion) -> dict:
    """What the student-side self-check may know: no key, no model answer."""
    if q.type == "rewrite":
        return {"type": "rewrite", "scenario": q.scenario, "bad": q.bad}
    if q.type == "short":
        return {"type": "short", "cell": q.answer_cell}
    if q.type == "call":
        return {"type": "call", **q.call.public()}
    return {"type": q.type, "options": q.letters}


def render(ch: BankChapter) -> str:
    """The chapter's notebook as the exact text ``build`` writes (``build --check`` compares it)."""
    return json.dumps(build_notebook(ch), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _target(ch: BankChapter, source_dir: Path) -> Path:
    return source_dir / ch.assignment / f"{ch.notebook}.ipynb"


def write_all(bank_dir: str | Path | None = None, source_dir: str | Path = SOURCE_DIR,
              course_dir: str | Path | None = None) -> list[Path]:
    """Write every chapter's source notebook.

    With ``course_dir`` (the nbgrader course the notebooks belong to), nothing
    is written when a chapter would add, remove or reorder questions of an
    assignment students already handed in (:class:`autograder.grading.structure.BuildRefused`).
    """
    source_dir = Path(source_dir)
    chapters = load_bank(bank_dir)
    if course_dir is not None:
        from ..grading.structure import Slot, guard_build

        guard_build(Path(course_dir), {ch.assignment: (_target(ch, source_dir),
                                                       [Slot(q.id, q.var, q.type) for q in ch.questions])
                                       for ch in chapters})
    written = []
    for ch in chapters:
        path = _target(ch, source_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(ch)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check_all(bank_dir: str | Path | None = None, source_dir: str | Path = SOURCE_DIR) -> list[str]:
    """Problems that make the committed notebooks differ from the bank (empty: up to date)."""
    source_dir = Path(source_dir)
    problems = []
    chapters = load_bank(bank_dir)
    expected = {_target(ch, source_dir): render(ch) for ch in chapters}
    for path, text in expected.items():
        if not path.exists():
            problems.append(f"{path}: missing (run `python -m autograder build`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: out of date with the bank (run `python -m autograder build`)")
    return problems
