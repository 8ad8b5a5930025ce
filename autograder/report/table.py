"""The score table: what export reads from the gradebook, and what every writer shows.

The statuses, question-type labels, the table itself (:class:`ScoreTable`),
the answers read back (:class:`Answer`) and the analysis result
(:class:`ExportResult`) live here, so that the writers (``xlsx``,
``charts``) import the model and never the export that drives them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..questiontypes import QUESTION_TYPES
from .analytics import ItemStats, ScoreSummary
from .rulestats import CallCheck, RewriteCheck, RuleStat

__all__ = [
    "ScoreColumn", "ScoreChapter", "ScoreCell", "ChapterResult", "StudentRow", "ScoreTable", "Answer", "ExportResult",
    "Question", "Chapter", "Mark",  # older names of the first three
    "neutralise", "GRADED", "MISSING", "UNREADABLE", "FILE_UNREADABLE", "ANSWER_UNREADABLE", "PENDING",
    "STATUSES", "STATUS_JOIN", "SMALL_SAMPLE", "TYPE_LABEL", "small_sample_note", "chapter_status",
]

GRADED, MISSING, PENDING = "已评分", "未提交", "待人工评分"
FILE_UNREADABLE, ANSWER_UNREADABLE = "文件无法读取", "有题目无法读取"
UNREADABLE = FILE_UNREADABLE  # the older name: a whole file that could not be read
STATUSES = (MISSING, FILE_UNREADABLE, ANSWER_UNREADABLE, PENDING, GRADED)  # the order they are listed in
STATUS_JOIN = "、"  # 有题目无法读取、待人工评分
SMALL_SAMPLE = 20  # fewer students than this: item statistics are shown with a caveat

# A question's type as a score-table column shows it (nbgrader tasks and untyped cells included).
TYPE_LABEL = {**{k: t.column for k, t in QUESTION_TYPES.items()}, "task": "任务", "": ""}


@dataclass(frozen=True, slots=True)
class ScoreColumn:
    """A question as a column of the score table: where its grade lives in the
    gradebook, its header and what the item analysis needs (no bank fields)."""

    key: str  # assignment/notebook/grade cell: unique in the course
    assignment: str
    notebook: str
    grade_cell: str
    answer_cell: str
    var: str  # 第N题 (or the cell name for questions not from the bank)
    type: str  # single | multiple | rewrite | call | short | "" (unknown)
    max_score: float
    label: str  # column header, e.g. 电话礼仪·第1题
    options: str = ""
    answer_key: str = ""
    scenario: str = ""
    bad: str = ""
    call: dict | None = field(default=None, compare=False)  # call: what check_call reads (no key)

    @property
    def turns(self) -> int:
        """call: the number of agent turns (第1句 … 第N句)."""
        return sum(1 for t in (self.call or {}).get("turns", ()) if isinstance(t, dict) and "agent" in t)


@dataclass(frozen=True)
class ScoreChapter:
    """A chapter (one assignment) of the score table and its question columns."""

    assignment: str
    number: int
    title: str
    questions: tuple[ScoreColumn, ...]

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def label(self) -> str:
        return f"第{self.number}章 {self.title}" if self.number else self.title


@dataclass(frozen=True, slots=True)
class ScoreCell:
    """One student's cell in a question's column: the score and its state."""

    score: float | None
    state: str  # graded | pending | unreadable | missing
    comment: str = ""  # the autograder's comment, when it says why


@dataclass
class ChapterResult:
    status: str
    total: float | None
    penalty: float = 0.0
    marks: dict[str, ScoreCell] = field(default_factory=dict)  # question key -> its cell
    note: str = ""  # why it is missing / unreadable (the autograder's comment)
    file_unreadable: bool = False  # a notebook file of the chapter could not be read at all

    @property
    def fully_unreadable(self) -> bool:
        return self.file_unreadable or (bool(self.marks) and all(m.state == "unreadable" for m in self.marks.values()))

    @property
    def pending(self) -> bool:
        return any(m.state == "pending" for m in self.marks.values())

    def has(self, status: str) -> bool:
        """Whether ``status`` is one of the words in this chapter's status (it may list two)."""
        return status in self.status.split(STATUS_JOIN)


def chapter_status(states: set[str], file_unreadable: bool) -> str:
    """The status word(s) of a chapter from its questions' states (see the module docstring)."""
    if "missing" in states:
        return MISSING
    words = []
    if "unreadable" in states:
        words.append(FILE_UNREADABLE if file_unreadable else ANSWER_UNREADABLE)
    if "pending" in states:
        words.append(PENDING)
    return STATUS_JOIN.join(words) or GRADED


def small_sample_note(n: int, where: str = "本章") -> str:
    """The caveat on item statistics computed from fewer than SMALL_SAMPLE students ("" when enough)."""
    if n >= SMALL_SAMPLE:
        return ""
    return (f"注意：{where}只有 {n} 名学生的成绩参与统计（少于 {SMALL_SAMPLE} 人），难度、区分度和点二列相关"
            f"受个别学生影响很大，仅供参考，不宜据此修改或淘汰题目。")


@dataclass
class StudentRow:
    id: str
    name: str
    klass: str
    chapters: dict[str, ChapterResult]  # assignment -> result
    total: float | None


