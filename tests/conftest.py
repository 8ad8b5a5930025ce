"""Shared fixtures: a real nbgrader course built from the kit, released, and a graded simulated class.

Fixtures and hooks only: test modules import plain helpers from tests/helpers.py
(and tests/security/attacks.py), never from a conftest.
"""
from __future__ import annotations

import sys
from pathlib import Path

# as the kit's command line does (autograder/cli.py): jsonschema, under nbformat, would
# import the optional IRI format checker, which compiles a grammar for seconds of CPU in
# every test process; the kit never validates IRI formats
sys.modules.setdefault("rfc3987_syntax", None)

import pgtier  # noqa: E402
import pytest
from hypothesis import settings
from helpers import EXERCISES, copy_course
from autograder.grading.coursedir import ensure_scripts_on_path
from tiers import pytest_collection_modifyitems, pytest_runtest_call, pytest_runtest_setup  # noqa: F401

ensure_scripts_on_path()  # nbgrader shells out to `alembic`
# `make test-fast` (--hypothesis-profile=fast): property tests draw a fifth of their
# examples (helpers.examples); `make test` keeps the default profile, full strength
settings.register_profile("fast", max_examples=20)


def pytest_sessionstart(session) -> None:
    if pgtier.ENABLED:  # gradebooks in a private PostgreSQL (see tests/pgtier.py)
        pgtier.start()


def pytest_sessionfinish(session, exitstatus) -> None:
    if pgtier.ENABLED:
        pgtier.stop()


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """The kit's four assignments released with nbgrader (read-only: copy before changing)."""
    from autograder.classroom.release import new_course, release

    course = pgtier.use_database(new_course(tmp_path_factory.mktemp("released") / "course", EXERCISES))
    release(course)
    return course


@pytest.fixture
def course(released_course: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the released course."""
    return copy_course(released_course, tmp_path / "course")


@pytest.fixture(scope="session")
def graded_class(released_course: Path, tmp_path_factory):
    """A simulated class of 30 (with bad inputs) graded kernel-free: (course dir, SimulatedClass, GradeReport)."""
    from autograder.grading.grader import grade_course
    from autograder.classroom.simulate import simulate_class

    course = copy_course(released_course, tmp_path_factory.mktemp("graded") / "course")
    sim = simulate_class(course, n_students=30, seed=7)
    report = grade_course(course, progress=False)
    return course, sim, report
