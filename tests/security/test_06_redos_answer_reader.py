"""Item 6: ReDoS in the answer reader (``第N题 = "`` followed by a long run of blanks).

The reader's fallback for a cell that does not parse had a lazy ``(.*?)``
before ``[ \\t]*$``: quadratic on a run of blanks.  The same reader serves
kit grading, export, the self-check and ``run_test``.  The checks below
compare the cost at n and 4n characters (linear: ~4×, quadratic: ~16×) on
bounded inputs, with a generous absolute guard.
"""
from __future__ import annotations

import time

import pytest

from attacks import CH1, assert_honest_untouched, auto_scores, bank_questions, submit_honest
from helpers import fill, release_notebook, submit

from autograder.grading.answers import find_answer, read_assignment
from autograder.grading.core import grade_question
from autograder.grading.grader import grade_course
from autograder.grading.selfcheck import check_answers

N = 20_000


def _attack(n: int, blank: str = " ", var: str = "第1题") -> str:
    return f'{var} = "' + blank * n + "x"


def _cost(fn, n: int) -> float:
    """Best of several timings of fn(n), each long enough to measure."""
    fn(n)
    best = float("inf")
    for _ in range(5):
        reps, started = 0, time.perf_counter()
        while True:
            fn(n)
            reps += 1
            elapsed = time.perf_counter() - started
            if elapsed > 0.02:
                break
        best = min(best, elapsed / reps)
    return best


def _assert_linear(fn) -> None:
    started = time.perf_counter()
    fn(N)
    assert time.perf_counter() - started < 2.0, "one 20,000-character answer took seconds"  # generous guard
    small, large = _cost(fn, N // 4), _cost(fn, N)
    assert large / small < 9, f"cost grows like n^{__import__('math').log(large / small, 4):.1f} (4x input: {large / small:.1f}x time)"


@pytest.mark.parametrize("blank", [" ", "\t", " \t"])
def test_reader_is_linear_on_runs_of_blanks(blank):
    _assert_linear(lambda n: read_assignment(_attack(n // len(blank), blank), "第1题"))


def test_reader_is_linear_on_blanks_before_the_equals_sign():
    _assert_linear(lambda n: read_assignment("第1题" + " " * n + 'x = "', "第1题"))
    _assert_linear(lambda n: read_assignment(" " * n + '第1题 = "', "第1题"))


def test_the_same_reader_in_run_test_and_the_self_check_is_linear():
    spec = {"qid": "q", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C"}
    _assert_linear(lambda n: grade_question(spec, [_attack(n)]))
    public = {"第1题": {"type": "single", "options": "ABCD"}}
    _assert_linear(lambda n: check_answers(public, [_attack(n)]))


def test_attack_reads_as_unreadable_not_as_an_answer():
    read = find_answer([_attack(N)], "第1题")
    assert read.found and read.value.strip() == "x"


def test_a_class_with_the_attack_in_every_answer_is_graded_promptly(course):
    submit_honest(course)
    nb = release_notebook(course, CH1)
    questions = [q for q in bank_questions() if q.type != "short"]
    nb = fill(nb, {q.var: '"' + " " * (N - 1) + "x" for q in questions})  # unterminated: the fallback reader
    submit(course, "attacker", CH1, nb)
    started = time.perf_counter()
    report = grade_course(course, [CH1], progress=False)
    assert time.perf_counter() - started < 120  # the old reader: ~18 × 1.2 s for this notebook alone
    assert all(v == 0 for v in auto_scores(course, "attacker").values() if v is not None)
    choices = {q.var for q in questions if q.type in ("single", "multiple")}
    assert {i.question for i in report.issues if i.student == "attacker"} >= choices  # rewrites: read, and fail
    assert_honest_untouched(course)
