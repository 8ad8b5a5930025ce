"""The package shows its pipeline: stage sub-packages, no import cycles, no upward imports.

The graph is read from the source with ``ast`` (top-level and function-level
imports); ``python -m autograder.devtools.imports`` prints it.
"""
from __future__ import annotations

import ast
import functools
import textwrap
from pathlib import Path

from autograder.devtools import imports
from autograder.devtools.imports import COMPAT, STAGES, Edge, cycles, edges, stage, upward


@functools.cache
def _package_graph() -> tuple[Edge, ...]:
    """The package's import graph, read once for the tests that only look at it."""
    return tuple(edges())


def test_the_import_graph_has_no_cycle():
    assert cycles(list(_package_graph())) == []


def test_no_stage_imports_a_stage_above_it():
    assert [f"{e.source} → {e.target}" for e in upward(list(_package_graph()))] == []


def test_no_module_goes_through_an_old_path():
    """Inside the package nothing imports ``autograder`` itself or a module kept at an old path
    (they would hide an upward import)."""
    assert [f"{e.source} → {e.target}" for e in _package_graph() if e.target in COMPAT and e.source not in COMPAT] == []


def test_every_module_has_a_stage_or_is_an_old_public_path():
    placed = {name: stage(name) for name in imports.modules()}
    assert set(placed.values()) - {None} <= set(STAGES)
    assert {n for n, s in placed.items() if s is None} == COMPAT
    assert stage("autograder.engine.engine") == "engine" and stage("autograder.report.xlsx") == "report"
    assert stage("autograder.preprocessors.kernelfreegrade") == "grading" and stage("autograder.cli") == "top"


def test_old_public_paths_only_re_export():
    """A module kept at an old path imports its new home and nothing else."""
    paths = imports.modules()
    for name in COMPAT - {"autograder"}:
        path = paths[name]
        targets = {e.target for e in _package_graph() if e.source == name}
        assert len(targets) == 1 and len(path.read_text(encoding="utf-8").splitlines()) < 15, (name, targets)


def _graph_of(tmp_path: Path, files: dict[str, str], monkeypatch) -> list[Edge]:
    root = tmp_path / "autograder"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.setattr(imports, "ROOT", root)
    return edges()


def test_a_lazy_cycle_and_an_upward_import_are_found(tmp_path, monkeypatch):
    graph = _graph_of(tmp_path, {
        "__init__.py": "",
        "engine/__init__.py": "",
        "engine/check.py": "def f():\n    from ..report import table\n",  # lazy, and upward
        "report/__init__.py": "",
        "report/table.py": "from ..engine.check import f\n",
    }, monkeypatch)
    assert Edge("autograder.engine.check", "autograder.report.table", lazy=True) in graph
    assert cycles(graph) == [["autograder.engine.check", "autograder.report.table"]]
    assert [(e.source, e.target) for e in upward(graph)] == [("autograder.engine.check", "autograder.report.table")]


def test_a_module_importing_its_own_package_back_is_a_cycle(tmp_path, monkeypatch):
    graph = _graph_of(tmp_path, {
        "__init__.py": "",
        "widgets/__init__.py": "from .book import load\n",
        "widgets/book.py": "from . import practice\n",
        "widgets/practice.py": "import autograder.widgets\n",
    }, monkeypatch)
    assert cycles(graph) == [["autograder.widgets", "autograder.widgets.book", "autograder.widgets.practice"]]


def test_the_reader_sees_every_import_form():
    tree = ast.parse("import autograder.engine.text as t\nfrom .. import check\nclass A:\n    def m(self):\n"
                     "        from ..grading import core\n")
    found = [(type(n).__name__, lazy) for n, lazy in imports._imports(tree)]
    assert found == [("Import", False), ("ImportFrom", False), ("ImportFrom", True)]
