"""Reading a roster file: the encoding, the header row, and each row's 学号, 姓名 and 班级 checked.

:func:`read_roster` reads CSV (UTF-8 with or without BOM, GBK/GB18030,
UTF-16) or XLSX; :func:`parse_rows` finds the header row and turns the rows
under it into :class:`RosterEntry` items and, for rows it cannot use,
:class:`RosterProblem` items with their line number.  Nothing here touches a
gradebook: :mod:`autograder.classroom.roster` writes the result.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..messages import say

__all__ = ["RosterError", "RosterEntry", "RosterProblem", "Roster", "read_roster", "parse_rows",
           "validate_id", "clean_text", "MAX_ID"]

ID_HEADERS = ("学号", "学生学号", "学籍号", "学号/工号", "student id", "student_id", "id")
NAME_HEADERS = ("姓名", "学生姓名", "名字", "name")
CLASS_HEADERS = ("班级", "班别", "行政班", "所在班级", "class")
MAX_ID = 128


class RosterError(ValueError):
    """The roster file cannot be used at all (unreadable, or a required header is missing)."""


@dataclass(frozen=True, slots=True)
class RosterEntry:
    line: int
    id: str
    name: str
    klass: str = ""


@dataclass(frozen=True, slots=True)
class RosterProblem:
    line: int
    id: str
    reason: str

    def __str__(self) -> str:
        who = f"（学号 {self.id!r}）" if self.id else ""
        return f"第{self.line}行{who}：{self.reason}"


@dataclass
class Roster:
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    has_class: bool = False
    encoding: str = ""
    ignored_columns: list[str] = field(default_factory=list)  # headers other than 学号/姓名/班级: not imported
    stray_cells: list[int] = field(default_factory=list)  # lines with text in a column that has no header


# --------------------------------------------------------------------------- ids

_BAD_ID_CHARS = set('/\\:*?"<>|')
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE)


def clean_text(value: object) -> str:
    """A cell's text: numbers as Excel shows them (2024001.0 → 2024001), trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\ufeff", "").strip()


