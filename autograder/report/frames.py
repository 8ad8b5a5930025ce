"""A course's scores as pandas tables, for instructors who analyse in a notebook.

Three views of the same gradebook read-back that ``export`` writes to
``scores.csv`` (so a notebook and the exported files never disagree):

- :func:`scores`: one row per student, the columns of ``scores.csv``;
- :func:`question_scores`: one row per student and question (long form);
- :func:`rule_findings`: one row per rule finding in a rewrite answer or a
  call (a turn's findings, and the call-level rules of the whole call);
- :func:`call_turns`: one row per student, call question and agent turn.

pandas is imported here only, never by ``from autograder import check``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .export import analyse, read_answers, read_scores
from ..questiontypes import QUESTION_TYPES

__all__ = ["scores", "question_scores", "rule_findings", "call_turns", "STATE_LABEL"]

# a question's state in Chinese, as the export's chapter statuses read
STATE_LABEL = {"graded": "已评分", "pending": "待人工评分", "unreadable": "无法读取", "missing": "未提交"}


def _type_column(qtype: str) -> str:
    known = QUESTION_TYPES.get(qtype)
    return known.column if known else (qtype or "其他")


def scores(course_dir: str | Path) -> pd.DataFrame:
    """One row per student (index 学号), with the columns of ``scores.csv``.

    Scores are floats; a question or chapter with no data is NaN (an empty
    cell in the CSV), never 0.
    """
    table = read_scores(course_dir)
    frame = pd.DataFrame(table.rows(), columns=table.header())
    return frame.set_index("学号")


def question_scores(course_dir: str | Path) -> pd.DataFrame:
    """One row per (student, question): 学号, 姓名, 班级, 章, 题, 题型, 得分, 满分, 得分率, 状态."""
    table = read_scores(course_dir)
    rows = []
    for s in table.students:
        for ch in table.chapters:
            res = s.chapters[ch.assignment]
            for q in ch.questions:
                mark = res.marks.get(q.key)
                state = mark.state if mark else "missing"
                score = mark.score if mark else None
                rows.append({
                    "学号": s.id, "姓名": s.name, "班级": s.klass, "章": ch.label, "作业": ch.assignment,
                    "题": q.label, "题型": _type_column(q.type),
                    "得分": score, "满分": q.max_score,
                    "得分率": (score / q.max_score) if score is not None and q.max_score else None,
                    "状态": STATE_LABEL.get(state, state),
                })
    columns = ["学号", "姓名", "班级", "章", "作业", "题", "题型", "得分", "满分", "得分率", "状态"]
    return pd.DataFrame(rows, columns=columns).astype({"得分": "float64", "得分率": "float64"})


def rule_findings(course_dir: str | Path) -> pd.DataFrame:
    """One row per finding of the rule engine in a rewrite answer or a call.

    Columns: 学号, 章, 题, 规则, 规则名, 类型 (违规用语 / 缺少要素 / 提醒, and
    for the rules of a whole call 整通电话·必须改 / 整通电话·提醒),
    原文 (the offending words; empty for a missing element), 答案.
    A call's turn findings are listed under 题 ``电话礼仪·第5题·第2句``;
    its call-level findings under the question itself, with the whole call
    (第1句：… one line per turn) as 答案.
    Students whose chapter was not submitted or could not be read at all are
    left out, as in the export's rule statistics.
    """
    table = read_scores(course_dir)
    result = analyse(table, read_answers(course_dir, table))
    labels = {st.rule: st.label for st in result.rules}
    from .rulestats import KIND_LABEL as kind_label

    rows = []
    for check in result.checks:
        for f in check.findings:
            rule, kind, span = f[0], f[1], f[3]
            phrase = check.text[span[0]:span[1]].strip() if span is not None and kind != "missing" else ""
            rows.append({"学号": check.student, "章": check.chapter, "题": check.question, "规则": rule,
                         "规则名": labels.get(rule, ""), "类型": kind_label.get(kind, kind),
                         "原文": phrase, "答案": check.text})
    columns = ["学号", "章", "题", "规则", "规则名", "类型", "原文", "答案"]
    return pd.DataFrame(rows, columns=columns)


def call_turns(course_dir: str | Path) -> pd.DataFrame:
    """One row per (student, call question, agent turn): 学号, 章, 题, 句, 场景, 本句得分, 作答, 整题得分率.

    本句得分 is the turn's scenario check (0–1; 0 for a turn left empty);
    整题得分率 is the call's score with its weights and call-level rules
    applied, as ``check_call`` gives it.
    """
    table = read_scores(course_dir)
    result = analyse(table, read_answers(course_dir, table))
    by_key = {q.key: q for q in table.questions}
    rows = []
    for c in result.calls:
        phases = [t["agent"] for t in (by_key[c.key].call or {}).get("turns", ()) if "agent" in t]
        for n, (text, score) in enumerate(zip(c.lines, c.turn_scores), 1):
            rows.append({"学号": c.student, "章": c.chapter, "题": c.question, "句": n,
                         "场景": phases[n - 1] if n <= len(phases) else "", "本句得分": score,
                         "作答": text, "整题得分率": c.score})
    columns = ["学号", "章", "题", "句", "场景", "本句得分", "作答", "整题得分率"]
    return pd.DataFrame(rows, columns=columns).astype({"句": "int64", "本句得分": "float64", "整题得分率": "float64"})
