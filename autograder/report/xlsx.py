"""``scores.xlsx``: the export's workbook, formatted to read on screen and to print on A4.

Sheets: 成绩 (the same table as scores.csv), 总表 (one line per student: each
chapter's total and status, fits one A4 landscape page wide), one sheet per
chapter (its questions, printable), 成绩统计, 题目分析, 改写规则, 通话逐句
(when the course has whole-call questions: each student's turn scores and
call-level findings), 需关注, 图表 and 说明.  Every text cell goes through :func:`_text`: formulas are
neutralised, characters XML cannot hold are dropped, length is capped.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .analytics import BANDS, KIND_LABEL, ScoreSummary, summarise
from .table import ANSWER_UNREADABLE, FILE_UNREADABLE, GRADED, MISSING, PENDING, SMALL_SAMPLE, STATUS_JOIN, TYPE_LABEL, neutralise, small_sample_note

if TYPE_CHECKING:  # pragma: no cover
    from .table import ExportResult, ScoreTable

__all__ = ["build_workbook", "SHEETS"]

SHEETS = ("成绩", "总表", "成绩统计", "题目分析", "改写规则", "需关注", "图表", "说明")
CALL_SHEET = "通话逐句"  # only when the course has call questions

FONT = "等线"  # Excel's default CJK UI font on Chinese Windows (falls back elsewhere)
_PLAIN = Font(name=FONT)
_BOLD = Font(name=FONT, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
MAX_FILL = PatternFill("solid", fgColor="F2F2F2")
STATUS_FILL = {
    MISSING: PatternFill("solid", fgColor="D9D9D9"),
    FILE_UNREADABLE: PatternFill("solid", fgColor="F4B084"),
    ANSWER_UNREADABLE: PatternFill("solid", fgColor="F8CBAD"),
    PENDING: PatternFill("solid", fgColor="FFF2CC"),
    GRADED: None,
}
FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
KEY_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SCORE_FMT = "0.0#"
TOTAL_FMT = "0.0"
PCT_FMT = "0.0%"
RATIO_FMT = "0.00"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _text(value: str, limit: int = 2000) -> str:
    value = _ILLEGAL.sub("", value)
    if len(value) > limit:
        value = value[:limit] + "…"
    return neutralise(value)


def _put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None, **style):
    if isinstance(value, str):
        value = _text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    if fmt and isinstance(value, (int, float)):
        cell.number_format = fmt
    if style.get("font") is None:
        style["font"] = _PLAIN
    for k, v in style.items():
        if v is not None:
            setattr(cell, k, v)
    return cell


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        value = f"{value:.2f}"
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(value))


def _header(ws: Worksheet, row: int, names: Iterable[str], rotate: set[int] = frozenset(), height: float | None = None):
    for col, name in enumerate(names, start=1):
        rotated = col in rotate
        _put(ws, row, col, name, font=Font(name=FONT, bold=True), fill=HEADER_FILL, border=BORDER,
             alignment=Alignment(horizontal="center", vertical="center" if not rotated else "bottom",
                                 wrap_text=not rotated, text_rotation=90 if rotated else 0))
    if height:
        ws.row_dimensions[row].height = height


def _body_style(ws: Worksheet, first_row: int, last_col: int):
    for row in ws.iter_rows(min_row=first_row, max_col=last_col):
        for cell in row:
            cell.border = BORDER
            if cell.alignment.horizontal is None and not cell.alignment.wrap_text:
                cell.alignment = Alignment(vertical="center")


def _fit_columns(ws: Worksheet, minimum: float = 4, maximum: float = 40, skip_rows: int = 0,
                 fixed: dict[int, float] | None = None):
    fixed = fixed or {}
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=1 + skip_rows):
        for cell in row:
            if cell.alignment is not None and cell.alignment.text_rotation:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col in range(1, ws.max_column + 1):
        w = fixed.get(col, min(maximum, max(minimum, widths.get(col, 0) + 1.5)))
        ws.column_dimensions[get_column_letter(col)].width = w


def _print_setup(ws: Worksheet, title: str, header_rows: str = "1:1", title_cols: str | None = None,
                 landscape: bool = True):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = header_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddHeader.center.text = _text(title.replace("&", "&&"), 200)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _sheet_title(name: str) -> str:
    return _SHEET_BAD.sub("_", name)[:31]


# --------------------------------------------------------------------------- score sheets


def _status_style(cell, status: str):
    """The colour of the status's first word (两个状态同时存在时按前者着色)."""
    fill = STATUS_FILL.get(status.split(STATUS_JOIN)[0]) if isinstance(status, str) else None
    if fill is not None:
        cell.fill = fill