def validate_id(raw: str) -> tuple[str, str | None]:
    """The normalised id and, if it cannot be used, why (中文（English）, or Chinese from the shared id rule)."""
    sid = unicodedata.normalize("NFKC", raw).strip()
    if not sid:
        return sid, say("学号为空", "empty id")
    bad = sorted({c for c in sid if c in _BAD_ID_CHARS})
    if bad:
        return sid, say(f"学号含有不能用在文件夹名里的字符 {' '.join(bad)}",
                        f"the id has characters a folder name cannot hold: {' '.join(bad)}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in sid):
        return sid, say("学号含有控制字符或不可见字符", "the id has control or invisible characters")
    if sid.startswith("."):
        return sid, say("学号不能以“.”开头，否则会成为隐藏文件夹", "an id cannot start with a dot: it would be a hidden folder")
    if len(sid) > MAX_ID:
        return sid, say(f"学号太长，超过 {MAX_ID} 个字符", f"the id is longer than {MAX_ID} characters")
    if _SCIENTIFIC.match(sid):
        return sid, say("学号被 Excel 变成了科学计数法，位数已丢失：请把学号列设为“文本”格式后重新保存",
                        "Excel turned the id into scientific notation and lost digits: "
                        "format the column as text and save again")
    from ..grading.studentids import id_problem

    return sid, id_problem(sid)  # the one rule the grader, collect and export apply too


def _clean_name(value: object) -> str:
    text = clean_text(value)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return " ".join(text.split())[:MAX_ID]


# --------------------------------------------------------------------------- reading


def _norm_header(h: object) -> str:
    text = unicodedata.normalize("NFKC", clean_text(h)).lower()
    text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", text)  # 学号（必填） / 姓名(name); linear
    return re.sub(r"[\s*:]", "", text)


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    normed = [_norm_header(h) for h in headers]
    for name in names:
        if name in normed:
            return normed.index(name)
    return None


def parse_rows(rows: Iterable[tuple[int, list[object]]], source: str = "名单") -> Roster:
    """A roster from (line number, cells) rows: the first row naming 学号 and 姓名 is the header."""
    roster = Roster()
    header_at = None
    seen_headers: list[list[str]] = []
    ids: dict[str, int] = {}
    for line, cells in rows:
        texts = [clean_text(c) for c in cells]
        if header_at is None:
            if not any(texts):
                continue
            i_id, i_name = _find(texts, ID_HEADERS), _find(texts, NAME_HEADERS)
            if i_id is not None and i_name is not None:
                header_at, roster.headers = line, [t for t in texts]
                i_class = _find(texts, CLASS_HEADERS)
                roster.has_class = i_class is not None
                used = {i_id, i_name, i_class}
                roster.ignored_columns = [t for i, t in enumerate(texts) if t and i not in used]
                named = {i for i, t in enumerate(texts) if t}
                continue
            if i_id is not None or i_name is not None:
                lacking = "姓名" if i_name is None else "学号"
                raise RosterError(say(f"第{line}行的表头缺少“{lacking}”列，需要“学号”和“姓名”，班级可选",
                                      f"the header row on line {line} has no {lacking} column; "
                                      "学号 and 姓名 are required, 班级 is optional")
                                  + f"：{source}，找到的表头：{'、'.join(t for t in texts if t)}")
            seen_headers.append([t for t in texts if t])
            if len(seen_headers) >= 10:
                break
            continue
        if not any(texts):
            continue  # a blank line
        get = lambda i: texts[i] if i is not None and i < len(texts) else ""  # noqa: E731
        if any(t for i, t in enumerate(texts) if i not in named):
            roster.stray_cells.append(line)
        sid, problem = validate_id(get(i_id))
        if problem:
            roster.problems.append(RosterProblem(line, sid, problem))
            continue
        if sid in ids:
            roster.problems.append(RosterProblem(line, sid, say(f"学号重复，与第{ids[sid]}行相同，本行跳过",
                                                                  f"duplicate id, as on line {ids[sid]}: row skipped")))
            continue
        name = _clean_name(get(i_name))
        if not name:
            roster.problems.append(RosterProblem(line, sid, say("姓名为空：请填写学生姓名，formgrader 和成绩表按姓名显示",
                                                                  "empty name: formgrader and the score tables list "
                                                                  "students by name")))
            continue
        ids[sid] = line
        roster.entries.append(RosterEntry(line, sid, name, _clean_name(get(i_class)) if roster.has_class else ""))
    if header_at is None:
        found = "；".join("、".join(h) for h in seen_headers[:3]) or say("文件是空的", "the file is empty")
        raise RosterError(say("找不到含“学号”和“姓名”的表头，班级可选", "no header row with 学号 and 姓名; 班级 is optional")
                          + f"：{source}，文件开头的表头：{found}")
    return roster


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise RosterError(say("无法识别文件编码，不是 UTF-8，也不是 GBK/GB18030",
                              "unknown encoding: neither UTF-8 nor GBK/GB18030") + f"：{exc}") from None


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first.count)
    if not first.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx_rows(path: Path) -> Iterable[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise RosterError(say("无法打开 Excel 文件", "cannot open the Excel file")
                          + f"：{path}，{type(exc).__name__}: {exc}") from None
    try:
        ws = wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield i, list(row)
    finally:
        wb.close()


def read_roster(path: str | Path) -> Roster:
    """Read a CSV or XLSX roster file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"{say('名单文件不存在', 'no such roster file')}：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        roster = parse_rows(_xlsx_rows(path), str(path))
        roster.encoding = "XLSX"
        return roster
    if suffix == ".xls":
        raise RosterError(say("不支持旧版 .xls 格式，请在 Excel 里“另存为” .xlsx 或 CSV",
                              "old .xls files are not supported: save the sheet as .xlsx or CSV")
                          + f"：{path}")
    text, encoding = _decode(path.read_bytes())
    roster = parse_rows(_csv_rows(text), str(path))
    roster.encoding = encoding
    return roster
