"""The answers in a course's ``autograded/`` notebooks, read back for the export's statistics.

Each answer is read by the grading ladder (:mod:`autograder.grading.reading`),
as grading read it, never executed; with it comes what grading recorded in
the question's test cell (:mod:`autograder.grading.decisions`), so the
analysis reports grading's findings instead of re-checking the text.
"""
from __future__ import annotations

import json
from pathlib import Path

from .table import MISSING, Answer, ScoreCell, ScoreColumn, ScoreTable

__all__ = ["read_answers"]


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


_ANSWER_STATE = {"answered": "answered", "empty": "empty", "unreadable": "unreadable", "missing": "unreadable"}


def _read_notebook_answers(path: Path, questions: list[ScoreColumn]) -> dict[str, Answer]:
    """Each question's answer in one autograded notebook, read by the grading ladder (never executed)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    except (OSError, ValueError, AttributeError):
        return {}
    sources = [_cell_source(c) for c in cells]
    ids = [((c.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") for c in cells]
    out = {}
    for q in questions:
        answer = _read_one(q, sources, ids, cells)
        if answer is not None:
            out[q.key] = answer
    return out


def _read_one(q: ScoreColumn, sources: list[str], ids: list, cells: list[dict] = ()) -> Answer | None:
    """One question's answer among a notebook's code cells (``ids``: their grade ids), and what grading
    recorded in its test cell; None for a question with nothing to read (short answers, tasks)."""
    from ..grading.decisions import stored
    from ..grading.reading import read_question, read_value

    if not q.var or q.type not in ("single", "multiple", "rewrite", "call") or (q.type == "call" and not q.turns):
        return None
    at = ids.index(q.grade_cell) if q.grade_cell in ids else len(sources)
    if q.type in ("single", "multiple") and not q.options:  # no spec: only an unreadable answer is known
        reading = read_value(q.var, sources[:at], sources[at + 1:])
        return None if reading.usable else Answer("unreadable")
    reading = read_question(q.type, q.var, sources[:at], sources[at + 1:], q.options, q.call)
    return _answer(q, reading, stored(cells[at]) if at < len(cells) else None)


def _answer(q: ScoreColumn, reading, decision) -> Answer:
    """The export's view of a reading: a call's unreadable turns count as empty lines (grading scores them 0)."""
    state = _ANSWER_STATE[reading.status]
    if q.type != "call":
        return Answer(state, reading.value, decision=decision) if state == "answered" else Answer(state)
    lines = tuple(t.text for t in reading.value)
    if state == "answered":
        return Answer(state, "\n".join(lines), lines, decision)
    return Answer(state, lines=lines) if state == "empty" else Answer(state)


def read_answers(course_dir: str | Path, table: ScoreTable) -> dict[str, dict[str, Answer]]:
    """question key -> student -> the answer in ``autograded/`` (choices, rewrites and calls)."""
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config

    course_dir = Path(course_dir).resolve()
    coursedir = CourseDirectory(config=load_config(course_dir))
    out: dict[str, dict[str, Answer]] = {q.key: {} for q in table.questions}
    for s in table.students:
        for ch in table.chapters:
            res = s.chapters[ch.assignment]
            if res.status == MISSING and not any(m.state != "missing" for m in res.marks.values()):
                continue
            by_notebook: dict[str, list[ScoreColumn]] = {}
            for q in ch.questions:
                if res.marks.get(q.key, ScoreCell(None, "missing")).state != "missing":
                    by_notebook.setdefault(q.notebook, []).append(q)
            base = Path(coursedir.format_path(coursedir.autograded_directory, s.id, ch.assignment))
            for nbname, qs in by_notebook.items():
                path = base / f"{nbname}.ipynb"
                if path.is_file():
                    for key, answer in _read_notebook_answers(path, qs).items():
                        out[key][s.id] = answer
    return out