def _scores_sheet(ws: Worksheet, table: "ScoreTable"):
    header = table.header()
    fixed_cols = 3 if table.has_class else 2
    question_cols = set()
    col = fixed_cols
    for ch in table.chapters:
        for _ in ch.questions:
            col += 1
            question_cols.add(col)
        col += 3 if table.has_penalty else 2
    _header(ws, 1, header, rotate=question_cols, height=96 if question_cols else None)
    status_cols = {i for i, h in enumerate(header, start=1) if h.endswith("·状态")}
    total_cols = {i for i, h in enumerate(header, start=1) if h.endswith("·合计") or h == "总分"}
    for r, row in enumerate(table.rows(), start=2):
        for c, value in enumerate(row, start=1):
            cell = _put(ws, r, c, value, TOTAL_FMT if c in total_cols else SCORE_FMT,
                        font=_BOLD if c in total_cols else None)
            if c in status_cols:
                _status_style(cell, value)
    _body_style(ws, 2, len(header))
    _fit_columns(ws, fixed={c: 5.5 for c in question_cols})
    ws.freeze_panes = ws.cell(row=2, column=fixed_cols + 1)
    if table.students:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(table.students) + 1}"
    _print_setup(ws, f"{table.course_id} 成绩", "1:1", f"A:{get_column_letter(fixed_cols)}")


def _summary_sheet(ws: Worksheet, table: "ScoreTable"):
    head = ["学号", "姓名"] + (["班级"] if table.has_class else [])
    fixed = len(head)
    for ch in table.chapters:
        head += [f"{ch.label}\n（满分 {ch.max_score:g}）", f"{ch.title}\n状态"]
    head.append(f"总分\n（满分 {table.max_score:g}）")
    _header(ws, 1, head, height=36)
    for r, s in enumerate(table.students, start=2):
        values = [s.id, s.name] + ([s.klass] if table.has_class else [])
        for ch in table.chapters:
            res = s.chapters[ch.assignment]
            values += [res.total, res.status]
        values.append(s.total)
        for c, v in enumerate(values, start=1):
            cell = _put(ws, r, c, v, TOTAL_FMT, font=_BOLD if c == len(values) else None)
            if c > fixed and (c - fixed) % 2 == 0 and c < len(values):
                _status_style(cell, v)
    _body_style(ws, 2, len(head))
    _fit_columns(ws, skip_rows=1, fixed={c: 12 for c in range(fixed + 1, len(head) + 1)})
    ws.freeze_panes = ws.cell(row=2, column=fixed + 1)
    _print_setup(ws, f"{table.course_id} 成绩总表", "1:1")


