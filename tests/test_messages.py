"""The language policy: instructor messages of the class commands read 中文（English）."""
from __future__ import annotations

import re

import pytest

from autograder.cli import main
from autograder.messages import error_line, say

# Chinese first, then the English in full-width brackets, then optionally a detail after a full-width colon
FORM = re.compile(r"^\S*[\u4e00-\u9fff][^（）]*（[A-Za-z][^（）]*）(：.*)?$")


def test_say_puts_the_chinese_first_and_the_english_in_full_width_brackets():
    assert say("已写入", "wrote") == "已写入（wrote）"
    assert error_line("no such course directory: x") == "出错（error）：no such course directory: x"
    with pytest.raises(ValueError):
        say("已写入", "")


@pytest.mark.parametrize("argv", [
    ["demo", "--students", "0"],
    ["print-cards", "--course", "/nonexistent/course-folder", "--out", "UNUSED"],
])
def test_class_commands_report_errors_in_the_policy_form(argv, capsys, tmp_path):
    assert main([str(tmp_path / "out") if a == "UNUSED" else a for a in argv]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines and FORM.match(lines[0]), lines


def test_new_course_reports_in_the_policy_form(tmp_path, capsys):
    assert main(["new-course", str(tmp_path / "c"), "--course-id", "demo-course",
                 "--exchange", str(tmp_path / "exchange")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("已建立课程（course created）：")
    assert FORM.match(out[0]) and out[2].startswith("下一步：改题后运行（next: edit the bank, then run）")
