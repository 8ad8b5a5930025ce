"""Setting up and releasing an nbgrader course in-process (used by the demo and tests).

``new_course`` copies the kit's course (``exercises/``: config, source
notebooks and the instructor's analysis notebook) to a fresh directory; ``release`` runs nbgrader's own
``generate_assignment`` for each assignment, which records the assignment in
the gradebook and writes ``release/`` without solutions, hidden tests or
rubrics.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from ..grading.coursedir import ensure_scripts_on_path, quiet_nbgrader_warnings
from ..messages import say

__all__ = ["new_course", "release", "ReleaseError", "EXERCISES"]

EXERCISES = Path("exercises")


class ReleaseError(RuntimeError):
    """nbgrader could not release an assignment."""


def new_course(target: str | Path, exercises: str | Path = EXERCISES) -> Path:
    """A fresh course directory at ``target`` holding the kit's config and source notebooks."""
    target, exercises = Path(target), Path(exercises)
    if not (exercises / "nbgrader_config.py").exists() or not (exercises / "source").is_dir():
        raise FileNotFoundError(say("不是套件的课程文件夹，需要 nbgrader_config.py 和 source/：请在项目根目录运行",
                                    "not the kit's course folder, it needs nbgrader_config.py and source/: "
                                    "run from the project root") + f"：{exercises}")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(exercises / "nbgrader_config.py", target / "nbgrader_config.py")
    if (target / "source").exists():
        shutil.rmtree(target / "source")
    shutil.copytree(exercises / "source", target / "source")
    for notebook in exercises.glob("*.ipynb"):  # the instructor's notebooks (成绩分析.ipynb)
        shutil.copy(notebook, target / notebook.name)
    return target


def release(course_dir: str | Path, assignments: list[str] | None = None) -> list[str]:
    """``nbgrader generate_assignment`` for each assignment in ``source/`` (all by default)."""
    ensure_scripts_on_path()
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from ..grading.coursedir import load_config

    course_dir = Path(course_dir).resolve()
    config = load_config(course_dir)
    names = assignments or sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir())
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    for name in names:
        with quiet_nbgrader_warnings():
            result = api.generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            raise ReleaseError(say(f"生成作业 {name} 失败", f"nbgrader generate_assignment {name} failed")
                               + f"：\n{result.get('error') or result.get('log')}")
    return names