def _chapter_sheet(ws: Worksheet, table: "ScoreTable", ch):
    head = ["学号", "姓名"] + (["班级"] if table.has_class else [])
    fixed = len(head)
    head += [q.var for q in ch.questions] + (["迟交扣分"] if table.has_penalty else []) + ["合计", "状态", "说明"]
    _header(ws, 1, head, height=30)
    maxima = ["满分", ""] + ([""] if table.has_class else []) + [q.max_score for q in ch.questions]
    maxima += ([None] if table.has_penalty else []) + [ch.max_score, "", ""]
    for c, v in enumerate(maxima, start=1):
        _put(ws, 2, c, v, SCORE_FMT, fill=MAX_FILL, font=Font(name=FONT, italic=True), border=BORDER,
             alignment=Alignment(horizontal="center"))
    n_q = len(ch.questions)
    for r, s in enumerate(table.students, start=3):
        res = s.chapters[ch.assignment]
        values = [s.id, s.name] + ([s.klass] if table.has_class else [])
        values += [res.marks[q.key].score if q.key in res.marks else None for q in ch.questions]
        values += ([res.penalty or None] if table.has_penalty else []) + [res.total, res.status, res.note]
        for c, v in enumerate(values, start=1):
            cell = _put(ws, r, c, v, TOTAL_FMT if c == len(values) - 2 else SCORE_FMT,
                        font=_BOLD if c == len(values) - 2 else None)
            if c == len(values) - 1:
                _status_style(cell, v)
            if fixed < c <= fixed + n_q:
                mark = res.marks.get(ch.questions[c - fixed - 1].key)
                if mark is not None and mark.state in ("unreadable", "pending"):
                    cell.fill = STATUS_FILL[ANSWER_UNREADABLE if mark.state == "unreadable" else PENDING]
    _body_style(ws, 3, len(head))
    for r in range(3, ws.max_row + 1):
        ws.cell(r, len(head)).alignment = Alignment(wrap_text=True, vertical="center")
    _fit_columns(ws, skip_rows=2, fixed={**{c: 5 for c in range(fixed + 1, fixed + n_q + 1)}, len(head): 24})
    ws.freeze_panes = ws.cell(row=3, column=fixed + 1)
    _print_setup(ws, f"{table.course_id} {ch.label}", "1:2", f"A:{get_column_letter(fixed)}")


# --------------------------------------------------------------------------- statistics


def _stats_row(s: ScoreSummary) -> list:
    return ([s.label, s.max_score, s.enrolled, s.submitted, s.mean, s.sd, s.median, s.maximum, s.minimum,
             s.score_rate, s.pass_rate, s.excellent_rate, s.alpha] + [s.bands.get(b[0], 0) for b in BANDS])


STATS_HEAD = (["项目", "满分", "应交人数", "实交人数", "平均分", "标准差", "中位数", "最高分", "最低分",
               "得分率", "及格率（≥60%）", "优秀率（≥90%）", "信度 α"] + [b[0] for b in BANDS])
STATS_FMT = {5: TOTAL_FMT, 6: RATIO_FMT, 7: TOTAL_FMT, 8: TOTAL_FMT, 9: TOTAL_FMT, 10: PCT_FMT, 11: PCT_FMT,
             12: PCT_FMT, 13: RATIO_FMT}


def _stats_block(ws: Worksheet, start: int, title: str, rows: list[list]) -> int:
    _put(ws, start, 1, title, font=Font(name=FONT, bold=True, size=12))
    _header(ws, start + 1, STATS_HEAD, height=30)
    r = start + 2
    for row in rows:
        for c, v in enumerate(row, start=1):
            _put(ws, r, c, v, STATS_FMT.get(c, TOTAL_FMT), border=BORDER)
        r += 1
    return r + 1


def _stats_sheet(ws: Worksheet, result: "ExportResult"):
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
    _put(ws, r, 1, "各章提交状态（人数；一名学生可同时有“有题目无法读取”和“待人工评分”）",
         font=Font(name=FONT, bold=True, size=12))
    _header(ws, r + 1, ["章节", *kinds])
    for i, row in enumerate(counts, start=r + 2):
        for c, v in enumerate(row, start=1):
            _put(ws, i, c, v, border=BORDER)
    _fit_columns(ws, minimum=8, maximum=28, fixed={1: 26})
    ws.freeze_panes = "B3"
    _print_setup(ws, f"{table.course_id} 成绩统计", "2:2")


ITEM_HEAD = ["章节", "题号", "题型", "满分", "答案", "得分人数", "平均分", "难度 p", "难度评价", "区分度 D",
             "区分度评价", "高分组平均", "低分组平均", "点二列相关 r"]
