"""Kernel-free grading of a real nbgrader course: scores, bad inputs, cheats, re-grading."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
import warnings

import pytest
from nbformat.warnings import MissingIDFieldWarning
from autograder.grading.coursedir import course_gradebook

from autograder.questionbank.load import load_bank
from autograder.grading.grader import MISSING, UNREADABLE, grade_course
from autograder.classroom.simulate import CHEATS

from helpers import EXERCISES, copy_course, fill, grade_id, key_answers, release_notebook, scores, submit
from autograder.grading.coursedir import quiet_nbgrader_warnings

CH1 = "ch1_telephone"
BANK = {ch.assignment: ch for ch in load_bank(EXERCISES / "bank")}


def _questions(assignment=CH1):
    return BANK[assignment].questions


def _auto(course, student, assignment=CH1) -> dict[str, float]:
    return {k: v[0] for k, v in scores(course, student, assignment).items()}


def _gradebook(course):
    return course_gradebook(course)


def test_key_answers_score_full_marks_and_short_answers_await_the_grader(course):
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), key_answers(CH1), short="先问候，再报工号。"))
    report = grade_course(course, [CH1], progress=False)
    assert report.issues == [] and report.errors == []
    got = scores(course, "s1", CH1)
    for q in _questions():
        auto, manual, needs = got[q.grade_cell]
        if q.type == "short":
            assert auto is None and needs, q.id
        else:
            assert auto == q.points and not needs, q.id


def test_blank_release_scores_zero_on_every_question(course):
    submit(course, "blank", CH1, release_notebook(course, CH1))
    grade_course(course, [CH1], progress=False)
    got = scores(course, "blank", CH1)
    assert all(auto == 0 for auto, _, _ in got.values())
    assert all(not needs for _, _, needs in got.values())


def test_wrong_answers_score_zero(course):
    submit(course, "w", CH1, fill(release_notebook(course, CH1), key_answers(CH1, wrong=True)))
    grade_course(course, [CH1], progress=False)
    got = _auto(course, "w")
    assert all(got[q.grade_cell] == 0 for q in _questions() if q.type not in ("short", "call"))
    call = next(q for q in _questions() if q.type == "call")  # the bad call earns what the bank says
    assert got[call.grade_cell] == pytest.approx(call.points * call.call.bad_call.score, abs=0.05 * call.points)


def test_partial_multiple_choice_follows_the_preset(course):
    multi = next(q for q in _questions() if q.type == "multiple")
    assert multi.policy == "subset_partial"
    answers = {multi.var: json.dumps(multi.key[0])}
    submit(course, "p", CH1, fill(release_notebook(course, CH1), answers))
    grade_course(course, [CH1], progress=False)
    assert _auto(course, "p")[multi.grade_cell] == round(multi.points / len(multi.key), 2)


def test_tolerant_spellings_score_like_the_canonical_answer(course):
    single = next(q for q in _questions() if q.type == "single")
    multi = next(q for q in _questions() if q.type == "multiple")
    answers = {single.var: f"“{single.key[0].lower()}.”", multi.var: json.dumps("、".join(reversed(multi.key)))}
    submit(course, "t", CH1, fill(release_notebook(course, CH1), answers))
    grade_course(course, [CH1], progress=False)
    got = _auto(course, "t")
    assert got[single.grade_cell] == single.points and got[multi.grade_cell] == multi.points


def test_rewrite_scores_the_share_of_requirements_met(course):
    rw = next(q for q in _questions() if q.type == "rewrite" and q.scenario == "opening")
    submit(course, "r", CH1, fill(release_notebook(course, CH1), {rw.var: json.dumps("您好，请问有什么可以帮您？")}))
    grade_course(course, [CH1], progress=False)
    score = _auto(course, "r")[rw.grade_cell]
    assert 0 < score < rw.points  # greeting and offer, no identity
    nb = json.loads((course / "autograded" / "r" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8"))
    out = next(c for c in nb["cells"] if grade_id(c) == rw.grade_cell)["outputs"]
    assert "缺少自报家门" in "".join(out[0]["text"]) and float("".join(out[1]["data"]["text/plain"])) == score


# ---------------------------------------------------------------- bad input: each situation, one class run

def _class_with_bad_inputs(course):
    release = release_notebook(course, CH1)
    right = key_answers(CH1)
    good = fill(copy.deepcopy(release), right)
    first = _questions()[0]

    def without(nb, gid):
        nb["cells"] = [c for c in nb["cells"] if grade_id(c) != gid]
        return nb

    situations = {}
    situations["invalid_json"] = json.dumps(good)[:500]
    situations["other_assignment"] = fill(release_notebook(course, "ch2_smile"), key_answers("ch2_smile"))
    situations["deleted_answer_cell"] = without(copy.deepcopy(good), first.answer_cell)
    situations["deleted_test_cell"] = without(copy.deepcopy(good), first.grade_cell)
    dup = copy.deepcopy(good)
    i = next(i for i, c in enumerate(dup["cells"]) if grade_id(c) == first.answer_cell)
    second = copy.deepcopy(dup["cells"][i])
    second["id"] = "dup"
    second["source"] = f'{first.var} = "{next(o for o in first.options if o not in first.key)}"'
    dup["cells"].insert(i + 1, second)
    situations["duplicated_answer_cell"] = dup  # the later copy wins, as in a kernel: wrong
    reordered = copy.deepcopy(good)
    cells = reordered["cells"]
    j = next(i for i, c in enumerate(cells) if grade_id(c) == first.answer_cell)
    cells.append(cells.pop(j))  # answer cell moved to the very end
    situations["reordered_cells"] = reordered
    retyped = copy.deepcopy(good)
    for c in retyped["cells"]:
        if grade_id(c) == first.answer_cell:
            c["cell_type"] = "markdown"
            c.pop("outputs", None)
            c.pop("execution_count", None)
    situations["retyped_answer_cell"] = retyped
    extra = copy.deepcopy(good)
    extra["cells"].insert(3, {"cell_type": "code", "execution_count": 3, "id": "x1", "metadata": {},
                              "outputs": [], "source": "草稿 = 1 + 1\nprint(草稿)"})
    situations["extra_cells"] = extra
    huge = copy.deepcopy(good)  # 9 MB of output: under the size limit (SubmissionLimits.max_notebook_bytes)
    next(c for c in huge["cells"] if c["cell_type"] == "code")["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "好" * 3_000_000}]
    situations["enormous_output"] = huge
    situations["missing_notebook"] = None
    situations["answer_as_code"] = fill(copy.deepcopy(release), dict(right, **{first.var: '"A" + chr(66)'}))
    situations["answer_in_full-width_and_Chinese_quotes"] = fill(
        copy.deepcopy(release), dict(right, **{first.var: "“" + chr(ord(first.key[0]) + 0xFEE0) + "”"}))
    students = {"ok_1": good, "王小明": good, **situations}
    for student, nb in students.items():
        submit(course, student, CH1, nb)
    return students


@pytest.fixture(scope="module")
def bad_class(released_course, tmp_path_factory):

    """(course, students, report, the grading's MissingIDFieldWarnings); other warnings pass through."""
    course = tmp_path_factory.mktemp("bad") / "course"
    copy_course(released_course, course)
    students = _class_with_bad_inputs(course)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = grade_course(course, [CH1], progress=False)
    missing_ids = [w for w in caught if issubclass(w.category, MissingIDFieldWarning)]
    for w in caught:
        if w not in missing_ids:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return course, students, report, missing_ids


def test_one_bad_submission_never_stops_the_class(bad_class):
    course, students, report, missing_ids = bad_class
    assert [str(w.message) for w in missing_ids] == []  # a deleted cell put back gets a cell id
    assert {r.student for r in report.results} == set(students)
    full = sum(q.points for q in _questions() if q.type != "short")
    assert sum(_auto(course, "ok_1").get(q.grade_cell) or 0 for q in _questions()) == full
    assert sum(_auto(course, "王小明").get(q.grade_cell) or 0 for q in _questions()) == full


def _issues(report, student):
    return [i.message for i in report.issues if i.student == student]


@pytest.mark.parametrize("student, first_points, message", [
    ("invalid_json", 0, "不是有效的 notebook"),
    ("other_assignment", 0, "看起来是 ch2_smile/ch2_smile 的文件"),
    ("deleted_answer_cell", 0, "找不到 第1题 的答案"),
    ("deleted_test_cell", "full", None),
    ("duplicated_answer_cell", 0, None),
    ("reordered_cells", "full", None),
    ("retyped_answer_cell", "full", None),
    ("extra_cells", "full", None),
    ("enormous_output", "full", None),
    ("missing_notebook", 0, "没有提交 ch1_telephone.ipynb"),
    ("answer_as_code", 0, "要直接写在引号里"),
    ("answer_in_full-width_and_Chinese_quotes", "full", None),
])
def test_each_bad_input_gets_the_right_score_and_a_clear_message(bad_class, student, first_points, message):
    course, _, report, _ = bad_class
    first = _questions()[0]
    got = _auto(course, student)
    assert got[first.grade_cell] == (first.points if first_points == "full" else first_points)
    if message:
        assert any(message in m for m in _issues(report, student)), _issues(report, student)
    else:
        assert _issues(report, student) == []


def test_whole_file_problems_zero_every_question_and_leave_a_comment(bad_class):
    course, _, _, _ = bad_class
    with quiet_nbgrader_warnings():
        with _gradebook(course) as gb:
            for student, prefix in (("invalid_json", UNREADABLE), ("missing_notebook", MISSING),
                                    ("other_assignment", UNREADABLE)):
                sub = gb.find_submission_notebook(CH1, CH1, student)
                assert all(g.auto_score == 0 for g in sub.grades)
                assert all(c.auto_comment.startswith(prefix) for c in sub.comments)
            sub = gb.find_submission_notebook(CH1, CH1, "answer_as_code")
            comment = next(c for c in sub.comments if c.name == _questions()[0].answer_cell)
            assert comment.auto_comment.startswith(UNREADABLE) and "引号" in comment.auto_comment


def test_autograded_files_are_where_nbgrader_puts_them(bad_class):
    course, _, _, _ = bad_class
    for student in ("ok_1", "王小明", "enormous_output"):
        base = course / "autograded" / student / CH1
        assert (base / f"{CH1}.ipynb").exists() and (base / "timestamp.txt").exists()
    nb = json.loads((course / "autograded" / "enormous_output" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8"))
    assert max(len(json.dumps(c.get("outputs", []))) for c in nb["cells"]) < 10_000


# ---------------------------------------------------------------- cheats and code that must never run

@pytest.mark.parametrize("cheat", sorted(CHEATS))
@pytest.mark.parametrize("where", ["top", "after_answers"])
def test_cheats_earn_exactly_what_the_wrong_answers_earn(course, cheat, where):
    wrong = fill(release_notebook(course, CH1), key_answers(CH1, wrong=True))
    submit(course, "plain", CH1, copy.deepcopy(wrong))
    code = CHEATS[cheat].replace("{var}", _questions()[0].var)
    cell = {"cell_type": "code", "execution_count": None, "id": "cheat", "metadata": {}, "outputs": [], "source": code}
    cheated = copy.deepcopy(wrong)
    cheated["cells"].insert(1 if where == "top" else len(cheated["cells"]) - 3, cell)
    submit(course, "cheater", CH1, cheated)
    grade_course(course, [CH1], progress=False)
    assert _auto(course, "cheater") == _auto(course, "plain")
    calls = {q.grade_cell for q in _questions() if q.type == "call"}  # the bad call earns its share
    assert all(v in (0, None) for k, v in _auto(course, "cheater").items() if k not in calls)


def test_grading_never_executes_student_code(course, tmp_path):
    marker = tmp_path / "executed"
    nb = fill(release_notebook(course, CH1), key_answers(CH1))
    nb["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "evil", "metadata": {},
                           "outputs": [], "source": f"open({str(marker)!r}, 'w').write('ran')"})
    first = _questions()[0]
    for c in nb["cells"]:
        if grade_id(c) == first.answer_cell:
            c["source"] += f"\nopen({str(marker)!r}, 'w').write('ran')"
    submit(course, "evil", CH1, nb)
    grade_course(course, [CH1], progress=False)
    assert not marker.exists()
    assert _auto(course, "evil")[first.grade_cell] == first.points


# ---------------------------------------------------------------- re-grading loses nothing

def test_regrading_keeps_manual_grades_and_comments(course):
    short = next(q for q in _questions() if q.type == "short")
    single = _questions()[0]
    submit(course, "m", CH1, fill(release_notebook(course, CH1), key_answers(CH1), short="先安抚情绪。"))
    grade_course(course, [CH1], progress=False)
    with quiet_nbgrader_warnings():
        with _gradebook(course) as gb:
            gb.find_grade(short.grade_cell, CH1, CH1, "m").manual_score = 5
            gb.find_grade(single.grade_cell, CH1, CH1, "m").manual_score = 1
            gb.find_comment(single.answer_cell, CH1, CH1, "m").manual_comment = "审阅过：写得好"
            gb.db.commit()
    # the student resubmits; the instructor grades again
    submit(course, "m", CH1, fill(release_notebook(course, CH1), key_answers(CH1, wrong=True), short="改过的答案"))
    grade_course(course, [CH1], progress=False)
    with quiet_nbgrader_warnings():
        with _gradebook(course) as gb:
            assert gb.find_grade(short.grade_cell, CH1, CH1, "m").manual_score == 5
            g = gb.find_grade(single.grade_cell, CH1, CH1, "m")
            assert g.manual_score == 1 and g.auto_score == 0 and g.needs_manual_grade  # flagged for review
            assert gb.find_comment(single.answer_cell, CH1, CH1, "m").manual_comment == "审阅过：写得好"


# ---------------------------------------------------------------- the command line and plain nbgrader

def test_grade_command_prints_a_summary_per_student(course):
    submit(course, "ok", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    submit(course, "broken", CH1, "{not json")
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course), "--quiet"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()  # each student with a problem heads a list: "  学号："
    assert "  broken：" in lines and "不是有效的 notebook" in out.stdout
    assert "  ok：" not in lines


def test_grade_command_names_an_unreleased_assignment(course):
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course), "ch9_nothing",
                          "--quiet"], capture_output=True, text=True)
    assert out.returncode == 1 and "ch9_nothing" in out.stdout and "generate_assignment" in out.stdout


def test_plain_nbgrader_autograde_in_the_course_is_kernel_free_too(course):
    """The course config swaps Execute for KernelFreeGrade: `nbgrader autograde` gives the same scores."""
    submit(course, "a", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    submit(course, "b", CH1, release_notebook(course, CH1))
    grade_course(course, [CH1], progress=False)
    ours = {s: _auto(course, s) for s in ("a", "b")}
    bindir = str(sys.executable).rsplit("/", 1)[0]
    env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": str(course)}
    out = subprocess.run([f"{bindir}/nbgrader", "autograde", CH1, "--force"], cwd=course, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert {s: _auto(course, s) for s in ("a", "b")} == ours
