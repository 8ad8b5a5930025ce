"""The score sheets of ``scores.xlsx``: 成绩 (the scores.csv table), 总表 (one
line per student, each chapter's total and status), one printable sheet per
chapter, and 需关注 (what waits for a grader's look)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .table import ANSWER_UNREADABLE, FILE_UNREADABLE, MISSING, PENDING
from .xlsxstyle import (BOLD, BORDER, FONT, MAX_FILL, SCORE_FMT, STATUS_FILL, TOTAL_FMT, body_style, fit_columns,
                        header_row, print_setup, put, status_style)

if TYPE_CHECKING:  # pragma: no cover
    from .table import ScoreTable

__all__ = ["scores_sheet", "summary_sheet", "chapter_sheet", "attention_sheet"]


def scores_sheet(ws: Worksheet, table: "ScoreTable"):
    header = table.header()
    fixed_cols = 3 if table.has_class else 2
    question_cols = set()
    col = fixed_cols
    for ch in table.chapters:
        for _ in ch.questions:
            col += 1
            question_cols.add(col)
        col += 3 if table.has_penalty else 2
    header_row(ws, 1, header, rotate=question_cols, height=96 if question_cols else None)
    status_cols = {i for i, h in enumerate(header, start=1) if h.endswith("·状态")}
    total_cols = {i for i, h in enumerate(header, start=1) if h.endswith("·合计") or h == "总分"}
    for r, row in enumerate(table.rows(), start=2):
        for c, value in enumerate(row, start=1):
            cell = put(ws, r, c, value, TOTAL_FMT if c in total_cols else SCORE_FMT,
                        font=BOLD if c in total_cols else None)
            if c in status_cols:
                status_style(cell, value)
    body_style(ws, 2, len(header))
    fit_columns(ws, fixed={c: 5.5 for c in question_cols})
    ws.freeze_panes = ws.cell(row=2, column=fixed_cols + 1)
    if table.students:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(table.students) + 1}"
    print_setup(ws, f"{table.course_id} 成绩", "1:1", f"A:{get_column_letter(fixed_cols)}")


def summary_sheet(ws: Worksheet, table: "ScoreTable"):
    head = ["学号", "姓名"] + (["班级"] if table.has_class else [])
    fixed = len(head)
    for ch in table.chapters:
        head += [f"{ch.label}\n（满分 {ch.max_score:g}）", f"{ch.title}\n状态"]
    head.append(f"总分\n（满分 {table.max_score:g}）")
    header_row(ws, 1, head, height=36)
    for r, s in enumerate(table.students, start=2):
        values = [s.id, s.name] + ([s.klass] if table.has_class else [])
        for ch in table.chapters:
            res = s.chapters[ch.assignment]
            values += [res.total, res.status]
        values.append(s.total)
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v, TOTAL_FMT, font=BOLD if c == len(values) else None)
            if c > fixed and (c - fixed) % 2 == 0 and c < len(values):
                status_style(cell, v)
    body_style(ws, 2, len(head))
    fit_columns(ws, skip_rows=1, fixed={c: 12 for c in range(fixed + 1, len(head) + 1)})
    ws.freeze_panes = ws.cell(row=2, column=fixed + 1)
    print_setup(ws, f"{table.course_id} 成绩总表", "1:1")


def chapter_sheet(ws: Worksheet, table: "ScoreTable", ch):
    head = ["学号", "姓名"] + (["班级"] if table.has_class else [])
    fixed = len(head)
    head += [q.var for q in ch.questions] + (["迟交扣分"] if table.has_penalty else []) + ["合计", "状态", "说明"]
    header_row(ws, 1, head, height=30)
    maxima = ["满分", ""] + ([""] if table.has_class else []) + [q.max_score for q in ch.questions]
    maxima += ([None] if table.has_penalty else []) + [ch.max_score, "", ""]
    for c, v in enumerate(maxima, start=1):
        put(ws, 2, c, v, SCORE_FMT, fill=MAX_FILL, font=Font(name=FONT, italic=True), border=BORDER,
             alignment=Alignment(horizontal="center"))
    n_q = len(ch.questions)
    for r, s in enumerate(table.students, start=3):
        res = s.chapters[ch.assignment]
        values = [s.id, s.name] + ([s.klass] if table.has_class else [])
        values += [res.marks[q.key].score if q.key in res.marks else None for q in ch.questions]
        values += ([res.penalty or None] if table.has_penalty else []) + [res.total, res.status, res.note]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v, TOTAL_FMT if c == len(values) - 2 else SCORE_FMT,
                        font=BOLD if c == len(values) - 2 else None)
            if c == len(values) - 1:
                status_style(cell, v)
            if fixed < c <= fixed + n_q:
                mark = res.marks.get(ch.questions[c - fixed - 1].key)
                if mark is not None and mark.state in ("unreadable", "pending"):
                    cell.fill = STATUS_FILL[ANSWER_UNREADABLE if mark.state == "unreadable" else PENDING]
    body_style(ws, 3, len(head))
    for r in range(3, ws.max_row + 1):
        ws.cell(r, len(head)).alignment = Alignment(wrap_text=True, vertical="center")
    fit_columns(ws, skip_rows=2, fixed={**{c: 5 for c in range(fixed + 1, fixed + n_q + 1)}, len(head): 24})
    ws.freeze_panes = ws.cell(row=3, column=fixed + 1)
    print_setup(ws, f"{table.course_id} {ch.label}", "1:2", f"A:{get_column_letter(fixed)}")


def attention_sheet(ws: Worksheet, table: "ScoreTable"):
    head = ["学号", "姓名", "章节", "题目", "状态", "说明"]
    header_row(ws, 1, head)
    r = 2
    for s in table.students:
        for ch in table.chapters:
            res = s.chapters[ch.assignment]
            if res.status == MISSING:
                rows = [("（整份）", MISSING, res.note)]
            elif res.file_unreadable:
                rows = [("（整份）", FILE_UNREADABLE, res.note)]
            else:
                rows = [(q.var, ANSWER_UNREADABLE if res.marks[q.key].state == "unreadable" else PENDING,
                         res.marks[q.key].comment or ("等待在 formgrader 里人工评分" if res.marks[q.key].state == "pending" else ""))
                        for q in ch.questions if res.marks[q.key].state in ("unreadable", "pending")]
            for question, status, note in rows:
                for c, v in enumerate([s.id, s.name, ch.label, question, status, note], start=1):
                    cell = put(ws, r, c, v)
                    if c == 5:
                        status_style(cell, v)
                r += 1
    body_style(ws, 2, len(head))
    for row in range(2, r):
        ws.cell(row, 6).alignment = Alignment(wrap_text=True, vertical="center")
    fit_columns(ws, fixed={6: 70})
    ws.freeze_panes = "A2"
    if r > 2:
        ws.auto_filter.ref = f"A1:F{r - 1}"
    print_setup(ws, f"{table.course_id} 需关注", "1:1")
