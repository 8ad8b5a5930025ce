"""Test tiers: what a test touches, as pytest markers (hooks imported by tests/conftest.py).

- ``unit``: pure Python in this process; every test without another tier gets it.
- ``cli``: runs a command (the kit's own CLI, pip, git) in a subprocess.
- ``nbgrader``: an nbgrader course, its gradebook or the nbgrader command line.
- ``kernel``: starts a Jupyter kernel.
- ``browser``: drives Debian's Chromium.
- ``hub``: deploys a real class (root only).

A test's tiers come from its marks (module ``pytestmark`` or decorators) and
from the fixtures it uses (``FIXTURE_TIERS``).  A unit test that starts a
process or opens an SQLite database fails and names what it did: give it its
tier.  Browser tests skip when Chromium is missing, with the command that
installs it, unless ``KEFU_REQUIRE_BROWSER=1`` (set by .ci/run) makes that a failure.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TIERS = ("unit", "cli", "nbgrader", "kernel", "browser", "hub")
# fixtures (tests/conftest.py, tests/security/conftest.py) that build or grade a real nbgrader course
FIXTURE_TIERS = {"released_course": "nbgrader", "course": "nbgrader", "graded_class": "nbgrader",
                 "exchange_course": "nbgrader", "migrated_empty_course": "nbgrader"}  # the last: test_roster.py
CHROMIUM = Path("/usr/bin/chromium")
# audit events (sys.addaudithook) a unit test must not raise
_FORBIDDEN = {"subprocess.Popen": "started a subprocess", "os.posix_spawn": "spawned a process",
              "os.fork": "forked", "os.system": "ran a shell command", "sqlite3.connect": "opened an SQLite database"}


class _TierGuard:
    """Records what a running test did beyond its tiers (an audit hook stays for the process).

    A unit test may start no process and open no SQLite file; another test may start
    a kernel only when marked ``kernel`` and Playwright only when marked ``browser``
    (seen when this process starts them; not inside a subprocess such as nbgrader's).
    """

    def __init__(self) -> None:
        self.tiers: set[str] | None = None
        self.seen: list[str] = []
        sys.addaudithook(self._hook)

    @property
    def active(self) -> bool:
        return self.tiers is not None and "unit" in self.tiers

    def _hook(self, event: str, args: tuple) -> None:
        if self.tiers is None:
            return
        if "unit" in self.tiers:
            if event in _FORBIDDEN:
                what = f"{_FORBIDDEN[event]} ({str(args[0] if event != 'subprocess.Popen' else args[1])[:120]})"
                self.seen.append(what)
                raise RuntimeError(f"a unit test {what}: mark it with its tier (tests/tiers.py)")
        elif event == "subprocess.Popen":
            command = " ".join(map(str, args[1])) if isinstance(args[1], (list, tuple)) else str(args[1])
            for tier, needle in (("kernel", "ipykernel_launcher"), ("browser", "playwright")):
                if needle in command and tier not in self.tiers:
                    self.seen.append(f"started {needle} without the `{tier}` mark ({command[:120]})")


_guard = _TierGuard()


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        tiers = {m.name for m in item.iter_markers() if m.name in TIERS}
        for fixture in item.fixturenames:
            tier = FIXTURE_TIERS.get(fixture)
            if tier and tier not in tiers:
                item.add_marker(tier)
                tiers.add(tier)
        if not tiers:
            item.add_marker("unit")


def _require_chromium(item) -> None:
    if item.get_closest_marker("browser") and not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium for the browser tier"
        if os.environ.get("KEFU_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (KEFU_REQUIRE_BROWSER=1)")
        pytest.skip(message)


def _guarded(item):
    _guard.tiers = {m.name for m in item.iter_markers() if m.name in TIERS}
    _guard.seen.clear()
    try:
        result = yield
    finally:
        _guard.tiers = None
    if _guard.seen:
        raise pytest.fail.Exception(f"{item.nodeid} {_guard.seen[0]}: mark it with its tier (tests/tiers.py)")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    _require_chromium(item)
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _guarded(item))
