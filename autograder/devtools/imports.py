"""The package's internal import graph, read with ``ast`` (nothing is imported).

``python -m autograder.devtools.imports`` prints each module's stage, length
and internal imports (``[lazy]``: imported inside a function), then any
cycle and any import from a stage to a stage above it.
``tests/test_package_layout.py`` fails on either, using the same graph.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "autograder"
ROOT = Path(__file__).resolve().parent.parent

# Stages from the bottom up: a module imports only its own stage and those below.
STAGES = ("base", "engine", "grading", "teaching", "questionbank", "classroom", "report", "top")
# Sub-packages and modules outside the stage folders, and their stage.
PLACED = {
    "autograder.terminal": "base",             # console output helpers, imports nothing
    "autograder.questiontypes": "base",        # the question types and their Chinese names
    "autograder.messages": "base",             # the language policy's message helper
    "autograder.preprocessors": "grading",     # nbgrader's import path for the grading pipeline
    "autograder.widgets": "teaching",          # the practice widgets' public path
    "autograder.hub": "classroom",             # a class on JupyterHub
}
# Modules kept at old paths so that released notebooks and copied course
# configs still import: they re-export and belong to no stage.
COMPAT = {
    "autograder", "autograder.autotest", "autograder.selfcheck", "autograder.charts", "autograder.fonts",
    "autograder.printables", "autograder.tables", "autograder.feedbackexporter", "autograder.structure",
    "autograder.releasefeedback",
}


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    lazy: bool  # imported inside a function


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> list[str]:
    """The internal modules one import statement loads (``from .x import y``
    counts ``x.y`` when y is itself a module)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = _resolve(module, is_package, node)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    out = []
    for name in names:
        while name and name not in known:  # `import autograder.x.y` → the deepest known module
            name = name.rpartition(".")[0]
        if name.split(".")[0] == PACKAGE and name != module and name not in out:
            out.append(name)
    return out


def _imports(tree: ast.AST, lazy: bool = False):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, lazy
        else:
            yield from _imports(node, lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def edges() -> list[Edge]:
    found = modules()
    known = set(found)
    out: set[Edge] = set()
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, lazy in _imports(tree):
            out |= {Edge(name, t, lazy) for t in _targets(name, path.name == "__init__.py", node, known)}
    eager = {(e.source, e.target) for e in out if not e.lazy}
    return sorted(e for e in out if not (e.lazy and (e.source, e.target) in eager))


def stage(module: str) -> str | None:
    """The stage a module belongs to (None for the re-export modules)."""
    if module in COMPAT:
        return None
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in PLACED:
            return PLACED[".".join(parts[:n])]
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "top"  # cli, __main__, demo, devtools


def cycles(graph: list[Edge]) -> list[list[str]]:
    """Groups of modules that import each other, directly or not (Tarjan's
    strongly connected components), lazy imports included."""
    succ: dict[str, list[str]] = {}
    for e in graph:
        succ.setdefault(e.source, []).append(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in succ.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out


def upward(graph: list[Edge]) -> list[Edge]:
    """Imports from a module to a module of a higher stage."""
    out = []
    for e in graph:
        a, b = stage(e.source), stage(e.target)
        if a and b and STAGES.index(b) > STAGES.index(a):
            out.append(e)
    return out


def main() -> int:
    graph = edges()
    lines = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    by_source: dict[str, list[str]] = {}
    for e in graph:
        by_source.setdefault(e.source, []).append(e.target.removeprefix(PACKAGE + ".") + (" [lazy]" if e.lazy else ""))
    order = {s: i for i, s in enumerate(STAGES)}
    for name in sorted(lines, key=lambda n: (order.get(stage(n), len(STAGES)), n)):
        print(f"{stage(name) or 'compat':9} {name:44} {lines[name]:5}  {', '.join(by_source.get(name, []))}")
    found, up = cycles(graph), upward(graph)
    longest = max(lines, key=lines.get)
    print(f"\nmodules: {len(lines)}  longest: {longest} ({lines[longest]} lines)")
    print(f"cycles: {len(found)}" + "".join(f"\n  {' ⇄ '.join(c)}" for c in found))
    print(f"upward imports: {len(up)}" + "".join(f"\n  {e.source} → {e.target}" for e in up))
    return 1 if found or up else 0


if __name__ == "__main__":
    sys.exit(main())
