"""Item 8: a resubmission that crashes the grader kept the previous submission's scores.

Graded once with full marks, then resubmitted all wrong with nbgrader
metadata that fails to validate: the gradebook kept the old scores under the
new timestamp and export said 已评分.  Now such a submission scores 0, is
marked 无法读取 in the gradebook and export, and its stale autograded
notebook is replaced by the blank release copy at 0; a gradable re-grade still keeps manual grades.
"""
from __future__ import annotations

import copy
import csv
import json

import pytest

from attacks import CH1, assert_honest_untouched, auto_scores, bank_questions, comments, gradebook, kit, submit_honest
from helpers import fill, grade_id, key_answers, release_notebook, submit

from autograder.grading.grader import UNREADABLE, grade_course


def _schema_99(nb):
    next(c for c in nb["cells"] if c["cell_type"] == "markdown" and grade_id(c))["metadata"]["nbgrader"][
        "schema_version"] = 99


def _test_cell_not_graded(nb):
    test = next(c for c in nb["cells"] if grade_id(c).endswith("_test"))
    test["metadata"]["nbgrader"]["grade"] = False


def _answer_cell_graded(nb):
    answer = next(c for c in nb["cells"] if grade_id(c).endswith("_answer") and c["cell_type"] == "code")
    answer["metadata"]["nbgrader"].update(grade=True, points=50)


@pytest.mark.parametrize("crash", [_schema_99, _test_cell_not_graded, _answer_cell_graded])
def test_crashing_resubmission_scores_zero_and_is_marked_unreadable(course, tmp_path, crash):
    submit_honest(course)
    submit(course, "mallory", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    grade_course(course, [CH1], progress=False)
    assert sum(v or 0 for v in auto_scores(course, "mallory").values()) > 0
    assert (course / "autograded" / "mallory" / CH1 / f"{CH1}.ipynb").exists()

    wrong = fill(release_notebook(course, CH1), key_answers(CH1, wrong=True))
    crash(wrong)
    submit(course, "mallory", CH1, wrong, timestamp="2026-11-21 10:00:00.000000 UTC")
    report = grade_course(course, [CH1], progress=False)

    got = auto_scores(course, "mallory")
    assert all(v == 0 for v in got.values()), got
    assert all(c.startswith(UNREADABLE) for c in comments(course, "mallory"))
    assert any("评分出错" in i.message for i in report.issues if i.student == "mallory")
    # no stale notebook for formgrader or feedback: the blank release copy, every test cell saying why
    regraded = json.loads((course / "autograded" / "mallory" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8"))
    tests = [c for c in regraded["cells"] if grade_id(c).endswith("_test")]
    assert tests and all("".join(c["outputs"][0]["text"]).startswith(UNREADABLE) for c in tests)
    answers = [c for c in regraded["cells"] if grade_id(c).endswith("_answer") and c["cell_type"] == "code"]
    assert all("".join(c["source"]).rstrip().endswith('= ""') for c in answers)
    with gradebook(course) as gb:
        assert gb.find_submission(CH1, "mallory").timestamp.day == 21

    done = kit("export", "--course", str(course), "--out", str(tmp_path / "out"), "--no-charts")
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "out" / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["学号"]: r for r in csv.DictReader(fh)}
    status = next(k for k in rows["mallory"] if k.endswith("·状态"))
    total = next(k for k in rows["mallory"] if k.endswith("·合计"))
    assert rows["mallory"][status] == "文件无法读取" and float(rows["mallory"][total]) == 0
    assert rows["honest_a"][status] == "待人工评分"
    assert_honest_untouched(course)


def test_regrading_keeps_manual_grades_of_gradable_submissions(course):
    submit_honest(course)
    grade_course(course, [CH1], progress=False)
    short = next(q for q in bank_questions() if q.type == "short")
    with gradebook(course) as gb:
        grade = gb.find_grade(short.grade_cell, CH1, CH1, "honest_a")
        grade.manual_score = 4.0
        gb.db.commit()
    submit(course, "honest_a", CH1, copy.deepcopy(fill(release_notebook(course, CH1), key_answers(CH1),
                                                       short="先问候，再报工号。")),
           timestamp="2026-11-21 10:00:00.000000 UTC")
    grade_course(course, [CH1], progress=False)
    with gradebook(course) as gb:
        assert gb.find_grade(short.grade_cell, CH1, CH1, "honest_a").manual_score == 4.0
    assert_honest_untouched(course)
