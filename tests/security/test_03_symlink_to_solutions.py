"""Item 3: a symlink to the solutions (or to a classmate's work) earns full marks.

In ``submitted/`` the kit follows no link; through the exchange, ``nbgrader
collect`` copies a planted link's target (the source notebook with solutions
and hidden tests) as a regular file, which the kit recognises and refuses;
the kit's own collect step copies no link at all.
"""
from __future__ import annotations

import json
import os

import pytest

from attacks import (CH1, assert_honest_untouched, auto_scores, comments, hand_in, honest_notebook, kit, nbgrader,
                     submit_honest, HONEST)
from helpers import EXERCISES, key_answers, release_notebook, fill, off_policy_lines, submit

from autograder.grading.grader import UNREADABLE, grade_course


def _source_nb(course):
    return course / "source" / CH1 / f"{CH1}.ipynb"


def _plant_link(course, student, target, relative=False):
    folder = course / "submitted" / student / CH1
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", encoding="utf-8")
    link = folder / f"{CH1}.ipynb"
    os.symlink(os.path.relpath(target, folder) if relative else target, link)
    return link


def _zero_and_refused(course, student, words):
    got = auto_scores(course, student)
    assert got and all(v == 0 for v in got.values()), got
    notes = comments(course, student)
    assert all(c.startswith(UNREADABLE) for c in notes)
    assert any(words in c for c in notes), notes[:1]


def test_symlinks_in_submitted_are_not_followed(course):
    submit_honest(course)
    _plant_link(course, "to_source_abs", _source_nb(course))
    _plant_link(course, "to_source_rel", _source_nb(course), relative=True)
    _plant_link(course, "to_victim", course / "submitted" / "honest_a" / CH1 / f"{CH1}.ipynb")
    report = grade_course(course, [CH1], progress=False)
    for student in ("to_source_abs", "to_source_rel", "to_victim"):
        _zero_and_refused(course, student, "符号链接")
        assert any("符号链接" in i.message for i in report.issues if i.student == student)
    assert_honest_untouched(course)


def test_symlinked_assignment_folder_is_not_followed(course):
    submit_honest(course)
    (course / "submitted" / "linker").mkdir(parents=True)
    os.symlink(course / "submitted" / "honest_a" / CH1, course / "submitted" / "linker" / CH1)
    grade_course(course, [CH1], progress=False)
    _zero_and_refused(course, "linker", "符号链接")
    assert_honest_untouched(course)


def test_source_copy_and_stripped_solutions_are_refused(course):
    submit_honest(course)
    submit(course, "copied", CH1, _source_nb(course).read_text(encoding="utf-8"))  # a hard link or plain copy
    nb = json.loads(_source_nb(course).read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # delimiters and hidden tests taken out, solutions kept
        src = "".join(cell["source"])
        if "### BEGIN HIDDEN TESTS" in src:
            cell["source"] = "# 第N题的自动评分格"
        cell["source"] = "\n".join(ln for ln in "".join(cell["source"]).splitlines() if "BEGIN" not in ln and "END" not in ln)
    submit(course, "stripped", CH1, nb)
    grade_course(course, [CH1], progress=False)
    _zero_and_refused(course, "copied", "老师的源文件")
    _zero_and_refused(course, "stripped", "老师的源文件")
    assert_honest_untouched(course)


def test_symlinked_extra_file_is_not_copied(course, tmp_path):
    secret = tmp_path / "teacher_notes.txt"
    secret.write_text("TEACHER-SECRET-123 do not leak\n", encoding="utf-8")
    submit_honest(course)
    folder = course / "submitted" / "honest_a" / CH1
    os.symlink(secret, folder / "notes.txt")
    (folder / "own.txt").write_text("my own notes", encoding="utf-8")
    report = grade_course(course, [CH1], progress=False)
    out = course / "autograded" / "honest_a" / CH1
    assert (out / "own.txt").read_text(encoding="utf-8") == "my own notes"
    assert not (out / "notes.txt").exists()
    assert any("notes.txt" in i.message for i in report.issues if i.student == "honest_a")
    assert_honest_untouched(course)


@pytest.mark.slow
def test_exchange_symlink_collected_by_nbgrader_is_refused_and_kit_collect_copies_no_link(exchange_course):
    course, inbound = exchange_course
    for student in HONEST:
        hand_in(inbound, student, honest_notebook(course, student))
    planted = hand_in(inbound, "mallory", None)
    os.symlink(_source_nb(course), planted / f"{CH1}.ipynb")
    extra = hand_in(inbound, "eve", fill(release_notebook(course, CH1), key_answers(CH1, wrong=True)))
    os.symlink(_source_nb(course), extra / "solutions.ipynb.txt")

    # stock nbgrader collect dereferences the link: the source notebook lands in submitted/ as a regular file
    assert nbgrader(course, "collect", CH1).returncode == 0
    landed = course / "submitted" / "mallory" / CH1 / f"{CH1}.ipynb"
    assert not landed.is_symlink() and "BEGIN HIDDEN TESTS" in landed.read_text(encoding="utf-8")
    done = kit("grade", "--course", str(course), "--quiet")
    assert done.returncode == 0, done.stderr
    _zero_and_refused(course, "mallory", "老师的源文件")
    assert "mallory" in done.stdout and "老师的源文件" in done.stdout
    assert_honest_untouched(course)

    # the kit's collect step copies no link: mallory's notebook is simply missing, eve's link is not copied
    import shutil

    shutil.rmtree(course / "submitted")
    done = kit("collect", "--course", str(course), CH1)
    assert done.returncode == 0, done.stderr
    assert not (course / "submitted" / "mallory" / CH1 / f"{CH1}.ipynb").exists()
    assert not (course / "submitted" / "eve" / CH1 / "solutions.ipynb.txt").exists()
    assert "未复制" in done.stdout and "solutions.ipynb.txt" in done.stdout
    assert "files not copied" in done.stdout and off_policy_lines(done.stdout) == [], done.stdout
    done = kit("grade", "--course", str(course), "--quiet")
    assert done.returncode == 0, done.stderr
    assert all(v == 0 for v in auto_scores(course, "mallory").values())
    assert_honest_untouched(course)


def test_source_notebook_unchanged_by_the_attacks(course):
    # the attacks above must not have written through a link into the instructor's files
    assert _source_nb(course).read_bytes() == (EXERCISES / "source" / CH1 / f"{CH1}.ipynb").read_bytes()
