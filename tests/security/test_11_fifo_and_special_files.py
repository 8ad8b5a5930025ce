"""Item 11: a FIFO, or a symlink to /dev/zero, as the notebook (or as timestamp.txt, or an extra file).

Opening a FIFO blocks until someone writes to it: the whole class's grading
stopped there.  /dev/zero never ends.  The kit opens only regular files,
with O_NONBLOCK and O_NOFOLLOW; grading runs in a subprocess with a timeout
so that a regression fails instead of hanging the test suite.
"""
from __future__ import annotations

import os

from attacks import CH1, assert_honest_untouched, auto_scores, comments, kit, submit_honest

from autograder.grading.grader import UNREADABLE


def _folder(course, student):
    folder = course / "submitted" / student / CH1
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", encoding="utf-8")
    return folder


def _grade(course):
    done = kit("grade", "--course", str(course), "--quiet", CH1, timeout=300)  # blocked forever before the fix
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fifo_and_dev_zero_as_the_notebook_never_block_the_class(course):
    os.mkfifo(_folder(course, "a_fifo") / f"{CH1}.ipynb")
    os.symlink("/dev/zero", _folder(course, "b_zero") / f"{CH1}.ipynb")
    submit_honest(course)  # graded after the attackers (sorted by id)
    out = _grade(course)
    for student, words in (("a_fifo", "命名管道"), ("b_zero", "符号链接")):
        got = auto_scores(course, student)
        assert got and all(v == 0 for v in got.values())
        assert any(words in c for c in comments(course, student)) and words in out
        assert all(c.startswith(UNREADABLE) for c in comments(course, student))
    assert_honest_untouched(course)


def test_fifo_as_timestamp_or_extra_file_never_blocks(course):
    folder = _folder(course, "a_stamp")
    (folder / "timestamp.txt").unlink()
    os.mkfifo(folder / "timestamp.txt")
    (folder / f"{CH1}.ipynb").write_text((course / "release" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    extra = _folder(course, "a_extra")
    os.mkfifo(extra / "notes.txt")
    (extra / f"{CH1}.ipynb").write_text((course / "release" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    submit_honest(course)
    out = _grade(course)
    assert "timestamp.txt" in out and "命名管道" in out
    assert all(v == 0 for v in auto_scores(course, "a_stamp").values())
    assert not (course / "autograded" / "a_extra" / CH1 / "notes.txt").exists()
    assert "notes.txt" in out
    assert_honest_untouched(course)
