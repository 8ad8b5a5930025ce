"""Item 16: terminal escapes from answers and folder names reached the instructor's terminal.

A choice answer ``"\\x1b[2J\\x1b[H\\x1b]0;PWN\\x07"`` and a folder named
``esc\\x1b[2Jname`` went through the grade summary and the roster-import
output unchanged (clear screen, window title).  Everything the kit prints
goes through one helper, :func:`autograder.terminal.printable`.
"""
from __future__ import annotations

import unicodedata

import pytest

from attacks import CH1, assert_honest_untouched, bank_questions, gradebook, kit, submit_honest
from helpers import fill, key_answers, release_notebook, submit

from autograder.terminal import printable

pytestmark = pytest.mark.slow

PAYLOAD = "\x1b[2J\x1b[H\x1b]0;PWN\x07"


def _controls(text: str) -> list[str]:
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")]


def test_printable_escapes_every_control_character():
    text = "a\x1b[2J\x07\x9b31m\u202eevil\u2028x\udcff\n第二行\t"
    shown = printable(text)
    assert _controls(shown) == [] and shown.count("\n") == 1
    assert "\\x1b" in shown and "\\x07" in shown and "\\u202e" in shown and "\\xff" in shown
    assert printable("王伟 2024001, 第1题：回答正确") == "王伟 2024001, 第1题：回答正确"


def test_grade_summary_prints_no_control_characters(course):
    submit_honest(course)
    first = next(q for q in bank_questions() if q.type == "single")
    answers = dict(key_answers(CH1), **{first.var: '"' + PAYLOAD.replace("\x1b", "\\x1b").replace("\x07", "\\x07") + '"'})
    submit(course, "esc_answer", CH1, fill(release_notebook(course, CH1), answers))
    submit(course, "esc\x1b[2Jname", CH1, fill(release_notebook(course, CH1), key_answers(CH1)))
    done = kit("grade", "--course", str(course), "--quiet", CH1)
    assert done.returncode == 0, done.stderr
    assert _controls(done.stdout) == [] and _controls(done.stderr) == []
    assert "esc\\x1b[2Jname" in done.stdout  # reported, visibly
    assert "esc_answer" in done.stdout
    assert_honest_untouched(course)


def test_roster_import_output_prints_no_control_characters(course, tmp_path):
    with gradebook(course) as gb:  # left by an older run or by stock nbgrader
        gb.update_or_create_student("old\x1b]0;PWN\x07id")
    roster = tmp_path / "roster.csv"
    roster.write_text('学号,姓名\nhonest_a,王\x07伟\n"bad\x1b[2Jid",坏\n', encoding="utf-8-sig")
    done = kit("roster", "import", str(roster), "--course", str(course))
    assert done.returncode == 0, done.stderr
    assert _controls(done.stdout) == []
    assert "old\\x1b]0;PWN\\x07id" in done.stdout and "跳过 1 行" in done.stdout
