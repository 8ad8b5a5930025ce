"""environment.yml mirrors pyproject.toml: the runtime dependencies, a non-editable install, no test tools."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _split(env: dict) -> tuple[list[str], list[str]]:
    """(conda packages, pip lines) of the environment."""
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            conda.append(dep)
    return conda, pip


def _conda_requirement(spec: str) -> Requirement:
    # conda's "name=1.2" is a fuzzy pin; the file uses PEP 440 forms only, so a conda "=" pin is an error here
    assert not re.search(r"[^=<>!~]=[^=]", spec), f"{spec}: write ==, >= or <, as pyproject.toml does"
    return Requirement(spec)


def test_every_runtime_dependency_is_listed_once_with_the_same_versions():
    runtime = {canonicalize_name(r.name): r.specifier
               for r in map(Requirement, _pyproject()["project"]["dependencies"])}
    conda, pip = _split(_environment())
    listed: dict[str, SpecifierSet] = {}
    for spec in [c for c in conda if not re.match(r"(python|pip)\b", c)] + [p for p in pip if p != "."]:
        req = _conda_requirement(spec)
        name = canonicalize_name(req.name)
        assert name not in listed, f"{name} is listed twice"
        listed[name] = req.specifier
    assert listed.keys() == runtime.keys(), {"only in environment.yml": sorted(listed.keys() - runtime.keys()),
                                            "only in pyproject.toml": sorted(runtime.keys() - listed.keys())}
    for name, spec in runtime.items():
        assert listed[name] == spec, f"{name}: environment.yml says {listed[name]}, pyproject.toml says {spec}"


def test_the_kit_is_installed_non_editable_without_test_extras():
    conda, pip = _split(_environment())
    assert "." in pip, "the last pip line installs this project"
    assert not any(p.startswith(("-e", "--editable")) or "[" in p for p in pip), pip
    test_tools = {canonicalize_name(Requirement(r).name) for r in _pyproject()["project"]["optional-dependencies"]["test"]}
    named = {canonicalize_name(_conda_requirement(s).name) for s in conda + [p for p in pip if p != "."]
             if not re.match(r"(python|pip)\b", s)}
    assert not named & test_tools, f"test tools in environment.yml: {sorted(named & test_tools)}"


def test_python_version_is_one_the_package_accepts():
    conda, _ = _split(_environment())
    python = next(c for c in conda if re.match(r"python\b", c))
    version = re.search(r"\d+(\.\d+)+", python).group(0)
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(version), python
