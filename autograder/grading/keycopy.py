"""Recognising a copy of the instructor's source notebook handed in as a submission.

A released notebook never carries solution, hidden-test or mark-scheme
delimiters, nor the hidden ``run_test({...})`` specs (they hold the key).  A
submission that does, or whose answer cells are the source's solutions with
the delimiter lines taken out, is the source notebook (through a symlink, a
hard link or a copy) and is refused.
"""
from __future__ import annotations

import json
from pathlib import Path

__all__ = ["Delimiters", "key_copy_problem", "source_solutions"]


class Delimiters:
    """The course's delimiters, read from its nbgrader config (nbgrader's defaults otherwise)."""

    def __init__(self, config=None):
        from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

        sol = ClearSolutions(config=config)
        tests = ClearHiddenTests(config=config)
        scheme = ClearMarkScheme(config=config)
        self.words = tuple({w for w in (sol.begin_solution_delimeter, sol.end_solution_delimeter,
                                        tests.begin_test_delimeter, tests.end_test_delimeter,
                                        scheme.begin_mark_scheme_delimeter, scheme.end_mark_scheme_delimeter)
                            if w})

    def line_is_delimiter(self, line: str) -> bool:
        body = line.strip().lstrip("#=*<!-> \t")
        return body.startswith(self.words)

    def strip(self, source: str) -> str:
        lines = [ln.rstrip() for ln in source.splitlines() if not self.line_is_delimiter(ln)]
        return "\n".join(lines).strip()


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _grade_id(cell: dict) -> str | None:
    meta = cell.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
    return gid if isinstance(gid, str) else None


def source_solutions(path: Path, delimiters: Delimiters) -> dict[str, str]:
    """grade_id -> the solution cell's source with the delimiter lines removed, from a source notebook."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for cell in nb.get("cells", []):
        src, gid = _source(cell), _grade_id(cell)
        solution = bool(((cell.get("metadata") or {}).get("nbgrader") or {}).get("solution"))
        if gid and solution and cell.get("cell_type") == "code" and any(delimiters.line_is_delimiter(ln) for ln in src.splitlines()):
            out[gid] = delimiters.strip(src)
    return out


def key_copy_problem(cells: list, delimiters: Delimiters, solutions: dict[str, str]) -> str | None:
    """Why this submission (its raw cells, before any restoring) is the source notebook, or None."""
    from .core import spec_from_source

    for cell in cells:
        if not isinstance(cell, dict):
            continue
        src = _source(cell)
        for line in src.splitlines():
            if delimiters.line_is_delimiter(line):
                return f"含有出题人的标记“{line.strip()[:40]}”"
        if "run_test" in src:
            spec = spec_from_source(src)
            if spec is not None and ({"key", "model"} & spec.keys()):
                return "含有出题人的隐藏评分代码（答案）"
    if solutions:
        answered = {_grade_id(c): delimiters.strip(_source(c)) for c in cells if isinstance(c, dict) and _grade_id(c)}
        if all(answered.get(gid) == text for gid, text in solutions.items()):
            return "每个作答格都与出题人的参考答案一字不差（含未删去的空白答案行）"
    return None
