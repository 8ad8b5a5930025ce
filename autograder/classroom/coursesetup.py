"""A self-contained course folder: where ``build`` reads and writes, and ``new-course``.

A course folder holds everything an instructor edits and nbgrader reads::

    nbgrader_config.py   course id, exchange root, the kit's grading pipeline
    bank/                the question bank (keys, explanations, rubrics)
    source/              notebooks generated from bank/ by ``build``
    成绩分析.ipynb        the instructor's analysis notebook

``build`` run inside such a folder, or with ``--course DIR``, reads
``DIR/bank`` and writes ``DIR/source``; run from the project root it keeps
reading ``exercises/bank`` into ``exercises/source``.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..messages import say

__all__ = ["BuildPaths", "build_paths", "is_course", "create_course", "CourseSetupError", "COURSE_ID"]

# nbgrader's exchange names folders <student>+<assignment>+<time> under <course id>
COURSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
PROJECT_BANK = Path("exercises") / "bank"
PROJECT_PRACTICE = Path("course") / "practice"


class CourseSetupError(ValueError):
    """The course folder cannot be created as asked (the message says why, in Chinese and English)."""


@dataclass(frozen=True)
class BuildPaths:
    bank: Path
    source: Path
    practice: Path | None  # practice sets that graded items must not copy (None: no check)


def is_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").is_file() and (folder / "bank").is_dir()


def build_paths(course: str | Path | None = None, bank: str | Path | None = None,
                source: str | Path | None = None, practice: str | Path | None = None,
                cwd: str | Path | None = None) -> BuildPaths:
    """Where ``build`` reads the bank and writes the notebooks.

    An explicit ``--bank`` without ``--source`` writes beside the bank
    (``<bank>/../source``), never into a project path the course does not use.
    """
    here = Path(cwd) if cwd else Path.cwd()
    if course is None and bank is None and is_course(here):
        course = here
    if course is not None:
        course = Path(course)
        base_bank, base_source = course / "bank", course / "source"
    else:
        base_bank = Path(bank) if bank else PROJECT_BANK
        base_source = base_bank.parent / "source" if bank else Path("exercises") / "source"
    chosen_practice = Path(practice) if practice else (PROJECT_PRACTICE if (here / PROJECT_PRACTICE).is_dir() else None)
    return BuildPaths(Path(bank) if bank else base_bank, Path(source) if source else base_source, chosen_practice)


def default_exchange(empty_folder: Path) -> Path:
    """The exchange root a new course gets when none is given.

    The Jupyter config chain wins (a class set up by ``hub up`` puts it in the
    shared environment's config).  Otherwise root gets ``/srv/nbgrader/exchange``
    and anyone else a folder in their own home: nbgrader's built-in default,
    ``/usr/local/share/nbgrader/exchange``, is silently created by root and
    refused to everyone else.
    """
    from ..grading.coursedir import load_config

    try:
        configured = load_config(empty_folder).Exchange.get("root")  # the Jupyter config path only
    except Exception:  # noqa: BLE001 - a broken user config must not stop course creation
        configured = None
    if configured:
        return Path(configured)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/srv/nbgrader/exchange")
    return Path.home() / ".local" / "share" / "nbgrader" / "exchange"


def _config_text(template: str, course_id: str, exchange: Path) -> str:
    text, n = re.subn(r'^c\.CourseDirectory\.course_id = .*$', f'c.CourseDirectory.course_id = "{course_id}"',
                      template, count=1, flags=re.M)
    if n != 1:
        raise CourseSetupError(say("课程配置模板里没有 course_id 这一行", "the config template has no course_id line"))
    return text + (
        "\n# The exchange students fetch from and submit to (set by `python -m autograder new-course`).\n"
        f"# Two classes on one machine share it safely: each has its own course id.\n"
        f"c.Exchange.root = {str(exchange)!r}\n")


def create_course(target: str | Path, course_id: str, kit: str | Path = "exercises",
                  exchange: str | Path | None = None) -> Path:
    """Copy the kit's course (bank, config, analysis notebook) into ``target`` and build its source notebooks."""
    from ..questionbank.build import write_all

    target, kit = Path(target), Path(kit)
    if not COURSE_ID.fullmatch(course_id):
        raise CourseSetupError(say("课程号只能用英文字母、数字、- 和 _，且以字母或数字开头",
                                   "course id: letters, digits, - and _ only, starting with a letter or digit")
                               + f"：{course_id!r}")
    if not (kit / "nbgrader_config.py").is_file() or not (kit / "bank").is_dir():
        raise CourseSetupError(say("不是套件的课程模板，需要 nbgrader_config.py 和 bank/：请在项目根目录运行，或用 --from 指定",
                                   "not the kit's course template: run from the project root or pass --from DIR")
                               + f"：{kit}")
    if target.exists() and any(target.iterdir()):
        raise CourseSetupError(say("文件夹已存在且不是空的，不会覆盖", "the folder exists and is not empty: nothing written")
                               + f"：{target}")
    target.mkdir(parents=True, exist_ok=True)
    try:
        exchange = Path(exchange) if exchange else default_exchange(target)
        shutil.copytree(kit / "bank", target / "bank")
        for notebook in kit.glob("*.ipynb"):
            shutil.copy(notebook, target / notebook.name)
        template = (kit / "nbgrader_config.py").read_text(encoding="utf-8")
        (target / "nbgrader_config.py").write_text(_config_text(template, course_id, exchange.resolve()),
                                                   encoding="utf-8")
        write_all(target / "bank", target / "source")
    except Exception:
        shutil.rmtree(target, ignore_errors=True)  # nothing half-done
        raise
    return target
