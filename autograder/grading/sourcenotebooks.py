"""What a course directory holds, read from its nbgrader source notebooks.

Any nbgrader course built from the bank is self-describing: each test cell's
hidden spec names its question, type, points, options and key, and each
notebook's metadata names its chapter.  Grading, export and the simulated
class read the course from here, so they work on a copied course folder
without the bank.  Each graded cell becomes a :class:`~.question.Question`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .core import spec_from_source
from .question import Question

__all__ = ["Question", "SourceNotebook", "load_course"]


@dataclass(frozen=True, slots=True)
class SourceNotebook:
    """One notebook of ``source/<assignment>/`` and the questions it holds, in order."""

    assignment: str
    notebook: str
    chapter: int
    chapter_title: str
    path: Path
    questions: tuple[Question, ...]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


_CHAPTER = re.compile(r"^ch(\d+)")


def _read_notebook(path: Path, assignment: str) -> SourceNotebook:
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("autograder", {})
    m = _CHAPTER.match(assignment)
    chapter = int(meta.get("chapter", m.group(1) if m else 0))
    title = meta.get("chapter_title", assignment)
    questions = []
    for cell in nb.get("cells", []):
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        if not nbg.get("grade"):
            continue
        gid = nbg.get("grade_id", "")
        if cell.get("cell_type") == "code" and not nbg.get("solution"):
            spec = spec_from_source(_source(cell))
            if spec is None:
                continue
            questions.append(Question(
                qid=spec["qid"], type=spec["type"], var=spec["var"], points=float(nbg.get("points", spec["points"])),
                assignment=assignment, notebook=path.stem, chapter=chapter, chapter_title=title,
                grade_cell=gid, answer_cell=f"{spec['qid']}_answer", spec=spec))
        elif cell.get("cell_type") == "markdown" and nbg.get("solution"):
            qid = gid[: -len("_answer")] if gid.endswith("_answer") else gid
            number = len(questions) + 1
            questions.append(Question(
                qid=qid, type="short", var=f"第{number}题", points=float(nbg.get("points", 0)),
                assignment=assignment, notebook=path.stem, chapter=chapter, chapter_title=title,
                grade_cell=gid, answer_cell=gid, spec={"qid": qid, "type": "short"}))
    return SourceNotebook(assignment, path.stem, chapter, title, path, tuple(questions))


def load_course(course_dir: str | Path, assignments: list[str] | None = None) -> list[SourceNotebook]:
    """Every notebook of ``source/<assignment>/`` in the course, in chapter order."""
    source = Path(course_dir) / "source"
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no source/ folder: is {course_dir} an nbgrader course directory?")
    found = []
    for adir in sorted(p for p in source.iterdir() if p.is_dir()):
        if assignments and adir.name not in assignments:
            continue
        for path in sorted(adir.glob("*.ipynb")):
            found.append(_read_notebook(path, adir.name))
    return sorted(found, key=lambda n: (n.chapter, n.assignment, n.notebook))
