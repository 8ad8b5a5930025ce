"""The nbgrader course a command works on: its configuration (read through
nbgrader's own chain) and its gradebook."""
from __future__ import annotations

import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

__all__ = ["load_config", "GradebookError", "NoGradebook", "open_gradebook", "sqlite_file", "course_gradebook",
           "describe_db_error",
           "ensure_scripts_on_path", "scripts_env", "quiet_nbgrader_warnings", "NBGRADER_SESSION_WARNING"]

# The one warning nbgrader 0.9.6's api raises under SQLAlchemy 2.x, many times a run: its
# relationships cascade a row into a session it is not in (harmless: the row is added explicitly).
NBGRADER_SESSION_WARNING = r"Object of type <\w+> not in session, add operation along '[\w.]+' will not proceed"


def ensure_scripts_on_path() -> str:
    """Put this Python's scripts folder first on PATH (nbgrader shells out to ``alembic``); returns it.

    Without it a kit run from a venv that was not activated fails to create a gradebook.
    """
    bindir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p])
    return bindir


def scripts_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that runs nbgrader: this one, scripts on PATH, plus ``extra``."""
    ensure_scripts_on_path()
    return dict(os.environ, **extra)


@contextmanager
def quiet_nbgrader_warnings():
    """Hide :data:`NBGRADER_SESSION_WARNING` (SQLAlchemy's ``SAWarning``) inside the block; every other warning shows."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=NBGRADER_SESSION_WARNING, category=SAWarning)
        yield


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


class NoGradebook(GradebookError):
    """The course's SQLite gradebook file does not exist (and was not created just to look)."""


def open_gradebook(db_url: str, course_id: str | None = None):
    """``nbgrader.api.Gradebook`` (a context manager); a database error becomes one :class:`GradebookError` line.

    Every gradebook the kit opens is opened here.  Without ``course_id`` it is
    nbgrader's default, as nbgrader's own preprocessors open it.
    """
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return Gradebook(db_url) if course_id is None else Gradebook(db_url, course_id)
    except SQLAlchemyError as exc:
        raise GradebookError(describe_db_error(db_url, exc)) from None


def sqlite_file(db_url: str) -> Path | None:
    """The file of an SQLite ``db_url``; None for other databases and in-memory SQLite."""
    for prefix in ("sqlite:////", "sqlite:///"):
        if db_url.startswith(prefix):
            rest = db_url[len("sqlite:///"):]
            return Path(rest) if rest and rest != ":memory:" else None
    return None


def course_gradebook(course_dir: str | Path, must_exist: bool = False):
    """The course's own gradebook, wherever its config chain puts it (SQLite file or PostgreSQL).

    With ``must_exist`` a missing SQLite file raises :class:`NoGradebook`
    instead of being created empty.
    """
    from nbgrader.coursedir import CourseDirectory

    course_dir = Path(course_dir).resolve()
    coursedir = CourseDirectory(config=load_config(course_dir))
    db = sqlite_file(coursedir.db_url)
    if must_exist and db is not None and not db.exists():
        raise NoGradebook(f"没有成绩库 no gradebook: {db}")
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