ITEM_TAIL = ["未作答", "无法读取", "需要检查", "备注"]



def _items_sheet(ws: Worksheet, result: "ExportResult"):
    table = result.table
    letters = sorted({o for ch in table.chapters for q in ch.questions for o in q.options})
    head = ITEM_HEAD + [f"选{o}" for o in letters] + ITEM_TAIL
    _header(ws, 1, head, height=30)
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
            cell = _put(ws, r, c, v, fmts.get(c))
            if len(ITEM_HEAD) < c <= len(ITEM_HEAD) + len(letters) and letters[c - len(ITEM_HEAD) - 1] in q.answer_key:
                cell.fill = KEY_FILL
                cell.font = _BOLD
        if st.flags:
            ws.cell(r, len(head) - 1).fill = FLAG_FILL
        r += 1
    _body_style(ws, 2, len(head))
    for i, text in enumerate(caveats, start=r + 1):  # below the table: the filter range stays the table
        _put(ws, i, 1, text, font=Font(name=FONT, bold=True, color="C00000"))
    for row in range(2, r):
        for c in (len(head) - 1, len(head)):
            ws.cell(row, c).alignment = Alignment(wrap_text=True, vertical="center")
    _fit_columns(ws, minimum=5, maximum=14, fixed={1: 15, len(head) - 1: 44, len(head): 20})
    ws.freeze_panes = "C2"
    if r > 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{r - 1}"
    _print_setup(ws, f"{table.course_id} 题目分析", "1:1")


def _rules_sheet(ws: Worksheet, result: "ExportResult"):
    chapters = [ch.label for ch in result.table.chapters
                if any(q.type in ("rewrite", "call") for q in ch.questions)]
    head = ["规则", "说明", "类型"] + chapters + ["合计（份）", "占改写作答", "常见说法", "示例作答", "示例题目",
                                                "示例学号", "示例提示"]
    what = "改写题共检查" if not result.calls else "改写题和通话题共检查"
    calls = "；通话题每句算一份，整通电话另算一份" if result.calls else ""
    _put(ws, 1, 1, f"{what} {result.rewrite_answers} 份作答（每份作答中同一规则只计一次；缺少要素也计入{calls}）",
         font=Font(name=FONT, bold=True))
    _header(ws, 2, head, height=30)
    r = 3
    for st in result.rules:
        share = round(st.answers / result.rewrite_answers, 4) if result.rewrite_answers else None
        phrases = "、".join(f"{p}（{n}）" for p, n in st.top_phrases(3))
        values = [st.rule, st.label, KIND_LABEL.get(st.kind, st.kind)] + [st.by_chapter.get(c, 0) for c in chapters]
        values += [st.answers, share, phrases, st.example, st.example_question, st.example_student, st.example_message]
        for c, v in enumerate(values, start=1):
            _put(ws, r, c, v, PCT_FMT if c == len(chapters) + 5 else None)
        r += 1
    _body_style(ws, 3, len(head))
    n = len(head)
    for row in range(3, r):
        for c in (n - 4, n - 3, n):
            ws.cell(row, c).alignment = Alignment(wrap_text=True, vertical="center")
    _fit_columns(ws, minimum=6, maximum=30, skip_rows=1,
                 fixed={1: 22, 2: 22, n - 4: 18, n - 3: 30, n: 36})
    ws.freeze_panes = "B3"
    _print_setup(ws, f"{result.table.course_id} 改写规则", "2:2")


