"""Fixtures for the attack tests (helpers: tests/security/attacks.py and tests/helpers.py).

This file is importable as ``conftest`` too, and test modules anywhere still do
``from conftest import fill, …``: it re-exports both helper modules' names.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from attacks import (CH1, COURSE_ID, HONEST, add_config, assert_honest_untouched, auto_scores,  # noqa: F401
                     bank_questions, comments, expected_auto, gradebook, hand_in, honest_answers,
                     honest_notebook, kit, nbgrader, students_in_gradebook, submit_honest)
from helpers import (EXERCISES, FIXTURES, ROOT, copy_course, fill, grade_id, key_answers,  # noqa: F401
                     release_notebook, scores, submit)


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
