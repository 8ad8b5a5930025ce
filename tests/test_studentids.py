"""Student ids: one rule for roster import, collect, grading and export; the roster side table."""
from __future__ import annotations

import os

import pytest

from autograder.grading.studentids import id_problem, mark_listed, mark_unlisted, roster_ids, shown


@pytest.mark.parametrize("sid", ["2024001", "李雷", "zhang.san", "2024-030", "a_b@school", "X" * 128])
def test_safe_ids(sid):
    assert id_problem(sid) is None


@pytest.mark.parametrize("sid, words", [
    ("", "为空"), ("a+b", "+"), ("a b", "空格"), ("<img src=x onerror=alert(1)>", "<"), ("a/b", "/"),
    ("-rf", "开头"), (".hidden", "开头"), ("a\x1bb", "\\x1b"), ("a\u200bb", "\\u200b"), ("Ａ1", "Ａ"),
    ("x" * 129, "太长"), ("stu" + os.fsdecode(b"\xff"), "UTF-8"),
])
def test_unsafe_ids_say_why(sid, words):
    problem = id_problem(sid)
    assert problem and words in problem
    assert "\x1b" not in problem


def test_shown_makes_any_folder_name_printable():
    assert shown(os.fsdecode(b"stu\xff")) == "stu\\xff"
    assert shown("esc\x1b[2J") == "esc\\x1b[2J"


@pytest.mark.nbgrader
def test_roster_is_gradebook_students_the_grader_did_not_create(tmp_path):
    from nbgrader.api import Gradebook

    from autograder.grading.coursedir import quiet_nbgrader_warnings

    with quiet_nbgrader_warnings(), Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "c") as gb:
        assert roster_ids(gb) is None
        gb.update_or_create_student("auto1")
        mark_unlisted(gb, "auto1")
        gb.db.commit()
        assert roster_ids(gb) is None  # only grader-made students: no roster
        gb.update_or_create_student("listed1")
        assert roster_ids(gb) == {"listed1"}
        mark_listed(gb, ["auto1"])
        gb.db.commit()
        assert roster_ids(gb) == {"auto1", "listed1"}
