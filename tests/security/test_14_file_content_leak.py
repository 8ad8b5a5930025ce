"""Item 14: file contents leaked through a symlinked "notebook" into comments and the summary.

The "not a notebook" message used to quote the file's first bytes
(``root:x:0:0:…``, a teacher's secret), and a symlinked extra file was
copied in full into ``autograded/``.  Now no link is followed (items 3 and
11) and no message quotes a file's content.
"""
from __future__ import annotations

import os

import pytest

from attacks import CH1, assert_honest_untouched, comments, kit, submit_honest
from helpers import submit

pytestmark = pytest.mark.slow

SECRET = "TEACHER-SECRET-123 do not leak"


def _everything_written(course, out) -> str:
    texts = []
    for base in (course / "autograded", out):
        for dirname, _, files in os.walk(base):
            for f in files:
                path = os.path.join(dirname, f)
                if not os.path.islink(path) and not f.endswith(".xlsx"):
                    texts.append(open(path, encoding="utf-8", errors="replace").read())
    return "\n".join(texts)


def test_no_file_content_reaches_comments_summary_or_autograded(course, tmp_path):
    secret = tmp_path / "teacher" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    submit_honest(course)
    for student, target in (("a_passwd", "/etc/passwd"), ("a_secret", str(secret))):
        folder = course / "submitted" / student / CH1
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", encoding="utf-8")
        os.symlink(target, folder / f"{CH1}.ipynb")
    os.symlink(secret, course / "submitted" / "honest_b" / CH1 / "notes.txt")
    submit(course, "a_text", CH1, "PRIVATE-NOTE-XYZ " * 10)  # not JSON: the message must not quote it

    done = kit("grade", "--course", str(course), "--quiet", CH1)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "export"
    assert kit("export", "--course", str(course), "--out", str(out), "--no-charts").returncode == 0

    notes = [c for s in ("a_passwd", "a_secret", "a_text") for c in comments(course, s)]
    written = _everything_written(course, out)
    for leak in ("root:x:0:0", "TEACHER-SECRET", "PRIVATE-NOTE"):
        assert leak not in done.stdout and leak not in done.stderr
        assert not any(leak in c for c in notes)
        assert leak not in written
    assert "符号链接" in done.stdout and "notes.txt" in done.stdout
    assert_honest_untouched(course)
