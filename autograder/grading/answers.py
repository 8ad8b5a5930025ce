"""Reading answers from answer-cell source text, never by running it.

An answer cell holds one assignment of a string literal, e.g. ``第1题 = "C"``.
Students type on phones, in Chinese input methods, without programming
experience, so reading is tolerant:

* ``第1题 = “C”`` (Chinese quotes), ``第1题 ＝ "C"`` (full-width =), a missing
  closing quote on a one-line answer;
* for choices: full-width or lower-case letters, spaces, ``C.`` / ``（C）``,
  ``A,B,D`` / ``A、B、D`` / ``ABD`` / ``["A","B","D"]`` / sets, duplicates.

What cannot be read yields a ``Read``/``Choice`` with an ``error`` saying
exactly what to fix.  Nothing here evaluates student code: ``ast`` parses it
and ``ast.literal_eval`` accepts literals only.  Constant string expressions
a kernel would turn into the same text are read as that text, from the tree
alone: ``f"C"`` (an f-string without ``{…}``), ``"A" + "B"`` and
parenthesised strings (also as elements of a list, tuple or set).
"""
from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Read", "Choice", "AnswerCell", "answer_cells", "read_assignment", "find_answer", "find_answer_or_moved",
           "parse_choice", "parse_text", "visible"]

_CN_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_QUOTE_CHARS = "\"'“”‘’「」『』"
_MAX_SOURCE = 200_000  # a cell larger than this is not an answer; refuse before parsing


@dataclass(frozen=True, slots=True)
class Read:
    """The value assigned to an answer variable in a cell, or why it cannot be read."""

    found: bool  # the cell assigns (or visibly tries to assign) the variable
    value: object = None  # str, or list/tuple/set of str
    error: str | None = None
    code: str = ""  # why it cannot be read: too_long | not_literal | not_text | bad_line | missing


@dataclass(frozen=True, slots=True)
class Choice:
    """The letters chosen, or why the answer cannot be read."""

    letters: frozenset[str] = frozenset()
    error: str | None = None
    empty: bool = False  # nothing was entered (the released cell untouched)
    code: str = ""  # why it cannot be read: empty | unknown_text | not_an_option | too_many

    @property
    def text(self) -> str:
        return "".join(sorted(self.letters))


