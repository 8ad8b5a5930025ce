"""Every file of the package is in version control: nothing under autograder/ is git-ignored.

A pattern for class runtime data (e.g. ``feedback/``) once hid the kit's own
feedback template, so a clean clone fell back to nbgrader's English page.
"""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.cli
@pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout")
def test_no_package_file_is_git_ignored():
    out = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "autograder"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    hidden = [p for p in out if "__pycache__" not in p and not p.endswith((".pyc", ".egg-info"))
              and ".egg-info/" not in p]
    assert hidden == [], f"package files that git ignores (a clean clone would lack them): {hidden}"


def test_the_feedback_template_ships_with_the_package():
    from autograder.grading.feedbackexporter import TEMPLATE_DIR

    assert (TEMPLATE_DIR / "index.html.j2").is_file()
    assert (TEMPLATE_DIR / "conf.json").is_file()
