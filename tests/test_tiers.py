"""The unit tier's guard (tests/tiers.py): a unit test that starts a process or opens a database is stopped."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from tiers import _guard


def _recorded(action) -> list[str]:
    """What the guard records while ``action`` runs, then forgotten (so that this test does not fail for it)."""
    try:
        action()
        return list(_guard.seen)
    finally:
        _guard.seen.clear()


def test_this_test_is_in_the_unit_tier(request):
    assert request.node.get_closest_marker("unit") and _guard.active


def test_a_subprocess_in_a_unit_test_is_refused_and_named():
    def run():
        with pytest.raises(RuntimeError, match="started a subprocess"):
            subprocess.run([sys.executable, "-c", "pass"], check=False)

    recorded = _recorded(run)
    assert len(recorded) == 1 and sys.executable in recorded[0]


def test_an_sqlite_database_in_a_unit_test_is_refused():
    def connect():
        with pytest.raises(RuntimeError, match="opened an SQLite database"):
            sqlite3.connect(":memory:")

    assert _recorded(connect) == ["opened an SQLite database (:memory:)"]


@pytest.mark.cli
def test_other_tiers_may_start_processes():
    assert subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True).stdout == "42\n"


@pytest.mark.cli
def test_a_kernel_started_without_the_kernel_mark_is_named():
    recorded = _recorded(lambda: subprocess.run([sys.executable, "-c", "pass", "ipykernel_launcher"], check=False))
    assert len(recorded) == 1 and "without the `kernel` mark" in recorded[0]
