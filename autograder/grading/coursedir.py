"""The nbgrader course a command works on: its configuration (read through
nbgrader's own chain) and its gradebook."""
from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["load_config", "GradebookError", "open_gradebook", "course_gradebook", "describe_db_error"]


def load_config(course_dir: Path):
    """nbgrader's configuration for ``course_dir``, read through nbgrader's own chain.

    Every ``nbgrader_config.py``/``.json`` on the Jupyter config path, lowest
    priority first (the venv's ``etc/jupyter``, ``JUPYTER_CONFIG_PATH``,
    ``~/.jupyter``), then the course's own file: a ``db_url`` or exchange set
    for the class (``hub up``) is the one the kit uses, never a second
    gradebook of its own.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    cfg = Config()
    for folder in reversed(jupyter_config_path()):
        for loader in (JSONFileConfigLoader, PyFileConfigLoader):
            name = "nbgrader_config." + ("json" if loader is JSONFileConfigLoader else "py")
            if os.path.isfile(os.path.join(folder, name)):
                cfg.merge(loader(name, path=folder).load_config())
    if (course_dir / "nbgrader_config.py").exists():
        cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    cfg.CourseDirectory.root = str(course_dir)
    return cfg


class GradebookError(RuntimeError):
    """The gradebook database cannot be used (wrong password, server down): one line."""


def open_gradebook(db_url: str, course_id: str):
    """``nbgrader.api.Gradebook``; a database error becomes one :class:`GradebookError` line."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return Gradebook(db_url, course_id)
    except SQLAlchemyError as exc:
        raise GradebookError(describe_db_error(db_url, exc)) from None


def course_gradebook(course_dir: str | Path):
    """The course's own gradebook, wherever its config chain puts it (SQLite file or PostgreSQL)."""
    from nbgrader.coursedir import CourseDirectory

    course_dir = Path(course_dir).resolve()
    coursedir = CourseDirectory(config=load_config(course_dir))
    return open_gradebook(coursedir.db_url, coursedir.course_id)


def describe_db_error(db_url: str, exc: Exception) -> str:
    from sqlalchemy.engine import make_url

    try:
        where = make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is itself the message
        where = "(unparsable db_url)"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"成绩库打不开 cannot use the gradebook {where}: {reason}"


def _quiet_logger() -> logging.Logger:
    log = logging.getLogger("autograder.nbgrader")
    log.setLevel(logging.ERROR)
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log
