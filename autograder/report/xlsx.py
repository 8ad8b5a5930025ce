"""``scores.xlsx``: the export's workbook, formatted to read on screen and to print on A4.

Sheets: 成绩 (the same table as scores.csv), 总表 (one line per student: each
chapter's total and status, fits one A4 landscape page wide), one sheet per
chapter (its questions, printable), 成绩统计, 题目分析, 改写规则, 通话逐句
(when the course has whole-call questions: each student's turn scores and
call-level findings), 需关注, 图表 and 说明.  The sheets are written by kind:
scores (:mod:`.xlsxscores`), analysis (:mod:`.xlsxanalysis`), charts and
notes (:mod:`.xlsxnotes`), all through the cell helpers of :mod:`.xlsxstyle`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from .xlsxanalysis import calls_sheet, items_sheet, rules_sheet, stats_sheet
from .xlsxnotes import charts_sheet, notes_sheet
from .xlsxscores import attention_sheet, chapter_sheet, scores_sheet, summary_sheet
from .xlsxstyle import sheet_title

if TYPE_CHECKING:  # pragma: no cover
    from .table import ExportResult

__all__ = ["build_workbook", "SHEETS"]

SHEETS = ("成绩", "总表", "成绩统计", "题目分析", "改写规则", "需关注", "图表", "说明")
CALL_SHEET = "通话逐句"  # only when the course has call questions


def build_workbook(result: "ExportResult", charts: dict[str, Path]) -> Workbook:
    table = result.table
    wb = Workbook()
    ws = wb.active
    ws.title = "成绩"
    scores_sheet(ws, table)
    summary_sheet(wb.create_sheet("总表"), table)
    used = set(wb.sheetnames)
    for ch in table.chapters:
        name = sheet_title(ch.label)
        while name in used:
            name = sheet_title(name[:28] + f"_{len(used)}")
        used.add(name)
        chapter_sheet(wb.create_sheet(name), table, ch)
    stats_sheet(wb.create_sheet("成绩统计"), result)
    items_sheet(wb.create_sheet("题目分析"), result)
    rules_sheet(wb.create_sheet("改写规则"), result)
    if any(q.type == "call" for q in table.questions):
        calls_sheet(wb.create_sheet(CALL_SHEET), result)
    attention_sheet(wb.create_sheet("需关注"), table)
    charts_sheet(wb.create_sheet("图表"), charts)
    notes_sheet(wb.create_sheet("说明"), table)
    return wb
