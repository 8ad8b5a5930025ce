"""A chapter's practice book: :func:`load_practice` reads ``practice/<chapter>.yaml``
(the format is in :mod:`.practice`) and the book hands out the widgets.

The widgets (:mod:`.ui`, :mod:`.callui`) are imported when a notebook asks
for one, never at load time.
"""
from __future__ import annotations

from pathlib import Path

from ..teaching.yamlfields import load_mapping
from .callpractice import CallSandboxItem, parse_call_sandbox
from .practice import (PRACTICE_DIR_NAME, QuizSet, SandboxItem, _ident, _keypoints, _quiz_set,
                       _sandbox)

__all__ = ["PracticeBook", "find_practice_file", "load_practice"]


class PracticeBook:
    """A chapter's practice items; ``quiz(id)``, ``sandbox(id)`` and ``call(id)`` give widgets."""

    def __init__(self, chapter: str, title: str, quizzes: dict[str, QuizSet],
                 sandboxes: dict[str, SandboxItem], path: Path | None = None,
                 calls: dict[str, CallSandboxItem] | None = None):
        self.chapter = chapter
        self.title = title
        self.quizzes = quizzes
        self.sandboxes = sandboxes
        self.calls = calls or {}
        self.path = path

    def __repr__(self) -> str:
        calls = f"，{len(self.calls)} 个通话练习" if self.calls else ""
        return (f"<练习：{self.title}（{self.chapter}），"
                f"{len(self.quizzes)} 组小测，{len(self.sandboxes)} 个改写练习{calls}>")

    def get_quiz(self, quiz_id: str) -> QuizSet:
        try:
            return self.quizzes[quiz_id]
        except KeyError:
            raise KeyError(f"本章没有编号为 {quiz_id!r} 的小测；可用的有：{'、'.join(self.quizzes)}") from None

    def get_sandbox(self, sandbox_id: str) -> SandboxItem:
        try:
            return self.sandboxes[sandbox_id]
        except KeyError:
            raise KeyError(
                f"本章没有编号为 {sandbox_id!r} 的改写练习；可用的有：{'、'.join(self.sandboxes)}") from None

    def get_call(self, call_id: str) -> CallSandboxItem:
        try:
            return self.calls[call_id]
        except KeyError:
            raise KeyError(f"本章没有编号为 {call_id!r} 的通话练习；可用的有：{'、'.join(self.calls) or '（无）'}") from None

    def quiz(self, quiz_id: str):
        """The quiz widget (display it by making it the last line of a cell)."""
        from .ui import QuizWidget

        return QuizWidget(self.get_quiz(quiz_id))

    def sandbox(self, sandbox_id: str):
        """The rewrite-sandbox widget."""
        from .ui import SandboxWidget

        return SandboxWidget(self.get_sandbox(sandbox_id))

    def call(self, call_id: str):
        """The call-sandbox widget: write every agent turn of a whole call, 检查 walks through it."""
        from .callui import CallSandboxWidget

        return CallSandboxWidget(self.get_call(call_id))


def find_practice_file(name: str | Path, base: str | Path | None = None) -> Path:
    """Resolve a chapter name (``"ch1_telephone"``) or a path to its YAML file.

    A bare chapter name is looked up in ``practice/`` under ``base`` (default:
    the current directory, which is the notebook's folder in Jupyter).
    """
    p = Path(name)
    if p.suffix in (".yaml", ".yml"):
        candidates = [p] if p.is_absolute() else [Path(base or ".") / p]
    else:
        candidates = [Path(base or ".") / PRACTICE_DIR_NAME / f"{name}.yaml"]
    for c in candidates:
        if c.is_file():
            return c
    raise FileNotFoundError(
        f"找不到练习文件 {candidates[0]}：请从 course 文件夹里打开本章笔记本"
        f"（练习题放在 course/{PRACTICE_DIR_NAME}/ 里）。"
        f" / practice file not found: {candidates[0]}")


def load_practice(name: str | Path, base: str | Path | None = None) -> PracticeBook:
    """Load and validate a chapter's practice file; see the module docstring."""
    path = find_practice_file(name, base)
    where, data = load_mapping(path)
    where.only(data, {"chapter", "title", "quizzes", "sandboxes", "calls", "note"})
    chapter = where.need(data, "chapter", str)
    title = where.need(data, "title", str)

    quizzes: dict[str, QuizSet] = {}
    question_ids: set[str] = set()
    for raw in where.need(data, "quizzes", list):
        qs = _quiz_set(where, raw, question_ids)
        if qs.id in quizzes:
            raise where.at(qs.id).error("quiz id used twice")
        quizzes[qs.id] = qs

    sandboxes: dict[str, SandboxItem] = {}
    for raw in where.need(data, "sandboxes", list):
        item = _sandbox(where, raw)
        if item.id in sandboxes:
            raise where.at(item.id).error("sandbox id used twice")
        sandboxes[item.id] = item
    if not quizzes or not sandboxes:
        raise where.error("a chapter needs at least one quiz and one sandbox")

    calls: dict[str, CallSandboxItem] = {}
    for raw in where.need(data, "calls", list, optional=True, default=[]):
        cid = _ident(where, raw, "call")
        if cid in calls or cid in sandboxes:
            raise where.at(cid).error("call id used twice (ids are shared with the rewrite sandboxes)")
        calls[cid] = parse_call_sandbox(where, raw, cid, _keypoints(where.at(cid), raw))
    return PracticeBook(chapter, title, quizzes, sandboxes, path, calls)
