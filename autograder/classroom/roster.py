"""Class roster import (``python -m autograder roster import FILE --course DIR``).

Reads the roster a school office hands out — CSV (UTF-8 with or without BOM,
GBK/GB18030 as Excel in China saves it, UTF-16 "Unicode text") or XLSX — with
the Chinese headers 学号, 姓名 and optionally 班级 (a title row above the
headers is fine), and writes it into the course's nbgrader gradebook with
``Gradebook.update_or_create_student``.

Where things go
---------------
* 学号 → ``Student.id`` (NFKC-normalised, so full-width digits typed on a
  phone become ASCII and match the ``submitted/<id>`` folders).
* 姓名 → ``last_name`` = the whole name as written, ``first_name`` = "".
  formgrader (nbgrader 0.9.6) builds every name in its lists as
  ``last_name + ", " + first_name`` (and prints "None" for a missing part);
  splitting 张伟 into 姓 and 名 made it read "张, 伟".  With the whole name
  in ``last_name`` the lists read "张伟, " — the name as the class knows it,
  sorted by it — and the empty ``first_name`` never shows as "None".
  nbgrader's own CSV export carries the name in its ``last_name`` column.
  Gradebooks written by earlier versions (姓 and 名 apart) still read as one
  name everywhere (:func:`join_name`), and re-importing the roster moves them
  to the whole-name form.  :func:`split_name` remains for callers that want
  姓 and 名 apart (compound surnames such as 欧阳 are recognised).
* 班级 → a one-table side store in the same gradebook database,
  ``autograder_student_class(student_id, class_name)``, created on first
  import.  nbgrader's Student has no field for it (email and lms_user_id mean
  something else to nbgrader and its LMS exporters); a table of our own in the
  gradebook travels with it (any db_url, SQLite or a server), is ignored by
  nbgrader and its migrations, and lets ``export`` show 班级.

Rules
-----
Bad rows are reported with their line number (the line of the CSV file, the
row of the sheet) and skipped: empty 学号, empty 姓名, a duplicate 学号 (the
first row wins), a 学号 that would break paths (``/ \\ : * ? " < > |``, a leading dot,
control characters, longer than 128 characters), that Excel has turned into
scientific notation (``2.02401E+11``), or that nbgrader's exchange and
formgrader cannot carry safely (anything but letters, digits, Chinese
characters and ``_ . @ -``: no ``+``, spaces or HTML; see
:mod:`autograder.grading.studentids`).  Columns other than 学号, 姓名 and 班级 (性别,
手机号 …) and cells outside the named columns are not imported, and the
report says which, so nothing is dropped without a word.  Importing a roster makes it the list of
students the grader and export accept.  Nothing already in the
gradebook is lost: existing students keep their grades and any field the file
leaves empty; students not in the file stay.  Re-importing the same file
changes nothing (idempotent).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping
from ..grading.coursedir import quiet_nbgrader_warnings

__all__ = [
    "RosterError", "RosterEntry", "RosterProblem", "Roster", "ImportReport",
    "read_roster", "parse_rows", "import_roster", "import_rows", "split_name", "join_name",
    "validate_id", "student_classes", "CLASS_TABLE",
]

ID_HEADERS = ("学号", "学生学号", "学籍号", "学号/工号", "student id", "student_id", "id")
NAME_HEADERS = ("姓名", "学生姓名", "名字", "name")
CLASS_HEADERS = ("班级", "班别", "行政班", "所在班级", "class")
MAX_ID = 128
CLASS_TABLE = "autograder_student_class"

COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 "
    "太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 "
    "漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 "
    "公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 "
    "褚师 吴铭".split())


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


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[RosterProblem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the gradebook, not in the file: left as they are
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    stray_cells: list[int] = field(default_factory=list)

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        lines = [f"名单导入{'（试运行，未写入）' if self.dry_run else ''}：{verb}新增 {len(self.added)} 人，"
                 f"{verb}更新 {len(self.updated)} 人，无变化 {len(self.unchanged)} 人，跳过 {len(self.skipped)} 行。"]
        if self.updated:
            lines.append(f"  更新 updated: {', '.join(self.updated[:20])}{' …' if len(self.updated) > 20 else ''}")
        if self.skipped:
            lines.append("  跳过的行 skipped rows:")
            lines += [f"    - {p}" for p in self.skipped]
        if self.ignored_columns:
            lines.append(f"  未导入的列 ignored columns：{'、'.join(self.ignored_columns)}"
                         "（只导入“学号”“姓名”“班级”三列；其他列的内容没有写入成绩库）")
        if self.stray_cells:
            shown = "、".join(f"第{n}行" for n in self.stray_cells[:20]) + (" …" if len(self.stray_cells) > 20 else "")
            lines.append(f"  没有表头的列里有内容，未导入 cells outside the named columns：{shown}"
                         "（请检查是否错列，或给这一列加上表头）")
        if self.kept:
            lines.append(f"  成绩库里另有 {len(self.kept)} 名学生不在名单中，已保留（未删除）："
                         f"{', '.join(self.kept[:20])}{' …' if len(self.kept) > 20 else ''}")
        from ..terminal import printable

        return printable("\n".join(lines))


# --------------------------------------------------------------------------- names


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name; other names whole as the surname.

    ``"".join(split_name(n)) == n`` for every name.
    """
    name = name.strip()
    if len(name) < 2 or not all(_is_han(c) for c in name):
        return name, ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def join_name(last_name: str | None, first_name: str | None) -> str:
    """The full name from nbgrader's two fields: 姓+名 for Chinese, "First Last" otherwise."""
    last, first = (last_name or "").strip(), (first_name or "").strip()
    if not first or not last:
        return last or first
    if any(_is_han(c) for c in last + first):
        return last + first
    return f"{first} {last}"


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
    """The normalised id and, if it cannot be used, why (Chinese)."""
    sid = unicodedata.normalize("NFKC", raw).strip()
    if not sid:
        return sid, "学号为空"
    bad = sorted({c for c in sid if c in _BAD_ID_CHARS})
    if bad:
        return sid, f"学号含有不能用在文件夹名里的字符 {' '.join(bad)}"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in sid):
        return sid, "学号含有控制字符或不可见字符"
    if sid.startswith("."):
        return sid, "学号不能以“.”开头（会成为隐藏文件夹）"
    if len(sid) > MAX_ID:
        return sid, f"学号太长（超过 {MAX_ID} 个字符）"
    if _SCIENTIFIC.match(sid):
        return sid, "学号被 Excel 变成了科学计数法，位数已丢失：请把学号列设为“文本”格式后重新保存"
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
                raise RosterError(f"{source}：第{line}行的表头缺少“{lacking}”列（需要“学号”和“姓名”，班级可选）。"
                                  f"找到的表头是：{'、'.join(t for t in texts if t)}")
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
            roster.problems.append(RosterProblem(line, sid, f"学号重复（与第{ids[sid]}行相同），本行跳过"))
            continue
        name = _clean_name(get(i_name))
        if not name:
            roster.problems.append(RosterProblem(line, sid, "姓名为空：请填写学生姓名（formgrader 和成绩表按姓名显示）"))
            continue
        ids[sid] = line
        roster.entries.append(RosterEntry(line, sid, name, _clean_name(get(i_class)) if roster.has_class else ""))
    if header_at is None:
        found = "；".join("、".join(h) for h in seen_headers[:3]) or "（文件是空的）"
        raise RosterError(f"{source}：找不到表头“学号”和“姓名”（班级可选）。文件开头的表头是：{found}")
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
        raise RosterError(f"无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030）：{exc}") from None


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
        raise RosterError(f"{path}：无法打开 Excel 文件（{type(exc).__name__}: {exc}）") from None
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
        raise RosterError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        roster = parse_rows(_xlsx_rows(path), str(path))
        roster.encoding = "XLSX"
        return roster
    if suffix == ".xls":
        raise RosterError(f"{path}：旧版 .xls 格式不支持，请在 Excel 里“另存为” .xlsx 或 CSV")
    text, encoding = _decode(path.read_bytes())
    roster = parse_rows(_csv_rows(text), str(path))
    roster.encoding = encoding
    return roster


