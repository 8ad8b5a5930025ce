"""A course folder is self-contained: build inside it (or with --course) reads DIR/bank and writes DIR/source; new-course."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import off_policy_lines

from autograder.classroom.coursesetup import CourseSetupError, build_paths, create_course

pytestmark = [pytest.mark.cli, pytest.mark.nbgrader]

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"


def _kit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def _first_stem(bank: Path) -> tuple[Path, str]:
    import yaml

    path = sorted(bank.glob("ch1_*.yaml"))[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return path, data["questions"][0]["stem"]


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """`cp -r exercises "~/客服 2026"`, as the README used to say, in a path with a space and Chinese."""
    course = tmp_path / "客服 2026"
    shutil.copytree(EXERCISES, course, ignore=shutil.ignore_patterns("release", "submitted", "autograded",
                                                                      "feedback", "gradebook.db"))
    return course


def test_build_inside_a_copied_course_writes_its_own_source(copied: Path):
    bank_file, stem = _first_stem(copied / "bank")
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace(stem, stem + "（本班改写）", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in (EXERCISES / "source").rglob("*.ipynb")}

    out = _kit("build", cwd=copied)
    assert out.returncode == 0, out.stderr
    written = list((copied / "source").rglob("*.ipynb"))
    assert any("（本班改写）" in p.read_text(encoding="utf-8") for p in written)
    assert not (copied / "exercises").exists()  # nothing in a project path the course never uses
    assert {p: p.read_bytes() for p in (EXERCISES / "source").rglob("*.ipynb")} == before
    assert _kit("build", "--check", cwd=copied).returncode == 0


def test_bank_option_inside_a_course_writes_beside_the_bank(copied: Path):
    out = _kit("build", "--bank", "bank", cwd=copied)
    assert out.returncode == 0, out.stderr
    assert not (copied / "exercises").exists()
    assert "source" in out.stdout and str(Path("bank").parent / "source") in out.stdout


def test_build_with_course_option_from_anywhere(copied: Path, tmp_path: Path):
    shutil.rmtree(copied / "source")
    out = _kit("build", "--course", str(copied), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert len(list((copied / "source").rglob("*.ipynb"))) == len(list((EXERCISES / "source").rglob("*.ipynb")))


def test_project_root_keeps_reading_exercises():
    paths = build_paths(cwd=ROOT)
    assert paths.bank == Path("exercises/bank") and paths.source == Path("exercises/source")
    assert _kit("build", "--check", cwd=ROOT).returncode == 0


def test_new_course_is_complete_and_says_what_to_do_next(tmp_path: Path):
    target = tmp_path / "课程 A"
    exchange = tmp_path / "exchange"
    out = _kit("new-course", str(target), "--course-id", "kefu2026a", "--exchange", str(exchange), cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert (target / "bank").is_dir() and (target / "成绩分析.ipynb").is_file()
    assert sorted(p.name for p in (target / "source").iterdir()) == sorted(p.name for p in (EXERCISES / "source").iterdir())
    config = (target / "nbgrader_config.py").read_text(encoding="utf-8")
    assert 'c.CourseDirectory.course_id = "kefu2026a"' in config and repr(str(exchange)) in config
    assert "python -m autograder build" in out.stdout and "generate_assignment" in out.stdout
    assert _kit("build", "--check", cwd=target).returncode == 0

    from autograder.grading.coursedir import load_config

    cfg = load_config(target.resolve())
    assert cfg.CourseDirectory.course_id == "kefu2026a" and cfg.Exchange.root == str(exchange)


@pytest.mark.slow
def test_new_course_releases_through_its_own_exchange(tmp_path: Path):
    """Two classes on one machine: each course id gets its own folder in the exchange."""
    exchange = tmp_path / "exchange"
    nbgrader = str(Path(sys.executable).with_name("nbgrader"))
    for course_id in ("kefu2026a", "kefu2026b"):
        target = create_course(tmp_path / course_id, course_id, EXERCISES, exchange)
        for step in ("generate_assignment", "release_assignment"):
            out = subprocess.run([nbgrader, step, "ch4_price"], cwd=target, capture_output=True, text=True, timeout=300)
            assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in exchange.iterdir()) == ["kefu2026a", "kefu2026b"]
    assert (exchange / "kefu2026b" / "outbound" / "ch4_price" / "ch4_price.ipynb").is_file()


def test_new_course_refuses_a_bad_id_and_a_used_folder(tmp_path: Path):
    with pytest.raises(CourseSetupError, match="课程号"):
        create_course(tmp_path / "x", "kefu+2026", EXERCISES, tmp_path / "ex")
    assert not (tmp_path / "x").exists()
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine", encoding="utf-8")
    out = _kit("new-course", str(used), "--course-id", "k1", "--exchange", str(tmp_path / "ex"), cwd=ROOT)
    assert out.returncode == 2 and "不是空的" in out.stderr
    assert out.stderr.startswith("出错（error）：文件夹已存在且不是空的") and off_policy_lines(out.stderr) == [], out.stderr
    assert [p.name for p in used.iterdir()] == ["notes.txt"]


def test_new_course_outside_the_project_says_where_to_run(tmp_path: Path):
    out = _kit("new-course", str(tmp_path / "c"), "--course-id", "k1", "--exchange", str(tmp_path / "ex"), cwd=tmp_path)
    assert out.returncode == 2 and "项目根目录" in out.stderr
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())
