"""Cell writing and page set-up shared by the sheets of ``scores.xlsx``.

Every text cell goes through :func:`cell_text` (via :func:`put`): formulas
are neutralised, characters XML cannot hold are dropped, length is capped.
Sheets print on A4, one page wide, their header rows repeated.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .table import ANSWER_UNREADABLE, FILE_UNREADABLE, GRADED, MISSING, PENDING, STATUS_JOIN, neutralise

__all__ = ["FONT", "PLAIN", "BOLD", "HEADER_FILL", "MAX_FILL", "STATUS_FILL", "FLAG_FILL", "KEY_FILL", "BORDER",
           "SCORE_FMT", "TOTAL_FMT", "PCT_FMT", "RATIO_FMT", "cell_text", "put", "header_row", "body_style",
           "fit_columns", "print_setup", "sheet_title", "status_style"]

FONT = "等线"  # Excel's default CJK UI font on Chinese Windows (falls back elsewhere)
PLAIN = Font(name=FONT)
BOLD = Font(name=FONT, bold=True)
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


def cell_text(value: str, limit: int = 2000) -> str:
    value = _ILLEGAL.sub("", value)
    if len(value) > limit:
        value = value[:limit] + "…"
    return neutralise(value)


def put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None, **style):
    if isinstance(value, str):
        value = cell_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    if fmt and isinstance(value, (int, float)):
        cell.number_format = fmt
    if style.get("font") is None:
        style["font"] = PLAIN
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


def header_row(ws: Worksheet, row: int, names: Iterable[str], rotate: set[int] = frozenset(), height: float | None = None):
    for col, name in enumerate(names, start=1):
        rotated = col in rotate
        put(ws, row, col, name, font=Font(name=FONT, bold=True), fill=HEADER_FILL, border=BORDER,
             alignment=Alignment(horizontal="center", vertical="center" if not rotated else "bottom",
                                 wrap_text=not rotated, text_rotation=90 if rotated else 0))
    if height:
        ws.row_dimensions[row].height = height


def body_style(ws: Worksheet, first_row: int, last_col: int):
    for row in ws.iter_rows(min_row=first_row, max_col=last_col):
        for cell in row:
            cell.border = BORDER
            if cell.alignment.horizontal is None and not cell.alignment.wrap_text:
                cell.alignment = Alignment(vertical="center")


def fit_columns(ws: Worksheet, minimum: float = 4, maximum: float = 40, skip_rows: int = 0,
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


def print_setup(ws: Worksheet, title: str, header_rows: str = "1:1", title_cols: str | None = None,
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
    ws.oddHeader.center.text = cell_text(title.replace("&", "&&"), 200)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def sheet_title(name: str) -> str:
    return _SHEET_BAD.sub("_", name)[:31]



def status_style(cell, status: str):
    """The colour of the status's first word (两个状态同时存在时按前者着色)."""
    fill = STATUS_FILL.get(status.split(STATUS_JOIN)[0]) if isinstance(status, str) else None
    if fill is not None:
        cell.fill = fill
