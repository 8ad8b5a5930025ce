"""Which questions an assignment has, in which order: what must not change once students have submitted.

Submitted notebooks carry one answer cell per question (``第N题 = "…"``) and
the gradebook one grade row per question.  Adding, removing or reordering
questions after students submitted renumbers every later 第N题 and leaves
the gradebook and ``source/`` disagreeing; nbgrader itself refuses it only
halfway (``generate_assignment`` deletes ``release/<a>`` and then fails).
Changing a question's wording, options or explanation is safe.

``build`` refuses such a change (:func:`guard_build`), ``grade`` warns when
``source/`` and the gradebook already disagree (:func:`gradebook_disagreements`),
and :class:`GuardedGenerateExporter` stops ``nbgrader generate_assignment``
before it deletes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..messages import say
from .coursedir import quiet_nbgrader_warnings

__all__ = ["Slot", "StructureChange", "compare", "notebook_slots", "submitters", "guard_build", "BuildRefused",
           "gradebook_disagreements", "GuardedGenerateExporter"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One question's place in a notebook."""

    qid: str
    var: str  # 第N题
    type: str


@dataclass
class StructureChange:
    assignment: str
    added: list[Slot] = field(default_factory=list)
    removed: list[Slot] = field(default_factory=list)
    moved: list[tuple[Slot, Slot]] = field(default_factory=list)  # (before, after): same question, new 第N题 or type

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("新增 " + "、".join(f"{s.var}（{s.qid}）" for s in self.added))
        if self.removed:
            parts.append("删除 " + "、".join(f"{s.var}（{s.qid}）" for s in self.removed))
        if self.moved:
            parts.append("改变题号或题型 " + "、".join(
                f"{a.qid}：{a.var}→{b.var}" + (f"，{a.type}→{b.type}" if a.type != b.type else "")
                for a, b in self.moved))
        return "；".join(parts)


def compare(assignment: str, before: list[Slot], after: list[Slot]) -> StructureChange:
    old = {s.qid: s for s in before}
    new = {s.qid: s for s in after}
    return StructureChange(
        assignment,
        added=[s for s in after if s.qid not in old],
        removed=[s for s in before if s.qid not in new],
        moved=[(old[q], new[q]) for q in old if q in new and old[q] != new[q]],
    )


def notebook_slots(path: Path, assignment: str) -> list[Slot]:
    """The questions of a source notebook built from the bank."""
    from .sourcenotebooks import _read_notebook

    return [Slot(q.qid, q.var, q.type) for q in _read_notebook(path, assignment).questions]


def _existing_gradebook(course_dir: Path):
    """The course's gradebook if it exists (an SQLite file is never created just to look)."""
    from .coursedir import NoGradebook, course_gradebook

    try:
        return course_gradebook(course_dir, must_exist=True)
    except NoGradebook:
        return None


def submitters(course_dir: str | Path, assignment: str) -> set[str]:
    """Students with work for ``assignment``: in the gradebook, or collected in ``submitted/``."""

    course_dir = Path(course_dir).resolve()
    found = set()
    submitted = course_dir / "submitted"
    if submitted.is_dir():
        found |= {s.name for s in submitted.iterdir() if (s / assignment).is_dir()}
    if not (course_dir / "nbgrader_config.py").is_file():
        return found
    with quiet_nbgrader_warnings():
        gb = _existing_gradebook(course_dir)
        if gb is None:
            return found
        with gb:
            try:
                found |= {s.student.id for s in gb.find_assignment(assignment).submissions}
            except Exception:  # noqa: BLE001 - MissingEntry: never released
                pass
    return found


class BuildRefused(RuntimeError):
    """``build`` would change the questions of an assignment that students already handed in (Chinese text)."""


def guard_build(course_dir: Path, planned: dict[str, tuple[Path, list[Slot]]]) -> None:
    """Raise :class:`BuildRefused` when the new notebooks change the questions of an assignment with submissions.

    ``planned`` maps each assignment to (its source notebook path, the questions it will hold).
    """
    refusals = []
    for assignment, (path, after) in sorted(planned.items()):
        if not path.exists():
            continue
        change = compare(assignment, notebook_slots(path, assignment), after)
        if not change:
            continue
        who = submitters(course_dir, assignment)
        if who:
            refusals.append((change, len(who)))
    if not refusals:
        return
    lines = ["没有写入任何文件 nothing written: 这些作业已经有学生提交，不能增加、删除或调换题目。"]
    for change, n in refusals:
        lines.append(f"  - {change.assignment}（{n} 名学生已提交）：{change.describe()}")
    lines += [
        "这样改会让已交作业的答案对不上题号（第N题按顺序编号，插入一题后面的题号全变），"
        "成绩库里被删除或改号的题的分数（包括人工评分）也会丢失。",
        "改题目措辞、选项文字、解析是可以的；要在学期中加题，请把新题放进一个新作业"
        "（题库里新建一个 YAML 文件，用新的 assignment 名，如 ch1_telephone_extra），再 build、"
        "nbgrader generate_assignment 新作业。详见 README「学期中加题」。",
    ]
    raise BuildRefused("\n".join(lines))


