"""Where one class's deployment lives on the server (all paths in one place)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Shared by every class on the server: built from the system Python so every
# user can execute it (a Python under a 0700 home breaks every spawn).
DEFAULT_VENV = Path("/opt/kefu-hub/venv")
DEFAULT_STATE = Path("/srv/kefu-hub")
COURSE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class ClassLayout:
    course_id: str
    state_root: Path = DEFAULT_STATE
    venv: Path = DEFAULT_VENV

    @property
    def exchange(self) -> Path:
        """nbgrader's exchange root, shared by the classes; one folder per course_id."""
        return self.state_root / "exchange"

    @property
    def root(self) -> Path:
        return self.state_root / "classes" / self.course_id

    @property
    def hub_dir(self) -> Path:  # 0700 root: hub database, cookie secret, config, log
        return self.root / "hub"

    @property
    def class_config(self) -> Path:  # on every user's JUPYTER_CONFIG_PATH: course_id, student id
        return self.root / "jupyter"

    @property
    def instructor_config(self) -> Path:  # only the instructor's: formgrader on, the course file
        return self.root / "instructor-jupyter"

    @property
    def chapters(self) -> Path:  # read-only copy of course/ handed to students on spawn
        return self.root / "chapters"

    @property
    def accounts(self) -> Path:  # 学号 → login (root only)
        return self.root / "accounts.tsv"

    @property
    def passwords(self) -> Path:  # initial passwords to hand out (root only)
        return self.root / "passwords.txt"

    @property
    def pg_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def pid_file(self) -> Path:
        return self.hub_dir / "jupyterhub.pid"

    @property
    def log_file(self) -> Path:
        return self.hub_dir / "jupyterhub.log"

    @property
    def settings(self) -> Path:  # what `up` was run with (port, instructor, course dir)
        return self.root / "settings.json"