@dataclass
class ScoreTable:
    course_id: str
    chapters: list[ScoreChapter]
    students: list[StudentRow]
    has_class: bool = False
    has_penalty: bool = False
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (printable id, why): unsafe or not on the roster

    @property
    def questions(self) -> list[ScoreColumn]:
        return [q for ch in self.chapters for q in ch.questions]

    @property
    def max_score(self) -> float:
        return sum(ch.max_score for ch in self.chapters)

    def header(self) -> list[str]:
        cols = ["学号", "姓名"] + (["班级"] if self.has_class else [])
        for ch in self.chapters:
            cols += [q.label for q in ch.questions]
            if self.has_penalty:
                cols.append(f"{ch.title}·迟交扣分")
            cols += [f"{ch.title}·合计", f"{ch.title}·状态"]
        return cols + ["总分"]

    def rows(self) -> list[list]:
        """The table's rows: str, float or None (an empty cell)."""
        out = []
        for s in self.students:
            row: list = [s.id, s.name] + ([s.klass] if self.has_class else [])
            for ch in self.chapters:
                res = s.chapters[ch.assignment]
                row += [res.marks[q.key].score if q.key in res.marks else None for q in ch.questions]
                if self.has_penalty:
                    row.append(res.penalty if res.penalty else None)
                row += [res.total, res.status]
            row.append(s.total)
            out.append(row)
        return out


@dataclass(frozen=True, slots=True)
class Answer:
    state: str  # answered | empty | unreadable
    value: str = ""  # letters (choices) or the text (rewrites)
    lines: tuple[str, ...] = ()  # call: the text of each agent turn ("" for a turn left empty)
    decision: object | None = None  # rewrite/call: what grading recorded (grading.decisions.Decision), if it did


@dataclass
class ExportResult:
    table: ScoreTable
    items: dict[str, list[ItemStats]]  # assignment -> item statistics
    rules: list[RuleStat]
    rewrite_answers: int  # rewrite answers checked
    summaries: list[ScoreSummary]  # per chapter, then the total
    files: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. missing glyphs while drawing charts
    checks: list[RewriteCheck] = field(default_factory=list)  # every rewrite answer (and call turn) checked
    calls: list[CallCheck] = field(default_factory=list)  # every call answer checked: turn scores, call findings
    turn_items: dict[str, list[ItemStats]] = field(default_factory=dict)  # call question key -> per-turn statistics

    def sample_size(self) -> int:
        """The most students any chapter's item statistics were computed from."""
        return max((st.n for stats in self.items.values() for st in stats), default=0)

    def hardest_items(self, n: int = 3) -> list[ItemStats]:
        """The ``n`` questions with the lowest difficulty p (ties: chapter order)."""
        stats = [st for ch in self.table.chapters for st in self.items.get(ch.assignment, []) if st.p is not None]
        return sorted(stats, key=lambda st: st.p)[:n]

    def common_phrases(self, n: int = 5, kind: str = "forbidden") -> list[tuple[str, int, str]]:
        """The offending phrases students wrote most often: (phrase, answers, rule)."""
        found: Counter = Counter()
        rule_of: dict[str, str] = {}
        for st in self.rules:
            if st.kind == kind:
                for phrase, count in st.phrases.items():
                    found[phrase] += count
                    rule_of.setdefault(phrase, st.rule)
        return [(p, c, rule_of[p]) for p, c in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    def summary(self) -> str:
        """The export as text for the instructor, in the form 中文（English） (:mod:`autograder.messages`)."""
        from ..messages import say
        from ..terminal import printable

        t = self.table
        n_s, n_c, n_q = len(t.students), len(t.chapters), len(t.questions)
        lines = [say(f"导出完成，{n_s} 名学生、{n_c} 章、{n_q} 题", f"exported students: {n_s}, chapters: {n_c}, "
                     f"questions: {n_q}")]
        lines += [f"  {s.label}：{s.describe()}" for s in self.summaries]
        flagged = [st for stats in self.items.values() for st in stats if st.flags]
        if flagged:
            lines.append("  " + say("需要检查的题目，见 scores.xlsx 的“题目分析”",
                                    "flagged questions, see the sheet 题目分析 of scores.xlsx") + f"：{len(flagged)}")
        n = self.sample_size()
        if t.chapters and n < SMALL_SAMPLE:
            lines.append("  " + say(f"题目分析只有 {n} 名学生的成绩参与统计，少于 {SMALL_SAMPLE} 人，仅供参考",
                                    f"item statistics from {n} students, fewer than {SMALL_SAMPLE}: indicative only"))
        lines += [f"  {say('已写入', 'wrote')}：{path}" for path in self.files.values()]
        lines += [f"  {say('警告', 'warning')}：{w}" for w in self.warnings]
        lines += [f"  {say('未导出', 'left out')}：{sid}，{why}" for sid, why in t.left_out]
        return printable("\n".join(lines))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
def _formula_like(text: str) -> bool:
    """Would some spreadsheet (Excel, WPS, LibreOffice) read ``text`` as a formula?

    Besides the ASCII starts, a formula may hide behind leading blanks (space,
    NBSP, the ideographic space), invisible characters (ZWSP, BOM, other
    format characters) or a full-width/small form (``＝`` ``﹦`` ``＋`` ``－``
    ``＠``), which some spreadsheets fold to ASCII.
    """
    import unicodedata

    for ch in text:
        if ch in _FORMULA_START:
            return True
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue  # skipped: a formula may follow
        return unicodedata.normalize("NFKC", ch).startswith(_FORMULA_START)
    return False


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


# The older names, still re-exported (and used) by ``autograder.report.export``;
# new code uses the Score* names.  They are not the kit's ``Question``
# (``autograder.grading.question``) or ``Mark`` (``grading.scoring``): a column
# of the table and one student's cell in it.
Question, Chapter, Mark = ScoreColumn, ScoreChapter, ScoreCell
