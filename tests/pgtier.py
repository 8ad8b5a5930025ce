"""The gradebook tests against PostgreSQL (``KEFU_TEST_POSTGRES=1``, root, Debian's postgresql).

The fixtures in conftest.py build their courses through :func:`use_database`
and :func:`copy_database`: with the variable unset they do nothing (SQLite
files beside each course, as nbgrader's default); with it set, each course
gets its own database in one private cluster on 127.0.0.1, and a course copy
gets a copy of its database (``CREATE DATABASE … TEMPLATE``), just as a copied
course folder carries its ``gradebook.db``.  The course config holds the
``db_url``, the one place the kit and nbgrader read it.
"""
from __future__ import annotations

import itertools
import os
import re
import socket
import tempfile
from pathlib import Path

ENABLED = os.environ.get("KEFU_TEST_POSTGRES") == "1"
ROLE = "kefutest"

_cluster = None
_url_base = ""
_names = itertools.count(1)
_DB_LINE = re.compile(r"^c\.CourseDirectory\.db_url = .*$", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> None:
    """Create and start the private cluster (once per test session)."""
    global _cluster, _url_base
    from autograder.hub.postgres import Cluster, ensure_cluster

    base = Path(tempfile.mkdtemp(prefix="kefu-pgtier-"))
    os.chmod(base, 0o755)  # the postgres user walks into its own subfolder
    _cluster = Cluster(base / "pg", _free_port())
    url = ensure_cluster(_cluster, ROLE, "kefu_first")
    _url_base = url.rsplit("/", 1)[0]


def stop() -> None:
    from autograder.hub.postgres import stop as stop_cluster

    if _cluster is not None:
        stop_cluster(_cluster)


def _create(template: str | None) -> str:
    from autograder.hub.postgres import _psql

    name = f"kefu_{os.getpid()}_{next(_names)}"
    _psql(_cluster, f'CREATE DATABASE "{name}" OWNER "{ROLE}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _set_url(course: Path, url: str) -> None:
    config = course / "nbgrader_config.py"
    text = _DB_LINE.sub("", config.read_text(encoding="utf-8")).rstrip("\n")
    config.write_text(text + f"\nc.CourseDirectory.db_url = {url!r}\n", encoding="utf-8")


def _database_of(course: Path) -> str | None:
    m = _DB_LINE.search((course / "nbgrader_config.py").read_text(encoding="utf-8"))
    return m.group(0).rsplit("/", 1)[1].strip("'\"") if m else None


def use_database(course: Path) -> Path:
    """A fresh database for a new course (no-op unless the tier is on)."""
    if ENABLED:
        _set_url(course, f"{_url_base}/{_create(None)}")
    return course


def copy_database(src: Path, dst: Path) -> Path:
    """The copy of ``src`` at ``dst`` gets its own copy of the database (no-op unless the tier is on)."""
    if ENABLED:
        template = _database_of(src)
        _set_url(dst, f"{_url_base}/{_create(template)}")
    return dst