# --------------------------------------------------------------------------- the class side table


def _class_table(metadata=None):
    from sqlalchemy import Column, MetaData, String, Table

    metadata = metadata or MetaData()
    return Table(CLASS_TABLE, metadata,
                 Column("student_id", String(128), primary_key=True),
                 Column("class_name", String(128), nullable=False))


def student_classes(gb) -> dict[str, str]:
    """Student id → 班级, from the side table (empty when no roster with 班级 was imported)."""
    from sqlalchemy import inspect, select

    if not inspect(gb.engine).has_table(CLASS_TABLE):
        return {}
    table = _class_table()
    rows = gb.db.execute(select(table.c.student_id, table.c.class_name)).all()
    return {sid: klass for sid, klass in rows if klass}


def _set_classes(gb, classes: Mapping[str, str]) -> None:
    from sqlalchemy import delete, insert

    table = _class_table()
    table.metadata.create_all(gb.engine)
    for sid, klass in classes.items():
        gb.db.execute(delete(table).where(table.c.student_id == sid))
        gb.db.execute(insert(table).values(student_id=sid, class_name=klass))


# --------------------------------------------------------------------------- import


def _open_gradebook(course_dir: Path):
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config, open_gradebook

    if not course_dir.is_dir():
        raise FileNotFoundError(f"{course_dir}: no such course directory")
    coursedir = CourseDirectory(config=load_config(course_dir))
    return open_gradebook(coursedir.db_url, coursedir.course_id)


