"""Helpers for the attack tests: honest students, their expected scores, an exchange, the kit's CLI.

Every attack test grades a class made of the attacker and two honest
students, and checks the honest students' scores cell by cell against what
the key gives them (what they score without the attacker).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from helpers import EXERCISES, ROOT, fill, key_answers, release_notebook, scores, submit

CH1 = "ch1_telephone"
COURSE_ID = "kefu-etiquette"
HONEST = ("honest_a", "honest_b")


def bank_questions(assignment: str = CH1):
    from autograder.questionbank.load import load_bank

    return next(c for c in load_bank(EXERCISES / "bank") if c.assignment == assignment).questions


def honest_answers(student: str, assignment: str = CH1) -> dict[str, str]:
    """honest_a answers everything right; honest_b the first half right, the rest wrong."""
    right, wrong = key_answers(assignment), key_answers(assignment, wrong=True)
    if student == "honest_a":
        return right
    names = list(right)
    return {v: (right[v] if i < len(names) // 2 else wrong[v]) for i, v in enumerate(names)}


def expected_auto(student: str, assignment: str = CH1) -> dict[str, float]:
    """{grade cell: auto score} an honest student earns from the key alone (short answers: None)."""
    answers = honest_answers(student, assignment)
    right = key_answers(assignment)
    out = {}
    for q in bank_questions(assignment):
        if q.type == "short":
            out[q.grade_cell] = None
        elif q.type == "call":  # the engine's score of the lines handed in, turn by turn
            import json

            from autograder.engine.calls import check_call
            from autograder.grading.scoring import round_points

            lines = [json.loads(answers[v]) for v in q.turn_vars]
            out[q.grade_cell] = round_points(q.points * check_call(lines, q.call.spec()).score)
        else:
            out[q.grade_cell] = float(q.points) if answers[q.var] == right[q.var] else 0.0
    return out


def honest_notebook(course: Path, student: str, assignment: str = CH1) -> dict:
    return fill(release_notebook(course, assignment), honest_answers(student, assignment), short="先问候，再报工号。")


def submit_honest(course: Path, assignment: str = CH1) -> None:
    for student in HONEST:
        submit(course, student, assignment, honest_notebook(course, student, assignment))


def auto_scores(course: Path, student: str, assignment: str = CH1) -> dict[str, float | None]:
    return {cell: auto for cell, (auto, _, _) in scores(course, student, assignment).items()}


def assert_honest_untouched(course: Path, assignment: str = CH1) -> None:
    """The honest students score exactly what the key gives them, as if the attacker were not there."""
    for student in HONEST:
        assert auto_scores(course, student, assignment) == expected_auto(student, assignment), student


@contextmanager
def gradebook(course: Path):
    from autograder.grading.coursedir import course_gradebook, quiet_nbgrader_warnings

    with quiet_nbgrader_warnings(), course_gradebook(course) as gb:
        yield gb


def students_in_gradebook(course: Path) -> set[str]:
    with gradebook(course) as gb:
        return {s.id for s in gb.students}


def comments(course: Path, student: str, assignment: str = CH1) -> list[str]:
    with gradebook(course) as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return [c.auto_comment or "" for c in sub.comments]


def kit(*args: str, timeout: float = 600, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS…`` as the instructor runs it (stdout/stderr as bytes-decoded text)."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, cwd=cwd,
                          timeout=timeout, env=env, text=True, encoding="utf-8", errors="surrogateescape")


def nbgrader(course: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """The real nbgrader command line, run inside the course directory."""
    exe = Path(sys.executable).with_name("nbgrader")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=course, timeout=timeout)


def add_config(course: Path, *lines: str) -> None:
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines) + "\n")


def hand_in(inbound: Path, student: str, nb: dict | None, timestamp: str = "2026-11-20 10:00:00.000000 UTC",
            assignment: str = CH1) -> Path:
    """A folder in the exchange inbound laid out as ``nbgrader submit`` writes it (a student can write it by hand)."""
    stamp = timestamp.replace(" UTC", " UTC")
    folder = inbound / f"{student}+{assignment}+{stamp}+{os.urandom(4).hex()}"
    folder.mkdir()
    (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    if nb is not None:
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return folder