def gradebook_disagreements(gb, source: Path, assignments: list[str]) -> list[str]:
    """Assignments whose ``source/`` notebooks and gradebook disagree about the graded cells (Chinese lines)."""
    warnings_ = []
    for name in assignments:
        try:
            notebooks = gb.find_assignment(name).notebooks
        except Exception:  # noqa: BLE001 - not released
            continue
        for nb in notebooks:
            path = source / name / f"{nb.name}.ipynb"
            if not path.exists():
                warnings_.append(say(f"成绩库里有这份 notebook，source/ 里却没有 {path.name}",
                                     f"the gradebook has this notebook, source/ has no {path.name}")
                                 + f"：{name}/{nb.name}")
                continue
            in_source = {q.grade_cell for q in _questions(path, name)}
            in_gradebook = {c.name for c in nb.grade_cells}
            extra, lost = sorted(in_source - in_gradebook), sorted(in_gradebook - in_source)
            if extra or lost:
                warnings_.append(_disagreement(f"{name}/{nb.name}", extra, lost))
    return warnings_


def _disagreement(where: str, extra: list[str], lost: list[str]) -> str:
    """The grade summary's warning for a notebook whose graded cells differ between source/ and the gradebook."""
    detail = "；".join(filter(None, [f"source/ 有而成绩库没有 {'、'.join(extra)}" if extra else "",
                                     f"成绩库有而 source/ 没有 {'、'.join(lost)}" if lost else ""]))
    return say("source/ 和成绩库的题目不一致，成绩按成绩库里的题目记：发布后改过题库并重新 build 了吗？"
               "请用 git checkout 或备份把 source/ 改回发布时的样子，新题放进新作业",
               "source/ and the gradebook disagree on the graded cells; scores follow the gradebook: "
               "restore source/ as released (git checkout or a backup) and put new questions in a new assignment"
               ) + f"：{where}，{detail}"


def _questions(path: Path, assignment: str):
    from .sourcenotebooks import _read_notebook

    return _read_notebook(path, assignment).questions


try:  # the guard is an exporter so that it runs before nbgrader deletes release/<a> (see its docstring)
    from nbconvert.exporters import NotebookExporter
except ImportError:  # pragma: no cover - nbconvert comes with nbgrader
    NotebookExporter = object


class GuardedGenerateExporter(NotebookExporter):
    """``GenerateAssignment.exporter_class`` that refuses a question change nbgrader would half-apply.

    nbgrader 0.9.6 deletes ``release/<a>`` (``--force``, or when ``source/``
    is newer) before its ``SaveCells`` finds that cells were added or removed
    in an assignment with submissions and fails: the released copy is gone.
    The converter builds its exporter before it touches any folder, so the
    check runs here, with the converter's own course directory, and stops it
    with one clear message instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        converter = self.parent
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or type(converter).__name__ != "GenerateAssignment":
            return
        problems = _generate_problems(Path(coursedir.root), coursedir.db_url, coursedir.course_id,
                                      sorted(getattr(converter, "assignments", {}) or {}), coursedir)
        if problems:
            from nbgrader.converters.base import NbGraderException

            message = ("已有学生提交的作业不能增加或删除题目，什么都没有改动（release/ 原样保留）：\n"
                       + "\n".join(f"  - {p}" for p in problems)
                       + "\n请把 source/ 改回发布时的样子；新题放进新作业（见 README「学期中加题」）。")
            converter.log.error(message)
            raise NbGraderException(message)


def _generate_problems(root: Path, db_url: str, course_id: str, assignment_paths: list[str], coursedir) -> list[str]:
    import re

    from nbgrader.api import MissingEntry

    from .coursedir import open_gradebook, sqlite_file

    db = sqlite_file(db_url)
    if db is not None and not db.exists():
        return []
    names = {Path(p).name for p in assignment_paths}
    if not names:
        names = {coursedir.assignment_id} if coursedir.assignment_id and "*" not in coursedir.assignment_id else set()
    problems = []
    with quiet_nbgrader_warnings():
        with open_gradebook(db_url, course_id) as gb:
            for name in sorted(n for n in names if re.fullmatch(r"[^*?\[\]]+", n)):
                try:
                    assignment = gb.find_assignment(name)
                except MissingEntry:
                    continue
                for nb in assignment.notebooks:
                    if not nb.submissions:
                        continue
                    path = Path(coursedir.format_path(coursedir.source_directory, ".", name)) / f"{nb.name}.ipynb"
                    if not path.exists():
                        continue
                    now = {q.grade_cell for q in _questions(path, name)}
                    before = {c.name for c in nb.grade_cells}
                    if now != before:
                        extra, lost = sorted(now - before), sorted(before - now)
                        problems.append(f"{name}/{nb.name}（{len(nb.submissions)} 份提交）："
                                        + "；".join(filter(None, [
                                            f"新增 {'、'.join(extra)}" if extra else "",
                                            f"删除 {'、'.join(lost)}" if lost else ""])))
    return problems
