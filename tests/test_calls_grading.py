"""Whole-call exercises through the real pipeline: bank → build → nbgrader generate_assignment → grade.

Each submission is a situation a grader meets: the model call handed in, the
bank's worked bad call, a turn left empty, a turn that cannot be read, code
typed into a turn, the answer lines deleted.  Kernel-free grading must score
them as the bank says, keep grading the other turns, and never run a line.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.questionbank.load import load_bank
from autograder.grading.grader import UNREADABLE, grade_course
from autograder.grading.coursedir import course_gradebook
from autograder.grading.scoring import round_points

from helpers import EXERCISES, fill, release_notebook, scores, submit
from autograder.grading.coursedir import quiet_nbgrader_warnings, scripts_env

BANK = {ch.assignment: ch for ch in load_bank(EXERCISES / "bank")}
CALLS = [(ch.assignment, q) for ch in BANK.values() for q in ch.questions if q.type == "call"]
CH1, CH1_CALL = next((a, q) for a, q in CALLS if a == "ch1_telephone")


def _answers(q, lines) -> dict[str, str]:
    return {var: json.dumps(line, ensure_ascii=False) for var, line in zip(q.turn_vars, lines)}


def _grade(course: Path, student: str, assignment: str, answers: dict[str, str]):
    submit(course, student, assignment, fill(release_notebook(course, assignment), answers))
    report = grade_course(course, [assignment], progress=False)
    result = next(r for r in report.results if r.student == student)
    return report, result


def _outcome(result, q):
    return next(o for o in result.outcomes if o.qid == q.id)


def _autograded_outputs(course: Path, student: str, assignment: str, q) -> list[dict]:
    nb = json.loads((course / "autograded" / student / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == q.grade_cell)
    return cell["outputs"]


# ------------------------------------------------------------------ the bank's own scripts


def test_the_model_call_of_every_call_exercise_scores_full_marks(course):
    for assignment, q in CALLS:
        report, result = _grade(course, "model", assignment, _answers(q, q.call.model_call))
        outcome = _outcome(result, q)
        assert outcome.points == q.points, (q.id, outcome.message)
        assert scores(course, "model", assignment)[q.grade_cell][0] == q.points
        assert not [i for i in report.issues if i.student == "model"]
        assert "逐句检查" in outcome.message and "整通电话" in outcome.message


def test_the_bad_call_of_every_call_exercise_scores_what_its_annotations_say(course):
    for assignment, q in CALLS:
        bad = q.call.bad_call
        _, result = _grade(course, "bad", assignment, _answers(q, bad.lines))
        outcome = _outcome(result, q)
        assert outcome.call.score == pytest.approx(bad.score, abs=0.01), (q.id, outcome.message)
        assert outcome.points == round_points(q.points * outcome.call.score)
        found = {f.rule for f in outcome.call.findings}
        assert set(bad.call_findings) <= found, (q.id, found)
        # nbgrader's rule: a number > 0 is partial credit, zero must be an error (stderr), full marks print
        outputs = _autograded_outputs(course, "bad", assignment, q)
        if outcome.points == 0:
            assert outputs[0]["name"] == "stderr"
        else:
            assert any(o["output_type"] == "execute_result" for o in outputs)
        for f in outcome.call.findings:
            assert f.message in outcome.message


# ------------------------------------------------------------------ situations a grader meets


@pytest.fixture
def call_with_the_hold_turn_left_empty():
    lines = list(CH1_CALL.call.model_call)
    hold = CH1_CALL.call.phases.index("hold")
    lines[hold] = ""
    return hold + 1, _answers(CH1_CALL, lines)


@pytest.fixture
def call_with_the_hold_turn_unquoted():
    answers = _answers(CH1_CALL, CH1_CALL.call.model_call)
    hold = CH1_CALL.call.phases.index("hold")
    var = CH1_CALL.turn_vars[hold]
    answers[var] = CH1_CALL.call.model_call[hold].replace("，", "").replace("。", "").replace("？", "") + " + 1"
    return hold + 1, answers


def test_an_empty_turn_scores_zero_for_that_turn_and_the_rest_is_graded(course, call_with_the_hold_turn_left_empty):
    number, answers = call_with_the_hold_turn_left_empty
    report, result = _grade(course, "empty_turn", CH1, answers)
    outcome = _outcome(result, CH1_CALL)
    assert 0 < outcome.points < CH1_CALL.points
    turn = outcome.call.turns[number - 1]
    assert turn.score == 0 and all(v.score == 1 for v in outcome.call.turns if v.number != number)
    assert f"第{number}句" in outcome.message and "空着" in outcome.message
    for n in range(1, CH1_CALL.call.agent_turns + 1):
        assert f"第{n}句" in outcome.message  # every turn is still shown
    assert not report.issues  # an empty turn is an answer, not a reading problem


def test_an_unreadable_turn_scores_zero_with_a_message_and_never_stops_grading(
        course, call_with_the_hold_turn_left_empty, call_with_the_hold_turn_unquoted):
    number, answers = call_with_the_hold_turn_unquoted
    report, result = _grade(course, "unreadable_turn", CH1, answers)
    outcome = _outcome(result, CH1_CALL)
    _, empty = call_with_the_hold_turn_left_empty
    _, as_empty = _grade(course, "empty_turn", CH1, empty)
    assert outcome.points == _outcome(as_empty, CH1_CALL).points > 0
    assert "无法读取" in outcome.message and CH1_CALL.turn_vars[number - 1] in outcome.message
    issues = [i for i in report.issues if i.student == "unreadable_turn"]
    assert [i.question for i in issues] == [CH1_CALL.var] and CH1_CALL.turn_vars[number - 1] in issues[0].message
    # the other questions of the notebook were graded as usual
    assert result.status == "graded" and len(result.outcomes) == sum(q.type != "short" for q in BANK[CH1].questions)


def test_a_blank_call_scores_zero_as_an_error_and_deleted_answer_lines_are_unreadable(course):
    _, blank = _grade(course, "blank_call", CH1, {})
    outcome = _outcome(blank, CH1_CALL)
    assert outcome.points == 0 and outcome.status == "unanswered"
    assert _autograded_outputs(course, "blank_call", CH1, CH1_CALL)[0]["name"] == "stderr"

    nb = release_notebook(course, CH1)
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == CH1_CALL.answer_cell:
            cell["source"] = "# 我把这些行删掉了\n"
    submit(course, "deleted", CH1, nb)
    report = grade_course(course, [CH1], progress=False)
    result = next(r for r in report.results if r.student == "deleted")
    # nbgrader's OverwriteCells restores the locked cells only; the answer cell keeps what the student left
    outcome = _outcome(result, CH1_CALL)
    assert outcome.points == 0 and outcome.status == "unreadable" and "找不到" in outcome.message
    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            sub = gb.find_submission_notebook(CH1, CH1, "deleted")
            comment = next(c for c in sub.comments if c.name == CH1_CALL.answer_cell)
            assert comment.auto_comment.startswith(UNREADABLE)


def test_code_typed_into_a_turn_is_never_run(course, tmp_path):
    target = tmp_path / "ran"
    answers = _answers(CH1_CALL, CH1_CALL.call.model_call)
    answers[CH1_CALL.turn_vars[0]] = f"__import__('os').system('touch {target}') or '您好'"
    answers[CH1_CALL.turn_vars[1]] = json.dumps(f"open('{target}', 'w')")
    _, result = _grade(course, "code", CH1, answers)
    outcome = _outcome(result, CH1_CALL)
    assert not target.exists()
    assert outcome.call.turns[0].score == 0 and "不会运行代码" in outcome.message
    assert outcome.call.turns[1].text == f"open('{target}', 'w')"  # a string stays a string
    assert 0 < outcome.points < CH1_CALL.points


def test_chinese_quotes_and_a_missing_closing_quote_score_like_the_canonical_answer(course):
    answers = {var: f"“{line}”" for var, line in zip(CH1_CALL.turn_vars, CH1_CALL.call.model_call)}
    last = CH1_CALL.turn_vars[-1]
    answers[last] = '"' + CH1_CALL.call.model_call[-1]  # the closing quote forgotten
    _, result = _grade(course, "tolerant", CH1, answers)
    assert _outcome(result, CH1_CALL).points == CH1_CALL.points


# ------------------------------------------------------------------ stock nbgrader (kernel execution)

BIN = Path(sys.executable).parent


@pytest.mark.kernel
@pytest.mark.slow
def test_stock_nbgrader_autograde_gives_the_same_call_scores(released_course, tmp_path,
                                                             call_with_the_hold_turn_left_empty):
    """The hidden test runs ``run_test`` in a kernel: the same partial, full and zero scores as kernel-free."""
    _, empty = call_with_the_hold_turn_left_empty
    honest = {
        "model": _answers(CH1_CALL, CH1_CALL.call.model_call),
        "bad": _answers(CH1_CALL, CH1_CALL.call.bad_call.lines),
        "empty_turn": empty,
        "blank": {},
    }
    stock, free = tmp_path / "stock", tmp_path / "free"
    shutil.copytree(released_course, stock)
    for student, answers in honest.items():
        submit(stock, student, CH1, fill(release_notebook(stock, CH1), answers))
    shutil.copytree(stock, free)
    env = scripts_env(AUTOGRADER_EXECUTE="1")
    out = subprocess.run([str(BIN / "nbgrader"), "autograde", CH1], cwd=stock, env=env, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    grade_course(free, [CH1], progress=False)
    for student in honest:
        a = scores(stock, student, CH1)[CH1_CALL.grade_cell][0]
        b = scores(free, student, CH1)[CH1_CALL.grade_cell][0]
        assert a == b, (student, a, b)
    assert scores(stock, "model", CH1)[CH1_CALL.grade_cell][0] == CH1_CALL.points
    assert 0 < scores(stock, "empty_turn", CH1)[CH1_CALL.grade_cell][0] < CH1_CALL.points


@pytest.mark.slow
def test_run_test_in_a_kernel_scores_the_call_without_the_rescoring_step(released_course, tmp_path,
                                                                        call_with_the_hold_turn_left_empty):
    """Only nbgrader's Execute (no RescoreKitQuestions): what run_test prints in the kernel is the score."""
    _, empty = call_with_the_hold_turn_left_empty
    course = tmp_path / "course"
    shutil.copytree(released_course, course)
    submit(course, "empty_turn", CH1, fill(release_notebook(course, CH1), empty))
    submit(course, "model", CH1, fill(release_notebook(course, CH1), _answers(CH1_CALL, CH1_CALL.call.model_call)))
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    config = config.replace('"autograder.preprocessors.RescoreKitQuestions"', "")
    (course / "nbgrader_config.py").write_text(config, encoding="utf-8")
    env = scripts_env(AUTOGRADER_EXECUTE="1")
    out = subprocess.run([str(BIN / "nbgrader"), "autograde", CH1], cwd=course, env=env, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    free = tmp_path / "free"
    shutil.copytree(released_course, free)
    submit(free, "empty_turn", CH1, fill(release_notebook(free, CH1), empty))
    grade_course(free, [CH1], progress=False)
    assert (scores(course, "empty_turn", CH1)[CH1_CALL.grade_cell][0]
            == scores(free, "empty_turn", CH1)[CH1_CALL.grade_cell][0])
    assert scores(course, "model", CH1)[CH1_CALL.grade_cell][0] == CH1_CALL.points
