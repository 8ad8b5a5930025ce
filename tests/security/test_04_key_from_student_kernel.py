"""Item 4: the answer key read from a student's kernel through the installed package.

Students' kernels import ``autograder`` (self-check, widgets).  Installed the
student-facing way (a wheel, non-editable: ``make class-env``,
``environment.yml``), nothing reachable from the package leads to the bank:
not its files, not the parents of ``autograder.__file__``, not its
dist-info.  The test builds the wheel from a copy of the project, installs it
with ``--no-deps`` into a fresh venv that borrows the developer venv's
dependencies, and runs the red team's probe in a subprocess from a neutral
directory.  The developer install (``make install``, editable) is shown to be
exactly the leak, so it must stay on the instructor's side.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pages_support import ROOT, kit

pytestmark = [pytest.mark.slow, pytest.mark.cli, pytest.mark.kernel]

PROBE = r"""
import json, os, sys
from pathlib import Path
import autograder
from autograder import check            # what every graded kernel imports
import autograder.selfcheck, autograder.widgets
pkg = Path(autograder.__file__).resolve().parent
found = []
for parent in [pkg, *pkg.parents]:       # the red team's walk: parents[1] / "exercises/bank", and every other level
    for rel in ("exercises/bank", "bank", "exercises/source", "source"):
        cand = parent / rel
        try:
            if cand.is_dir() and any(cand.iterdir()):
                found.append(str(cand))
        except OSError:
            pass
files = [str(p) for p in pkg.rglob("*") if p.is_file()]
dist = []
import importlib.metadata as md
d = md.distribution("kefu-autograder")
for f in d.files or []:
    dist.append(str(f))
direct = d.read_text("direct_url.json") or ""
print(json.dumps({"package": str(pkg), "found": found, "files": files, "dist": dist, "direct_url": direct,
                  "sys_path": sys.path}))
"""


def _secrets() -> list[str]:
    """Texts only the bank holds: model answers, explanations, rubric items."""
    from autograder.questionbank.load import load_bank

    out = []
    for ch in load_bank(ROOT / "exercises" / "bank"):
        for q in ch.questions:
            out += [q.explanation, getattr(q, "model_answer", "") or ""]
            out += list(getattr(q, "rubric", ()) or ())
    return [s for s in out if len(s) >= 8]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "autograder", src / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = base / "wheels"
    run = lambda *cmd, **kw: subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # noqa: E731
    done = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
               str(src))
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.rmtree(src)  # as `make class-env` does: the wheel's origin is gone
    venv = base / "venv"
    done = run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # the dependencies, borrowed from the developer venv (a plain path: its editable finder is not run)
    (site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
               *map(str, wheels.glob("*.whl")))
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.rmtree(wheels)
    neutral = base / "student_home"
    neutral.mkdir()
    done = run(str(python), "-c", PROBE, cwd=neutral, env={"PATH": "/usr/bin:/bin", "HOME": str(neutral)})
    assert done.returncode == 0, done.stderr[-3000:]
    return {"venv": venv, **json.loads(done.stdout)}


def test_the_kernel_imports_the_installed_copy_not_the_checkout(installed):
    assert Path(installed["package"]).is_relative_to(installed["venv"])
    # nothing of the checkout on the path except the borrowed dependencies (a test shortcut, see `installed`)
    borrowed = sysconfig.get_paths()["purelib"]
    assert [p for p in installed["sys_path"] if p.startswith(str(ROOT))] == [borrowed]


def test_no_bank_is_reachable_from_the_installed_package(installed):
    assert installed["found"] == []
    names = "\n".join(installed["files"] + installed["dist"])
    assert not re.search(r"(exercises|/bank/|/source/|\.ipynb)", names), names
    assert str(ROOT) not in installed["direct_url"]
    secrets = _secrets()
    assert len(secrets) > 50
    for path in installed["files"]:
        text = Path(path).read_bytes().decode("utf-8", "ignore")
        for secret in secrets:
            assert secret not in text, (path, secret[:30])


def test_the_student_facing_installs_are_not_editable():
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pip_lines = [line.strip() for line in env.splitlines() if line.strip().startswith("- ") and "." in line]
    assert "- ." in pip_lines and not any(re.search(r"(^|\s)-e\s|--editable", line) for line in pip_lines)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nclass-env:", 1)[1].split("\n\n", 1)[0]
    assert "pip wheel" in target and " -e " not in target and "--editable" not in target


def test_the_developer_install_is_the_leak_and_stays_with_the_instructor():
    """The red team's probe against the editable .venv: it reaches the bank.  This is why it is instructor-only."""
    import autograder

    root = Path(autograder.__file__).resolve().parents[1]
    if not (root / "pyproject.toml").exists():
        pytest.skip("the test suite runs against a non-editable install")
    assert (root / "exercises" / "bank").is_dir()


def test_bank_is_never_looked_for_inside_the_package(tmp_path):
    import autograder
    from autograder.questionbank.load import find_bank
    from autograder.engine.schema import SchemaError

    with pytest.raises(SchemaError, match="must not live inside the installed package"):
        find_bank(Path(autograder.__file__).parent / "engine" / "rules")
    # every use of __file__ in the package stays inside the package (rules, fonts)
    for path in Path(autograder.__file__).parent.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "__file__" in line and "bank.py" not in str(path):
                assert "parents" not in line and "exercises" not in line, (path, line)


def test_bank_command_still_works_from_the_project_root():
    done = subprocess.run([sys.executable, "-m", "autograder", "bank", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == sum(len(ch.questions) for ch in kit_bank())


def kit_bank():
    from autograder.questionbank.load import load_bank

    return load_bank(kit.EXERCISES / "bank")
