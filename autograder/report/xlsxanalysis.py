"""The analysis sheets of ``scores.xlsx``: 成绩统计 (what a teaching office asks
for, by chapter and class), 题目分析 (item analysis), 改写规则 (how often each
rule fired) and 通话逐句 (each call's turn scores and call-level findings)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .analytics import BANDS, ScoreSummary, summarise
from .rulestats import KIND_LABEL
from .table import ANSWER_UNREADABLE, FILE_UNREADABLE, GRADED, MISSING, PENDING, TYPE_LABEL, small_sample_note
from .xlsxstyle import (BOLD, BORDER, FLAG_FILL, FONT, KEY_FILL, PCT_FMT, RATIO_FMT, SCORE_FMT, STATUS_FILL,
                        TOTAL_FMT, body_style, fit_columns, header_row, print_setup, put)

if TYPE_CHECKING:  # pragma: no cover
    from .table import ExportResult

__all__ = ["stats_sheet", "items_sheet", "rules_sheet", "calls_sheet"]


def _stats_row(s: ScoreSummary) -> list:
    return ([s.label, s.max_score, s.enrolled, s.submitted, s.mean, s.sd, s.median, s.maximum, s.minimum,
             s.score_rate, s.pass_rate, s.excellent_rate, s.alpha] + [s.bands.get(b[0], 0) for b in BANDS])


STATS_HEAD = (["项目", "满分", "应交人数", "实交人数", "平均分", "标准差", "中位数", "最高分", "最低分",
               "得分率", "及格率（≥60%）", "优秀率（≥90%）", "信度 α"] + [b[0] for b in BANDS])
STATS_FMT = {5: TOTAL_FMT, 6: RATIO_FMT, 7: TOTAL_FMT, 8: TOTAL_FMT, 9: TOTAL_FMT, 10: PCT_FMT, 11: PCT_FMT,
             12: PCT_FMT, 13: RATIO_FMT}


def _stats_block(ws: Worksheet, start: int, title: str, rows: list[list]) -> int:
    put(ws, start, 1, title, font=Font(name=FONT, bold=True, size=12))
    header_row(ws, start + 1, STATS_HEAD, height=30)
    r = start + 2
    for row in rows:
        for c, v in enumerate(row, start=1):
            put(ws, r, c, v, STATS_FMT.get(c, TOTAL_FMT), border=BORDER)
        r += 1
    return r + 1


def stats_sheet(ws: Worksheet, result: "ExportResult"):
    table = result.table
    r = _stats_block(ws, 1, "各章与总分（平均分等按实交人数计算；未提交不计入）",
                     [_stats_row(s) for s in result.summaries])
    if table.has_class:
        classes = sorted({s.klass for s in table.students if s.klass})
        rows = []
        for klass in classes + ([""] if any(not s.klass for s in table.students) else []):
            members = [s for s in table.students if s.klass == klass]
            name = klass or "（未分班）"
            for ch in table.chapters:
                totals = [s.chapters[ch.assignment].total if s.chapters[ch.assignment].status != MISSING else None
                          for s in members]
                rows.append(_stats_row(summarise(f"{name} {ch.label}", totals, ch.max_score)))
            rows.append(_stats_row(summarise(f"{name} 总分", [s.total for s in members], table.max_score)))
        r = _stats_block(ws, r, "按班级", rows)
    kinds = (GRADED, PENDING, ANSWER_UNREADABLE, FILE_UNREADABLE, MISSING)
    counts = [[ch.label] + [sum(s.chapters[ch.assignment].has(st) for s in table.students) for st in kinds]
              for ch in table.chapters]
    put(ws, r, 1, "各章提交状态（人数；一名学生可同时有“有题目无法读取”和“待人工评分”）",
         font=Font(name=FONT, bold=True, size=12))
    header_row(ws, r + 1, ["章节", *kinds])
    for i, row in enumerate(counts, start=r + 2):
        for c, v in enumerate(row, start=1):
            put(ws, i, c, v, border=BORDER)
    fit_columns(ws, minimum=8, maximum=28, fixed={1: 26})
    ws.freeze_panes = "B3"
    print_setup(ws, f"{table.course_id} 成绩统计", "2:2")


ITEM_HEAD = ["章节", "题号", "题型", "满分", "答案", "得分人数", "平均分", "难度 p", "难度评价", "区分度 D",
             "区分度评价", "高分组平均", "低分组平均", "点二列相关 r"]
ITEM_TAIL = ["未作答", "无法读取", "需要检查", "备注"]



def items_sheet(ws: Worksheet, result: "ExportResult"):
    table = result.table
    letters = sorted({o for ch in table.chapters for q in ch.questions for o in q.options})
    head = ITEM_HEAD + [f"选{o}" for o in letters] + ITEM_TAIL
    header_row(ws, 1, head, height=30)
    fmts = {4: "0.##", 7: SCORE_FMT, 8: RATIO_FMT, 10: RATIO_FMT, 12: SCORE_FMT, 13: SCORE_FMT, 14: RATIO_FMT}
    r = 2
    by_key = {q.key: q for q in table.questions}
    caveats = []
    rows = []
    for ch in table.chapters:
        stats = result.items.get(ch.assignment, [])
        note = small_sample_note(max((st.n for st in stats), default=0)) if stats else ""
        for st in stats:
            q = by_key[st.item.key]
            rows.append((ch, q, st, q.var, TYPE_LABEL.get(q.type, q.type), q.max_score, note))
            for n, turn in enumerate(result.turn_items.get(q.key, []), 1):  # a call's turns, scored 0–1 each
                rows.append((ch, q, turn, f"{q.var}·第{n}句", "通话题·逐句", 1.0, note))
        if note:
            caveats.append(f"{ch.label}：{note}")
    for ch, q, st, var, type_label, max_score, note in rows:
        values = [ch.label, var, type_label, max_score, q.answer_key or None, st.n,
                  st.mean, st.p, st.difficulty_level, st.discrimination, st.discrimination_level,
                  st.upper_mean, st.lower_mean, st.point_biserial]
        values += [st.option_counts.get(o) if q.options else None for o in letters]
        values += [st.empty if q.options else None, st.unreadable if q.options else None,
                   "\n".join(f.message for f in st.flags),
                   "\n".join(filter(None, [f"{st.pending} 人待人工评分：评完后重新导出才有统计" if st.pending else "",
                                          f"样本少（{st.n} 人），仅供参考" if note else ""]))]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v, fmts.get(c))
            if len(ITEM_HEAD) < c <= len(ITEM_HEAD) + len(letters) and letters[c - len(ITEM_HEAD) - 1] in q.answer_key:
                cell.fill = KEY_FILL
                cell.font = BOLD
        if st.flags:
            ws.cell(r, len(head) - 1).fill = FLAG_FILL
        r += 1
    body_style(ws, 2, len(head))
    for i, text in enumerate(caveats, start=r + 1):  # below the table: the filter range stays the table
        put(ws, i, 1, text, font=Font(name=FONT, bold=True, color="C00000"))
    for row in range(2, r):
        for c in (len(head) - 1, len(head)):
            ws.cell(row, c).alignment = Alignment(wrap_text=True, vertical="center")
    fit_columns(ws, minimum=5, maximum=14, fixed={1: 15, len(head) - 1: 44, len(head): 20})
    ws.freeze_panes = "C2"
    if r > 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{r - 1}"
    print_setup(ws, f"{table.course_id} 题目分析", "1:1")


def rules_sheet(ws: Worksheet, result: "ExportResult"):
    chapters = [ch.label for ch in result.table.chapters
                if any(q.type in ("rewrite", "call") for q in ch.questions)]
    head = ["规则", "说明", "类型"] + chapters + ["合计（份）", "占改写作答", "常见说法", "示例作答", "示例题目",
                                                "示例学号", "示例提示"]
    what = "改写题共检查" if not result.calls else "改写题和通话题共检查"
    calls = "；通话题每句算一份，整通电话另算一份" if result.calls else ""
    put(ws, 1, 1, f"{what} {result.rewrite_answers} 份作答（每份作答中同一规则只计一次；缺少要素也计入{calls}）",
         font=Font(name=FONT, bold=True))
    header_row(ws, 2, head, height=30)
    r = 3
    for st in result.rules:
        share = round(st.answers / result.rewrite_answers, 4) if result.rewrite_answers else None
        phrases = "、".join(f"{p}（{n}）" for p, n in st.top_phrases(3))
        values = [st.rule, st.label, KIND_LABEL.get(st.kind, st.kind)] + [st.by_chapter.get(c, 0) for c in chapters]
        values += [st.answers, share, phrases, st.example, st.example_question, st.example_student, st.example_message]
        for c, v in enumerate(values, start=1):
            put(ws, r, c, v, PCT_FMT if c == len(chapters) + 5 else None)
        r += 1
    body_style(ws, 3, len(head))
    n = len(head)
    for row in range(3, r):
        for c in (n - 4, n - 3, n):
            ws.cell(row, c).alignment = Alignment(wrap_text=True, vertical="center")
    fit_columns(ws, minimum=6, maximum=30, skip_rows=1,
                 fixed={1: 22, 2: 22, n - 4: 18, n - 3: 30, n: 36})
    ws.freeze_panes = "B3"
    print_setup(ws, f"{result.table.course_id} 改写规则", "2:2")


def calls_sheet(ws: Worksheet, result: "ExportResult"):
    """One row per student and call question: the grade, each agent turn's score, the call-level findings."""
    table = result.table
    turns = max((q.turns for q in table.questions if q.type == "call"), default=0)
    head = ["章节", "题号", "学号", "姓名", "得分", "满分"] + [f"第{n}句" for n in range(1, turns + 1)]
    head += ["逐句平均", "整通电话问题"]
    put(ws, 1, 1, "通话题逐句得分：每句按本句的场景检查（0–100%，没写的句子为 0）；"
                   "“整通电话问题”是顺序、禁语、前后一致等整通电话的检查结果。得分是成绩表中本题的分数。",
         font=Font(name=FONT, bold=True))
    header_row(ws, 2, head, height=30)
    by_key = {q.key: q for q in table.questions}
    names = {s.id: s for s in table.students}
    r = 3
    for c in sorted(result.calls, key=lambda c: (c.chapter, _natural_label(c.question), c.student)):
        q, s = by_key[c.key], names[c.student]
        mark = s.chapters[q.assignment].marks.get(q.key)
        values = [c.chapter, q.var, s.id, s.name, mark.score if mark else None, q.max_score]
        values += list(c.turn_scores) + [None] * (turns - len(c.turn_scores))
        values.append(sum(c.turn_scores) / len(c.turn_scores) if c.turn_scores else None)
        values.append("\n".join(f"{_at_turn(t, m)}{m}" for _rule, _level, m, t in c.findings) or "无")
        for col, v in enumerate(values, start=1):
            fmt = PCT_FMT if 6 < col <= 7 + turns else SCORE_FMT if col in (5, 6) else None  # turns, mean: %
            cell = put(ws, r, col, v, fmt)
            if 6 < col <= 6 + turns and v is not None and v < 1:
                cell.fill = STATUS_FILL[ANSWER_UNREADABLE] if v == 0 else STATUS_FILL[PENDING]
        r += 1
    body_style(ws, 3, len(head))
    for row in range(3, r):
        ws.cell(row, len(head)).alignment = Alignment(wrap_text=True, vertical="center")
    fit_columns(ws, minimum=6, maximum=14, skip_rows=1, fixed={1: 15, len(head): 60})
    ws.freeze_panes = "E3"
    if r > 3:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(head))}{r - 1}"
    print_setup(ws, f"{table.course_id} 通话逐句", "2:2")


def _natural_label(text: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text) if t]


def _at_turn(turn: int | None, message: str) -> str:
    """``第N句：`` before a call-level finding, unless its message already names that turn."""
    return f"第{turn}句：" if turn and f"第{turn}句" not in message else ""
