"""Changing an assignment after students submitted: build refuses, grade warns, nbgrader keeps release/.

Before: adding a question to the bank of a released assignment rebuilt
``source/`` without a word; inserting one renumbered every later 第N题;
``nbgrader generate_assignment --force`` deleted ``release/<a>`` and only then
failed, and ``grade`` went on with ``source/`` and the gradebook disagreeing.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import EXERCISES, fill, key_answers, release_notebook, submit

from autograder.questionbank.build import write_all
from autograder.classroom.coursesetup import create_course
from autograder.grading.grader import grade_course
from autograder.classroom.release import release
from autograder.grading.structure import Slot, compare
from autograder.grading.coursedir import scripts_env

CH1, CH2 = "ch1_telephone", "ch2_smile"
BIN = Path(sys.executable).parent


def _kit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = scripts_env()
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def submitted_course(tmp_path_factory) -> Path:
    """A course in a path with a space and Chinese; ch1 and ch2 released; one student handed in ch1, graded."""
    base = tmp_path_factory.mktemp("structure")
    course = create_course(base / "客服 2026", "kefu-structure", EXERCISES, base / "exchange")
    release(course, [CH1, CH2])
    submit(course, "s1", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    grade_course(course, [CH1], progress=False)
    return course


@pytest.fixture
def course(submitted_course: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "客服 副本"
    shutil.copytree(submitted_course, target)
    return target


def _edit_bank(course: Path, assignment: str, change) -> None:
    path = course / "bank" / f"{assignment}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["questions"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _insert_first(questions: list) -> None:
    new = dict(questions[0], id=questions[0]["id"][:-2] + "99", stem="（学期中新加的题）" + questions[0]["stem"])
    questions.insert(0, new)


def _swap_first_two(questions: list) -> None:
    questions[0], questions[1] = questions[1], questions[0]


def _drop_first(questions: list) -> None:
    del questions[0]


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.ipynb"))}


def test_compare_names_added_removed_and_renumbered():
    before = [Slot("a", "第1题", "single"), Slot("b", "第2题", "single"), Slot("c", "第3题", "short")]
    after = [Slot("n", "第1题", "single"), Slot("a", "第2题", "single"), Slot("c", "第3题", "short")]
    change = compare(CH1, before, after)
    assert [s.qid for s in change.added] == ["n"] and [s.qid for s in change.removed] == ["b"]
    assert change.moved == [(before[0], after[1])]
    assert "新增 第1题（n）" in change.describe() and "a：第1题→第2题" in change.describe()
    assert not compare(CH1, before, list(before))


@pytest.mark.parametrize("change, words", [(_insert_first, "新增"), (_swap_first_two, "改变题号"),
                                           (_drop_first, "删除")])
def test_build_refuses_to_change_the_questions_of_a_submitted_assignment(course, change, words):
    source, released = _snapshot(course / "source"), _snapshot(course / "release")
    _edit_bank(course, CH1, change)
    out = _kit("build", cwd=course)
    assert out.returncode == 1
    assert "已经有学生提交" in out.stderr and words in out.stderr and CH1 in out.stderr
    assert "1 名学生已提交" in out.stderr and "学期中加题" in out.stderr and "Traceback" not in out.stderr
    assert _snapshot(course / "source") == source and _snapshot(course / "release") == released  # nothing written


def test_build_allows_wording_edits_and_changes_to_unsubmitted_assignments(course):
    def reword(questions):
        questions[0]["stem"] = questions[0]["stem"] + "（措辞修改）"

    _edit_bank(course, CH1, reword)
    _edit_bank(course, CH2, _insert_first)  # nobody handed in ch2 yet
    out = _kit("build", "--course", str(course), cwd=course.parent)
    assert out.returncode == 0, out.stderr
    assert "（措辞修改）" in (course / "source" / CH1 / f"{CH1}.ipynb").read_text(encoding="utf-8")
    assert "学期中新加的题" in (course / "source" / CH2 / f"{CH2}.ipynb").read_text(encoding="utf-8")
    assert _nbgrader(course, "generate_assignment", CH1, "--force").returncode == 0  # wording: nbgrader agrees


def test_a_hand_rebuilt_source_makes_grade_warn_and_generate_assignment_keep_release(course):
    _edit_bank(course, CH1, _insert_first)
    write_all(course / "bank", course / "source")  # rebuilt without the guard (an older kit, or by hand)
    released = _snapshot(course / "release")

    out = _nbgrader(course, "generate_assignment", CH1, "--force")
    assert out.returncode != 0
    assert "已有学生提交的作业不能增加或删除题目" in out.stdout + out.stderr
    assert "ch1_s99_test" in out.stdout + out.stderr
    assert _snapshot(course / "release") == released  # release/ch1 is still there, unchanged

    graded = _kit("grade", "--course", str(course), CH1, "--quiet", cwd=course)
    assert "source/ 和成绩库的题目不一致" in graded.stdout and "ch1_s99_test" in graded.stdout


@pytest.mark.slow
def test_stock_generate_assignment_deletes_release_before_failing(course):
    """What the guard prevents: nbgrader's own exporter lets --force delete release/ch1 first."""
    _edit_bank(course, CH1, _insert_first)
    write_all(course / "bank", course / "source")
    out = _nbgrader(course, "generate_assignment", CH1, "--force",
                    "--GenerateAssignment.exporter_class=nbconvert.exporters.NotebookExporter")
    assert out.returncode != 0
    assert not (course / "release" / CH1).exists()


def test_adding_questions_mid_term_as_a_new_assignment_as_the_readme_says(course):
    ch1 = yaml.safe_load((course / "bank" / f"{CH1}.yaml").read_text(encoding="utf-8"))
    extra = dict(ch1, number=5, assignment="ch5_telephone_extra", title="第一章 电话礼仪 · 补充练习")
    single = next(q for q in ch1["questions"] if q["type"] == "single")
    short = next(q for q in ch1["questions"] if q["type"] == "short")
    extra["questions"] = [dict(single, id="ch5_s01"), dict(short, id="ch5_a01")]
    (course / "bank" / "ch5_telephone_extra.yaml").write_text(yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8")
    source, released = _snapshot(course / "source" / CH1), _snapshot(course / "release" / CH1)

    out = _kit("build", cwd=course)
    assert out.returncode == 0, out.stderr
    assert _nbgrader(course, "generate_assignment", "ch5_telephone_extra").returncode == 0
    assert (course / "release" / "ch5_telephone_extra" / "ch5_telephone_extra.ipynb").is_file()
    assert _snapshot(course / "source" / CH1) == source and _snapshot(course / "release" / CH1) == released
