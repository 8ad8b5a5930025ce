"""pyproject.toml declares every third-party module the code imports directly.

Modules that arrive through nbgrader or JupyterLab still count: the kit uses
them itself, so it must not depend on another package keeping them.  The
package may import only its runtime dependencies; tests and bench scripts may
also import the test extra.  The import-to-distribution map comes from the
installed environment (``importlib.metadata.packages_distributions``).
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# runtime dependencies the code reaches without an `import` statement, and why
USED_WITHOUT_IMPORT = {
    "nbgrader": "imported, and also run as the `nbgrader` command",
    "jupyterlab": "the server students and instructors work in",
    "jupyterlab-language-pack-zh-cn": "JupyterLab's Chinese interface",
    "pylopdf-fonts-zh-cn": "the Chinese font, found by autograder.fonts with importlib",
}


def _declared(*extras: str) -> set[str]:
    reqs = PROJECT["dependencies"] + [r for e in extras for r in PROJECT["optional-dependencies"][e]]
    return {canonicalize_name(Requirement(r).name) for r in reqs}


@functools.cache
def _providers() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def third_party_imports(folder: Path) -> dict[str, set[str]]:
    """{top-level module: files importing it} for absolute imports outside the stdlib and the folder's own modules."""
    local = {p.stem for p in folder.rglob("*.py")} | {p.name for p in folder.rglob("*") if p.is_dir()}
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names}:
                if top not in sys.stdlib_module_names and top not in local | {"autograder", "__future__"}:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(imports: dict[str, set[str]], declared: set[str]) -> list[str]:
    """One line per imported module that no declared distribution provides."""
    providers = _providers()
    problems = []
    for module, files in sorted(imports.items()):
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists:
            problems.append(f"{module}: imported by {sorted(files)[0]} but not installed")
        elif not dists & declared:
            problems.append(f"{module} (from {', '.join(sorted(dists))}): imported by {sorted(files)[0]}, not declared")
    return problems


def test_the_package_imports_only_its_runtime_dependencies():
    """Runtime dependencies, plus the `authoring` extra: jupytext, imported only by `build` for course/src/*.md."""
    assert undeclared(third_party_imports(ROOT / "autograder"), _declared("authoring")) == []


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_tests_and_bench_import_only_runtime_and_test_dependencies(folder):
    assert undeclared(third_party_imports(ROOT / folder), _declared("test")) == []


def test_every_runtime_dependency_is_imported_or_has_a_stated_use():
    imported = third_party_imports(ROOT / "autograder")
    providers = _providers()
    used = {canonicalize_name(d) for m in imported for d in providers.get(m, [])}
    unused = _declared() - used - {canonicalize_name(n) for n in USED_WITHOUT_IMPORT}
    assert not unused, f"declared but never imported by the package: {sorted(unused)}"


def test_an_undeclared_import_is_reported():
    assert undeclared({"yaml": {"x.py"}}, set()) == ["yaml (from pyyaml): imported by x.py, not declared"]
    assert undeclared({"no_such_module_here": {"x.py"}}, set()) == [
        "no_such_module_here: imported by x.py but not installed"]


def test_one_version_source():
    import autograder

    assert "version" in PROJECT["dynamic"] and "version" not in PROJECT
    assert importlib.metadata.version("kefu-autograder") == autograder.__version__
