"""Feedback reaches every exchange student even when some submissions were placed in submitted/ by hand."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import fill, key_answers, off_policy_lines, release_notebook, submit

ASSIGNMENT = "ch1_telephone"
TIMESTAMP = "2026-11-20 10:00:00.000000 UTC"

pytestmark = pytest.mark.slow  # nbgrader generate_feedback over a small class


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("nbgrader")
    return subprocess.run([str(exe), *args], cwd=course, capture_output=True, text=True, timeout=300)


def _kit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def class_with_a_hand_collected_submission(course: Path, tmp_path: Path):
    """Two students through the exchange (with submission secrets), one handed in by hand; graded; feedback generated."""
    from autograder.grading.grader import grade_course

    exchange = tmp_path / "exchange"
    exchange.mkdir()
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    nb = fill(release_notebook(course, ASSIGNMENT), key_answers(ASSIGNMENT))
    secrets = {}
    for student in ("s1", "a_hand", "s3"):
        path = submit(course, student, ASSIGNMENT, json.loads(json.dumps(nb)), TIMESTAMP)
        if student != "a_hand":  # what nbgrader submit + collect leave beside the notebook
            secrets[student] = f"secret-of-{student}"
            (path.parent / "submission_secret.txt").write_text(secrets[student], encoding="utf-8")
    grade_course(course, [ASSIGNMENT], progress=False)
    out = _nbgrader(course, "generate_feedback", ASSIGNMENT)
    assert out.returncode == 0, out.stderr
    return course, exchange, secrets


def _released(exchange: Path) -> set[str]:
    folder = exchange / "kefu-etiquette" / "feedback"
    return {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()


def _hash(secret: str) -> str:
    from nbgrader.utils import notebook_hash

    return notebook_hash(secret=secret, notebook_id=ASSIGNMENT) + ".html"


def test_stock_release_feedback_stops_at_a_hand_collected_submission(class_with_a_hand_collected_submission):
    course, exchange, _ = class_with_a_hand_collected_submission
    out = _nbgrader(course, "release_feedback", ASSIGNMENT,
                    "--ExchangeFactory.release_feedback=nbgrader.exchange.default.ExchangeReleaseFeedback")
    assert out.returncode != 0
    assert "submission_secret.txt" in out.stderr + out.stdout


def test_kit_command_releases_every_exchange_student_and_lists_the_rest(class_with_a_hand_collected_submission):
    course, exchange, secrets = class_with_a_hand_collected_submission
    out = _kit("release-feedback", "--course", str(course), ASSIGNMENT)
    assert out.returncode == 0, out.stderr
    assert _released(exchange) == {_hash(s) for s in secrets.values()}
    assert "a_hand" in out.stdout and "released 2" in out.stdout and "skipped 1" in out.stdout
    assert off_policy_lines(out.stdout) == [], out.stdout
    # the released file is the student's own feedback HTML
    released = (exchange / "kefu-etiquette" / "feedback" / _hash(secrets["s3"])).read_text(encoding="utf-8")
    assert released == (course / "feedback" / "s3" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")


def test_plain_nbgrader_release_feedback_uses_the_safe_plugin_from_the_course_config(
        class_with_a_hand_collected_submission):
    course, exchange, secrets = class_with_a_hand_collected_submission
    out = _nbgrader(course, "release_feedback", ASSIGNMENT)
    assert out.returncode == 0, out.stderr
    assert _released(exchange) == {_hash(s) for s in secrets.values()}
    assert "a_hand" in out.stderr  # the skip is logged as a warning


def test_a_student_fetches_the_released_feedback(class_with_a_hand_collected_submission, tmp_path: Path):
    course, exchange, secrets = class_with_a_hand_collected_submission
    assert _kit("release-feedback", "--course", str(course), ASSIGNMENT).returncode == 0
    # the student's side: nbgrader submit left the secret in the student's exchange cache
    cache = tmp_path / "cache"
    entry = cache / "kefu-etiquette" / f"s1+{ASSIGNMENT}+{TIMESTAMP}"
    entry.mkdir(parents=True)
    (entry / "submission_secret.txt").write_text(secrets["s1"], encoding="utf-8")
    (entry / f"{ASSIGNMENT}.ipynb").write_text("{}", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    out = subprocess.run(
        [str(Path(sys.executable).with_name("nbgrader")), "fetch_feedback", ASSIGNMENT, "--course", "kefu-etiquette",
         f"--Exchange.root={exchange}", f"--Exchange.cache={cache}", "--CourseDirectory.student_id=s1"],
        cwd=home, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(home)})
    assert out.returncode == 0, out.stderr
    fetched = list((home / ASSIGNMENT / "feedback").glob("*/*.html"))
    assert len(fetched) == 1 and fetched[0].read_text(encoding="utf-8") == (
        course / "feedback" / "s1" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")


def test_one_student_only(class_with_a_hand_collected_submission):
    course, exchange, secrets = class_with_a_hand_collected_submission
    out = _kit("release-feedback", "--course", str(course), ASSIGNMENT, "--student", "s1")
    assert out.returncode == 0, out.stderr
    assert _released(exchange) == {_hash(secrets["s1"])}


def test_no_feedback_generated_is_one_clear_line(course: Path, tmp_path: Path):
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.Exchange.root = {str(tmp_path)!r}\n")
    out = _kit("release-feedback", "--course", str(course), ASSIGNMENT)
    assert out.returncode == 0 and "released 0" in out.stdout
    assert "Traceback" not in out.stderr


def test_releasing_before_manual_grading_names_the_students_and_questions(course: Path, tmp_path: Path):
    """Feedback released while a short answer waits for a grader: the instructor is told who and which question."""
    from autograder.questionbank.load import load_bank
    from autograder.grading.grader import grade_course

    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    (tmp_path / "exchange").mkdir()
    for student, short in (("s1", "先问候，再报工号。"), ("s2", None)):
        nb = fill(release_notebook(course, ASSIGNMENT), key_answers(ASSIGNMENT), short=short)
        path = submit(course, student, ASSIGNMENT, nb, TIMESTAMP)
        (path.parent / "submission_secret.txt").write_text(f"secret-of-{student}", encoding="utf-8")
    grade_course(course, [ASSIGNMENT], progress=False)
    assert _nbgrader(course, "generate_feedback", ASSIGNMENT).returncode == 0
    short_q = next(q for ch in load_bank() if ch.assignment == ASSIGNMENT for q in ch.questions if q.type == "short")

    out = _kit("release-feedback", "--course", str(course), ASSIGNMENT)
    assert out.returncode == 0, out.stderr
    assert "1 名学生还有题目没有人工评分" in out.stdout
    assert f"s1：{short_q.var}（简答题）" in out.stdout and "s2：" not in out.stdout  # s2 left it blank: 0, not pending
    assert off_policy_lines(out.stdout) == [], out.stdout
    plain = _nbgrader(course, "release_feedback", ASSIGNMENT)
    assert plain.returncode == 0 and f"s1：{short_q.var}（简答题）" in plain.stderr
