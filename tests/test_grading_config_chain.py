"""The kit reads course settings through nbgrader's config chain: one gradebook, never two."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from autograder.grading.grader import grade_course
from autograder.grading.coursedir import load_config

from helpers import fill, key_answers, release_notebook, submit

CH1 = "ch1_telephone"


def _run(course, *args, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(course)],
                          capture_output=True, text=True, env=env, timeout=300)


def test_db_url_from_the_jupyter_config_path_is_the_gradebook_the_kit_uses(course, tmp_path, monkeypatch):
    # the class's config dir (as `hub up` writes it) moves the gradebook elsewhere
    elsewhere = tmp_path / "class-gradebook.db"
    shutil.move(course / "gradebook.db", elsewhere)
    confdir = tmp_path / "jupyter"
    confdir.mkdir()
    (confdir / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///{elsewhere}'\n", encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(confdir))
    assert load_config(course).CourseDirectory.db_url == f"sqlite:///{elsewhere}"
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    report = grade_course(course, progress=False)
    assert report.errors == []
    assert any(r.student == "s1" and r.status == "graded" and r.score > 0 for r in report.results)
    assert not (course / "gradebook.db").exists()  # no second, empty gradebook


def test_the_course_file_wins_over_the_jupyter_config_path(course, tmp_path, monkeypatch):
    confdir = tmp_path / "jupyter"
    confdir.mkdir()
    (confdir / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'another-class'\nc.Exchange.root = '/srv/x'\n")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(confdir))
    cfg = load_config(course)
    assert cfg.CourseDirectory.course_id == "kefu-etiquette"
    assert cfg.Exchange.root == "/srv/x"


def test_grade_fails_loudly_when_submitted_work_is_unknown_to_the_gradebook(course, tmp_path):
    # the gradebook the kit found knows no assignment (e.g. a wrong db_url): never "graded 0, exit 0"
    empty = tmp_path / "empty.db"
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{empty}'\n")
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    r = _run(course, "grade", "--quiet")
    assert r.returncode != 0
    assert "ch1_telephone" in r.stdout and "does not know" in r.stdout


def test_a_database_error_is_one_line_and_a_non_zero_exit(course):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.db_url = 'postgresql+psycopg://kefu:secret@127.0.0.1:{port}/kefu'\n")
    env = dict(os.environ)
    for command in (["grade", "--quiet"], ["export", "--out", str(course / "out")]):
        r = _run(course, *command, env=env)
        assert r.returncode != 0, command
        assert "Traceback" not in r.stderr
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "cannot use the gradebook" in lines[0], r.stderr
        assert "secret" not in r.stderr  # the password is not printed
