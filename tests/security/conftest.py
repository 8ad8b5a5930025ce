"""Fixtures for the attack tests; their helpers are in tests/security/attacks.py and tests/helpers.py."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from attacks import CH1, COURSE_ID, add_config, nbgrader


@pytest.fixture
def exchange_course(course: Path, tmp_path: Path):
    """(course, inbound): the course released to a real nbgrader exchange with ``nbgrader release_assignment``."""
    root = tmp_path / "exchange"
    root.mkdir()
    os.chmod(root, 0o777)
    add_config(course, f"c.Exchange.root = {str(root)!r}")
    done = nbgrader(course, "release_assignment", CH1)
    assert done.returncode == 0, done.stderr
    inbound = root / COURSE_ID / "inbound"
    assert inbound.is_dir()
    return course, inbound