def _calls_sheet(ws: Worksheet, result: "ExportResult"):
    """One row per student and call question: the grade, each agent turn's score, the call-level findings."""
    table = result.table
    turns = max((q.turns for q in table.questions if q.type == "call"), default=0)
    head = ["章节", "题号", "学号", "姓名", "得分", "满分"] + [f"第{n}句" for n in range(1, turns + 1)]
    head += ["逐句平均", "整通电话问题"]
    _put(ws, 1, 1, "通话题逐句得分：每句按本句的场景检查（0–100%，没写的句子为 0）；"
                   "“整通电话问题”是顺序、禁语、前后一致等整通电话的检查结果。得分是成绩表中本题的分数。",
         font=Font(name=FONT, bold=True))
    _header(ws, 2, head, height=30)
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
            cell = _put(ws, r, col, v, fmt)
            if 6 < col <= 6 + turns and v is not None and v < 1:
                cell.fill = STATUS_FILL[ANSWER_UNREADABLE] if v == 0 else STATUS_FILL[PENDING]
        r += 1
    _body_style(ws, 3, len(head))
    for row in range(3, r):
        ws.cell(row, len(head)).alignment = Alignment(wrap_text=True, vertical="center")
    _fit_columns(ws, minimum=6, maximum=14, skip_rows=1, fixed={1: 15, len(head): 60})
    ws.freeze_panes = "E3"
    if r > 3:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(head))}{r - 1}"
    _print_setup(ws, f"{table.course_id} 通话逐句", "2:2")


def _natural_label(text: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text) if t]


def _attention_sheet(ws: Worksheet, table: "ScoreTable"):
    head = ["学号", "姓名", "章节", "题目", "状态", "说明"]
    _header(ws, 1, head)
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
                    cell = _put(ws, r, c, v)
                    if c == 5:
                        _status_style(cell, v)
                r += 1
    _body_style(ws, 2, len(head))
    for row in range(2, r):
        ws.cell(row, 6).alignment = Alignment(wrap_text=True, vertical="center")
    _fit_columns(ws, fixed={6: 70})
    ws.freeze_panes = "A2"
    if r > 2:
        ws.auto_filter.ref = f"A1:F{r - 1}"
    _print_setup(ws, f"{table.course_id} 需关注", "1:1")


CHART_TITLES = {"score_distribution.png": "各章成绩分布", "difficulty_discrimination.png": "题目难度与区分度",
                "top_rules.png": "改写题最常出现的问题"}


def _charts_sheet(ws: Worksheet, charts: dict[str, Path]):
    try:
        from openpyxl.drawing.image import Image
    except ImportError:  # pragma: no cover - Pillow missing
        return
    row = 1
    for name, path in charts.items():
        _put(ws, row, 1, f"{CHART_TITLES.get(name, name)}（{name}）", font=_BOLD)
        try:
            img = Image(str(path))
        except Exception:  # pragma: no cover - an unreadable PNG
            continue
        scale = min(1.0, 900 / max(img.width, 1))
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        ws.add_image(img, f"A{row + 1}")
        row += int(img.height / 20) + 4
    _print_setup(ws, "图表", "1:1", landscape=False)


