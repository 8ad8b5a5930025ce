"""nbgrader's exchange, the per-class Jupyter config, and the chapters.

* Exchange root ``/srv/kefu-hub/exchange`` (root, 1777: nbgrader refuses a
  root its users cannot write; the sticky bit keeps each entry its owner's).
  ``exchange/<course_id>`` is made by ``up`` before any student can log in,
  owned by the instructor, group = the class group, 0750: the class's
  students fetch and submit, other classes cannot even list it.  A folder of
  that name squatted by someone else is removed and made again.  nbgrader creates
  ``outbound``/``inbound``/``feedback`` inside on the first release.
* The exchange root is set in the venv's ``etc/jupyter`` (read by every
  nbgrader in that venv and by no other Python) and again in the class's
  config dir.  Each user's server gets ``JUPYTER_CONFIG_PATH`` = the class's
  student or instructor dir (the spawner sets it; see :mod:`.hubconfig`):
  ``course_id``, the 学号 as nbgrader's student id, and for students the
  instructor tools (formgrader, create assignment, course list) switched off
  in the server and in JupyterLab.
* JupyterLab defaults for all: 中文 (zh_CN), no news or update popups.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .layout import ClassLayout

INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list")
INSTRUCTOR_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list")
LAB_DEFAULTS = {
    "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def nbgrader_class_config(layout: ClassLayout) -> str:
    return (
        "# Written by `python -m autograder hub up`; rewritten on every up.\n"
        "import os\n"
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        f"c.CourseDirectory.course_id = {layout.course_id!r}\n"
        "# the spawner passes the student's 学号: the gradebook and exports speak 学号, not login names\n"
        "if os.environ.get('KEFU_STUDENT_ID'):\n"
        "    c.CourseDirectory.student_id = os.environ['KEFU_STUDENT_ID']\n")


def write_venv_config(layout: ClassLayout, exchange: bool = True) -> None:
    """Exchange root (unless told not to) and JupyterLab defaults, inside the venv only."""
    etc = layout.venv / "etc" / "jupyter"
    if exchange:
        _write(etc / "nbgrader_config.py",
               "# Written by `python -m autograder hub up`: the exchange every class on this server shares.\n"
               f"c = get_config()  # noqa: F821\nc.Exchange.root = {str(layout.exchange)!r}\n")
    _write(layout.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json",
           json.dumps(LAB_DEFAULTS, ensure_ascii=False, indent=2))


def write_class_config(layout: ClassLayout, instructor: str, course_dir: Path) -> None:
    import grp
    import os

    student = layout.class_config
    _write(student / "nbgrader_config.py", nbgrader_class_config(layout))
    _write(student / "jupyter_server_config.json", json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in INSTRUCTOR_SERVER_EXTENSIONS}}}, indent=2))
    _write(student / "labconfig" / "page_config.json", json.dumps(
        {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_PLUGINS}}, indent=2))
    # The instructor's: formgrader on (the venv default) and the course file
    # loaded after the class settings, as nbgrader would from the course dir.
    teacher = layout.instructor_config
    _write(teacher / "nbgrader_config.py", nbgrader_class_config(layout)
           + f"c.CourseDirectory.root = {str(course_dir)!r}\n"
           + f"load_subconfig({str(course_dir / 'nbgrader_config.py')!r})  # noqa: F821\n"
           + f"c.CourseDirectory.root = {str(course_dir)!r}\n")
    gid = grp.getgrnam(instructor).gr_gid if _has_group(instructor) else 0
    os.chown(teacher, 0, gid)
    teacher.chmod(0o750)


def _has_group(name: str) -> bool:
    import grp
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def ensure_exchange(layout: ClassLayout, instructor: str, group: str) -> Path:
    import grp
    import os
    import pwd

    layout.exchange.mkdir(parents=True, exist_ok=True)
    os.chown(layout.exchange, 0, 0)
    layout.exchange.chmod(0o1777)
    course = layout.exchange / layout.course_id
    owner = pwd.getpwnam(instructor).pw_uid
    if course.is_symlink() or (course.exists() and course.lstat().st_uid != owner):
        if course.is_dir() and not course.is_symlink():
            shutil.rmtree(course)
        else:
            course.unlink()
    course.mkdir(exist_ok=True)
    os.chown(course, owner, grp.getgrnam(group).gr_gid)
    course.chmod(0o750)
    return course


def clear_exchange(layout: ClassLayout) -> None:
    """A new term: released, submitted and feedback files go; the course folder stays."""
    course = layout.exchange / layout.course_id
    if course.is_dir():
        for child in course.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def publish_chapters(layout: ClassLayout, source: Path) -> None:
    """The course/ folder, copied read-only for every user (copied on to homes on spawn).

    Students get the notebooks, not their text sources (``src/``, the
    instructor's MyST files that ``build`` turns into the notebooks): a second
    copy of each chapter that opens as plain text would only confuse them.
    """
    if layout.chapters.exists():
        shutil.rmtree(layout.chapters)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")

    def not_for_students(folder: str, names: list[str]) -> set[str]:
        text_sources = {"src"} & set(names) if Path(folder) == source else set()
        return set(skip(folder, names)) | text_sources

    shutil.copytree(source, layout.chapters, ignore=not_for_students)
    for p in [layout.chapters, *layout.chapters.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