def _literal(node: ast.AST) -> tuple[bool, object]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_constant_string(e) for e in node.elts]
        if all(i is not None for i in items):
            return True, {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
        return False, None
    text = _constant_string(node)
    return (text is not None), text


_MAX_PARTS = 1000  # a longer "+" chain is not an answer


def _constant_string(node: ast.AST) -> str | None:
    """The text of a string literal, an f-string without placeholders, or a ``+`` chain of those.

    Read from the tree, iteratively (a long chain cannot exhaust the stack);
    anything else (names, calls, ``{…}`` in an f-string, ``*``) is None.
    """
    parts: list[str] = []
    stack = [node]
    while stack:
        if len(parts) + len(stack) > _MAX_PARTS:
            return None
        n = stack.pop()
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            parts.append(n.value)
        elif isinstance(n, ast.JoinedStr) and all(
                isinstance(v, ast.Constant) and isinstance(v.value, str) for v in n.values):
            parts.append("".join(v.value for v in n.values))
        elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            stack += [n.right, n.left]  # the left operand is taken first
        else:
            return None
    return "".join(parts)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _line_pattern(var: str) -> re.Pattern:
    # Linear: one greedy run to the end of the line, trailing blanks stripped in
    # Python (a lazy group before ``[ \t]*$`` is quadratic on a run of blanks).
    name = re.escape(unicodedata.normalize("NFKC", var))
    return re.compile(rf"^[ \t]*{name}[ \t]*[=＝](?!=)[ \t]*(.*)$", re.MULTILINE)


def _strip_quotes(rhs: str) -> str | None:
    """``"text"`` with any quote characters, or an unterminated ``"text``."""
    if rhs and rhs[0] in _QUOTE_CHARS:
        inner = rhs[1:]
        if inner and inner[-1] in _QUOTE_CHARS:
            inner = inner[:-1]
        return inner
    return None


_CODE_MESSAGE = ("{var} 要直接写在引号里，例如 {var} = \"B\"；"
                 "不要写成变量、函数调用、数字运算或带 {{}} 的 f 字符串（评分时不会运行代码）。")


class AnswerCell:
    """One code cell's source, parsed at most once however many questions look into it."""

    __slots__ = ("source", "_normalised", "_assigned")

    def __init__(self, source: object):
        if not isinstance(source, str):
            source = "".join(source) if isinstance(source, list) else str(source)
        self.source = source
        self._normalised: str | None = None
        self._assigned: list | None = None  # [raw, quote-fixed]: {name: (ok, value)} or None (no parse)

    @property
    def normalised(self) -> str:
        if self._normalised is None:
            self._normalised = unicodedata.normalize("NFKC", self.source)
        return self._normalised

    def assigned(self, fixed_quotes: bool) -> dict | None:
        """Top-level assignments: NFKC name -> (literal?, value) of the last one; None if it does not parse."""
        if self._assigned is None:
            self._assigned = [_UNSET, _UNSET]
        i = int(fixed_quotes)
        if self._assigned[i] is _UNSET:
            text = self.source.translate(_CN_QUOTES) if fixed_quotes else self.source
            if fixed_quotes and text == self.source:
                self._assigned[1] = self.assigned(False)
            else:
                tree = _parse(text)
                self._assigned[i] = None if tree is None else _assignments(tree)
        return self._assigned[i]


_UNSET = object()


def _assignments(tree: ast.Module) -> dict:
    last: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    last[unicodedata.normalize("NFKC", t.id)] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            last[unicodedata.normalize("NFKC", stmt.target.id)] = stmt.value
    out = {}
    for name, node in last.items():  # the tree itself is not kept, nor values that cannot be answers
        ok, value = _literal(node)
        out[name] = (ok, value if not ok or _answer_shaped(value) else _NotAnswer(type(value).__name__))
    return out


@dataclass(frozen=True, slots=True)
class _NotAnswer:
    type_name: str


def answer_cells(sources) -> list[AnswerCell]:
    """The code cells of one submission, for :func:`find_answer` (each parsed once, when first needed)."""
    return [s if isinstance(s, AnswerCell) else AnswerCell(s) for s in sources]


def read_assignment(source: str | AnswerCell, var: str) -> Read:
    """The last top-level assignment to ``var`` in ``source``."""
    cell = source if isinstance(source, AnswerCell) else AnswerCell(source)
    source = cell.source
    if len(source) > _MAX_SOURCE:
        return Read(var in source, error=f"{var} 所在的单元格内容太长（超过 {_MAX_SOURCE} 个字符），无法读取答案。",
                    code="too_long")
    name = unicodedata.normalize("NFKC", var)
    if name not in cell.normalised:
        return Read(False)  # Python identifiers are NFKC-normalised: the cell cannot assign it

    for fixed in (False, True):
        assigned = cell.assigned(fixed)
        if assigned is None:
            continue
        if name not in assigned:
            if not fixed:
                continue  # maybe only the fixed-quote version assigns it
            return Read(False)
        ok, value = assigned[name]
        if not ok:
            return Read(True, error=_CODE_MESSAGE.format(var=var), code="not_literal")
        if isinstance(value, _NotAnswer):
            return Read(True, error=f"{var} 的答案要写成引号里的文字，例如 {var} = \"B\"，现在是 {value.type_name}。",
                        code="not_text")
        return Read(True, value)

    # The cell does not parse even with ASCII quotes: read the assignment line.
    lines = _line_pattern(var).findall(cell.normalised)
    if not lines:
        return Read(False)
    rhs = lines[-1].rstrip(" \t")
    ok, value = _literal_from_text(rhs.translate(_CN_QUOTES))
    if ok and _answer_shaped(value):
        return Read(True, value)
    inner = _strip_quotes(rhs)
    if inner is not None and inner.strip():
        return Read(True, inner)
    return Read(True, error=f"{var} 这一行读不出答案：请写成 {var} = \"你的答案\"，注意引号要成对。", code="bad_line")


def _literal_from_text(text: str) -> tuple[bool, object]:
    tree = _parse(text)
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return False, None
    return _literal(tree.body[0].value)


def _answer_shaped(value: object) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(isinstance(v, str) for v in value)
    return False


def find_answer(sources: list[str], var: str) -> Read:
    """Read ``var`` as the kernel would have it after running ``sources`` in order.

    The last cell that assigns it wins; a later cell that tries to assign it but
    cannot be read hides earlier answers (the student's latest intent).
    """
    for source in reversed(sources):
        read = read_assignment(source, var)  # strings or AnswerCell (see answer_cells)
        if read.found:
            return read
    return Read(False, error=f"找不到 {var} 的答案：作答单元格可能被删除了，请保留 {var} = \"…\" 这一行。", code="missing")


# --------------------------------------------------------------------------- choices

_LETTERS = re.compile(r"[A-Z]")
_ALLOWED_NOISE = re.compile(r"[\s,.;:|/()\[\]{}<>\"'·•和与及或、，。；：（）【】“”‘’!?！？_\-+]")
_PREFIX = re.compile(r"^(答案|答|选项|选择|选|我选|应选|正确答案)(是|为)?[:：]?")


_INVISIBLE = frozenset(("Cf", "Mn", "Co", "Cs"))  # Cs: lone surrogates ("\udb40" typed as an escape)


def visible(text: str) -> str:
    """``text`` (NFKC) without format, combining-mark, private-use and lone surrogate characters.

    Zero-width spaces, joiners, bidi marks, variation selectors and tag
    characters cannot be seen, so they must not change how an answer reads:
    ``"C\u200b"`` is ``C``.  The rule engine's normaliser drops the same.
    """
    return _drop_invisible(unicodedata.normalize("NFKC", text))


def _drop_invisible(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)


def _fold_choice_text(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        value = ",".join(str(v) for v in value)
    text = visible(str(value)).upper()
    return _PREFIX.sub("", text.strip())


def parse_choice(value: object, kind: str, options: str) -> Choice:
    """Letters chosen in ``value`` for a ``single`` or ``multiple`` question.

    ``options`` is the option letters in order, e.g. ``"ABCD"``.
    """
    if kind not in ("single", "multiple"):
        raise ValueError(f"kind must be 'single' or 'multiple', got {kind!r}")
    first, last = options[0], options[-1]
    if value is None:
        return Choice(error="还没有作答。", empty=True, code="empty")
    text = _fold_choice_text(value)
    leftover = _ALLOWED_NOISE.sub("", _LETTERS.sub("", text))
    letters = _LETTERS.findall(text)
    if not letters and not leftover:
        return Choice(error="还没有作答：请在引号里填写选项字母。", empty=True, code="empty")
    if leftover:
        return Choice(error=f"答案里有读不懂的内容「{_short(leftover)}」：只填写选项字母，"
                            f"例如 \"{first}\"{'' if kind == 'single' else ' 或 ' + chr(34) + first + options[1] + chr(34)}。",
                      code="unknown_text")
    chosen = frozenset(letters)
    bad = sorted(chosen - set(options))
    if bad:
        return Choice(error=f"「{''.join(bad)}」不是本题的选项：本题选项为 {first}–{last}。", code="not_an_option")
    if kind == "single" and len(chosen) > 1:
        return Choice(error=f"单选题只能填写一个字母，你填了「{''.join(sorted(chosen))}」。", code="too_many")
    return Choice(chosen)


def parse_text(value: object) -> tuple[str | None, str | None]:
    """A rewrite answer as text, or (None, why not)."""
    if value is None:
        return None, "还没有作答。"
    if isinstance(value, str):
        return _drop_invisible(value), None  # the text as typed otherwise (the engine normalises it)
    return None, "改写题的答案要写成一句话放在引号里，例如 第13题 = \"您好，……\"。"


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def find_answer_or_moved(sources: list[str], var: str, later: list[str] = ()) -> Read:
    """``find_answer`` in the answer cells, else in the cells below them (an answer the student moved)."""
    read = find_answer(sources, var)
    if not read.found and later:
        moved = find_answer(later, var)
        if moved.found:
            return moved
    return read