def import_roster(path: str | Path, course_dir: str | Path, dry_run: bool = False) -> ImportReport:
    """Read ``path`` and merge it into the course's gradebook (see the module docstring)."""
    roster = read_roster(path)
    return import_rows(roster, course_dir, dry_run=dry_run)


def import_rows(roster: Roster | Iterable[Mapping[str, object]], course_dir: str | Path,
                dry_run: bool = False) -> ImportReport:
    """Merge a :class:`Roster` (or dict rows with 学号/姓名/班级 keys) into the gradebook."""

    from nbgrader.api import MissingEntry

    if not isinstance(roster, Roster):
        rows = list(roster)
        keys = list(rows[0].keys()) if rows else ["学号", "姓名", "班级"]
        roster = parse_rows([(1, keys)] + [(i, [r.get(k) for k in keys]) for i, r in enumerate(rows, start=2)])
    report = ImportReport(skipped=list(roster.problems), dry_run=dry_run,
                          ignored_columns=list(roster.ignored_columns), stray_cells=list(roster.stray_cells))
    course_dir = Path(course_dir).resolve()
    with quiet_nbgrader_warnings():
        with _open_gradebook(course_dir) as gb:
            classes = student_classes(gb)
            existing = {s.id for s in gb.students}
            new_classes = {}
            for e in roster.entries:
                fields = {}
                if e.name:  # the whole name in last_name: formgrader shows last_name + ", " + first_name
                    fields.update(last_name=e.name, first_name="")
                try:
                    student = gb.find_student(e.id)
                except MissingEntry:
                    report.added.append(e.id)
                    if not dry_run:
                        gb.add_student(e.id, **fields)
                else:
                    changed = any(getattr(student, k) != v for k, v in fields.items())
                    changed |= bool(e.klass) and classes.get(e.id) != e.klass
                    (report.updated if changed else report.unchanged).append(e.id)
                    if changed and not dry_run:
                        gb.update_or_create_student(e.id, **fields)
                if e.klass and classes.get(e.id) != e.klass:
                    new_classes[e.id] = e.klass
            if new_classes and not dry_run:
                _set_classes(gb, new_classes)
            if not dry_run:
                from ..grading.studentids import mark_listed

                mark_listed(gb, [e.id for e in roster.entries])
                gb.db.commit()
            listed = {e.id for e in roster.entries}
            report.kept = sorted(existing - listed)
    return report