NOTES = [
    ("成绩", "与 scores.csv 相同：每名学生一行（按学号排序），每题得分、每章合计、每章状态和总分。"),
    ("状态", "未提交、文件无法读取、有题目无法读取、待人工评分、已评分。无法读取和待人工评分同时存在时两个都列出，"
           "例如“有题目无法读取、待人工评分”：筛选时请用“包含”。"),
    ("未提交", "没有提交这一章，或提交里缺少该 notebook：得分格留空（不是 0 分），合计留空，不计入平均分。"),
    ("文件无法读取", "整份 notebook 无法读取（文件损坏、不是本作业的文件等），各题按 0 分计；"
                   "在 formgrader 里人工给分后不再标记。详见“需关注”。"),
    ("有题目无法读取", "文件读取正常，但有的题答案无法读取（例如填了不存在的选项），这些题按 0 分计，其余题照常计分；"
                    "在 formgrader 里人工给分后不再标记。详见“需关注”。"),
    ("待人工评分", "简答题等需要人工评分、尚未评分的题：得分格留空，合计暂不含这些题。"),
    ("总分", "各章合计之和；未提交的章不计分。迟交扣分（如有）已从该章合计中扣除。"),
    ("难度 p", "平均分 ÷ 满分。p > 0.7 为易，0.3–0.7 为中，p < 0.3 为难。"),
    ("区分度 D", "按本章总分取前 27% 为高分组、后 27% 为低分组：(高分组平均 − 低分组平均) ÷ 满分。"
                "D ≥ 0.4 优，0.3–0.39 良，0.2–0.29 尚可（宜修改），< 0.2 差（应修改或淘汰）。"),
    ("点二列相关 r", "本题得分与本章其余各题总分的相关系数（校正后的题总相关），为负说明题目可能有问题。"),
    ("选项分布", "选择每个选项的人数（多选题每个选中的字母各计一次），绿色为正确答案。"),
    ("需要检查", "区分度为负；某个干扰项无人选择（作答人数 ≥ 10 时）；正确选项的人数少于某个干扰项。"),
    ("信度 α", "Cronbach α（0/1 计分时即 KR-20），用本章所有学生都有分数的题目计算（不含待人工评分的题）。"),
    ("统计范围", "题目分析不含未提交和整份无法读取的学生；平均分、及格率等按实交人数计算。"),
    ("样本量", f"参与统计的学生少于 {SMALL_SAMPLE} 人时，难度、区分度等题目统计很不稳定，仅供参考；"
             "“题目分析”表下方会注明。"),
    ("改写规则", "对每份改写题作答重新运行规则检查：每条规则在几份作答中出现（缺少的要素也计入），并给出一份示例作答。"
                "通话题的每一句也这样统计；整通电话的规则（顺序、禁语、前后一致）另外计一份，类型为“整通电话”。"),
    ("通话逐句", "通话题在成绩表中是一列（整题得分）；“通话逐句”表列出每名学生每一句的得分和整通电话的问题，"
                "“题目分析”在通话题下面逐句给出难度和区分度（每句满分按 1 计）。"),
    ("打印", "“成绩”表列很多，缩到一页宽会很小：打印请用“总表”和各章工作表（A4 横向，一页宽，每页重复表头）。"),
    ("公式安全", "学生写的文字若以 = + - @ 等开头，前面加了一个单引号 '，防止被表格软件当作公式执行。"),
]


def _notes_sheet(ws: Worksheet, table: "ScoreTable"):
    _put(ws, 1, 1, f"{table.course_id}：成绩导出说明", font=Font(name=FONT, bold=True, size=13))
    for i, (k, v) in enumerate(NOTES, start=3):
        _put(ws, i, 1, k, font=Font(name=FONT, bold=True), alignment=Alignment(vertical="top"))
        _put(ws, i, 2, v, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    _print_setup(ws, "说明", "1:1")


def build_workbook(result: "ExportResult", charts: dict[str, Path]) -> Workbook:
    table = result.table
    wb = Workbook()
    ws = wb.active
    ws.title = "成绩"
    _scores_sheet(ws, table)
    _summary_sheet(wb.create_sheet("总表"), table)
    used = set(wb.sheetnames)
    for ch in table.chapters:
        name = _sheet_title(ch.label)
        while name in used:
            name = _sheet_title(name[:28] + f"_{len(used)}")
        used.add(name)
        _chapter_sheet(wb.create_sheet(name), table, ch)
    _stats_sheet(wb.create_sheet("成绩统计"), result)
    _items_sheet(wb.create_sheet("题目分析"), result)
    _rules_sheet(wb.create_sheet("改写规则"), result)
    if any(q.type == "call" for q in table.questions):
        _calls_sheet(wb.create_sheet(CALL_SHEET), result)
    _attention_sheet(wb.create_sheet("需关注"), table)
    _charts_sheet(wb.create_sheet("图表"), charts)
    _notes_sheet(wb.create_sheet("说明"), table)
    return wb


def _at_turn(turn: int | None, message: str) -> str:
    """``第N句：`` before a call-level finding, unless its message already names that turn."""
    return f"第{turn}句：" if turn and f"第{turn}句" not in message else ""
