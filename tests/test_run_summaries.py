"""The summaries ``grade`` and ``export`` print for the instructor follow the language policy.

Each message line reads 中文（English）, details after a full-width colon
(autograder/messages.py); list items under a message are indented details.
Built from hand-made results: no course, no gradebook.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from test_messages import FORM

from autograder.grading.gradereport import GradeReport, Issue, Refused, SubmissionResult
from autograder.messages import error_line
from autograder.report.analytics import Flag, Item, ItemStats, summarise
from autograder.report.table import ExportResult, ScoreChapter, ScoreColumn, ScoreTable


def _messages(text: str) -> list[str]:
    """The summary's message lines: those not indented (indented lines are list items)."""
    return [line for line in text.splitlines() if not line.startswith(" ")]


def _report(**extra) -> GradeReport:
    broken = Issue("s2", "ch1", "ch1", "第3题", "第3题：无法读取答案——“E”不是本题的选项，记 0 分。")
    results = [SubmissionResult("s1", "ch1", "ch1", "graded", 4.0, 6.0),
               SubmissionResult("s2", "ch1", "ch1", "graded", 2.0, 6.0, issues=[broken])]
    return GradeReport(results=results, seconds=1.5, **extra)


def test_a_grade_summary_reads_chinese_then_english_then_details():
    report = _report(refused=[Refused("bad id", "ch1", "学号里有空格")],
                     errors=["成绩库里没有作业 'ch9'（assignment 'ch9' is not in the gradebook）：ch1"],
                     warnings=["source/ 和成绩库的题目不一致（source/ and the gradebook disagree）：ch1/ch1"])
    text = report.summary()
    lines = _messages(text)
    assert len(lines) == 5 and all(FORM.match(line) for line in lines), lines
    head, error, warning, refused, unread = lines
    assert head.startswith("评分完成，2 名学生的 2 份 notebook，2 份全部或部分读取（graded 2 notebooks of 2 students")
    assert head.endswith("read fully or in part）：1.5 s")
    assert error == error_line(report.errors[0]) and warning.startswith("警告（warning）：source/")
    assert refused == "未评分、未写入成绩库的文件夹，共 1 个（folders refused, nothing written: 1）："
    assert unread == "未能完整读取的提交，共 1 名学生（submissions not read fully, students: 1）："
    assert "  - bad id/ch1：学号里有空格" in text.splitlines()
    assert "    - ch1/ch1 第3题：第3题：无法读取答案——“E”不是本题的选项，记 0 分。" in text.splitlines()


def test_a_clean_grade_summary_says_every_submission_was_read():
    text = GradeReport(results=[SubmissionResult("s1", "ch1", "ch1", "graded", 6.0, 6.0)]).summary()
    assert text.splitlines()[-1] == "所有提交都已完整读取（every submission was read fully）"
    assert all(FORM.match(line) for line in _messages(text))


def test_the_grade_summary_escapes_control_characters_a_student_put_in_a_folder_name():
    text = _report(refused=[Refused("evil\x1b[2J", "ch1", "学号里有控制字符")]).summary()
    assert "\x1b" not in text and "evil\\x1b[2J/ch1" in text


def test_the_graders_course_level_errors_follow_the_form(tmp_path):
    from autograder.grading.grader import Grader

    grader = Grader(tmp_path)  # an empty folder: nbgrader's defaults, nothing submitted
    gb = SimpleNamespace(assignments=[SimpleNamespace(name="ch1_telephone")])
    report = GradeReport()
    assert grader._released(gb, ["ch9_missing"], report) == []
    assert len(report.errors) == 1 and FORM.match(error_line(report.errors[0])), report.errors
    assert "ch9_missing" in report.errors[0] and report.errors[0].endswith("：ch1_telephone")


def _export_result(n_students: int = 3) -> ExportResult:
    q = ScoreColumn("ch1/ch1/q1", "ch1", "ch1", "q1", "a1", "第1题", "single", 2.0, "电话礼仪·第1题", "ABCD", "B")
    chapter = ScoreChapter("ch1", 1, "电话礼仪", (q,))
    table = ScoreTable("kefu", [chapter], [], left_out=[("bad\\x01", "学号里有控制字符")])
    stats = ItemStats(Item(q.key, q.label, 2.0, "single", "ABCD", "B"), n_students, 1.0, 0.5, 2.0, 0.0, 1,
                      -0.2, -0.1, flags=(Flag("negative_discrimination", "区分度为负"),))
    return ExportResult(table, {"ch1": [stats]}, [], 0, [summarise("电话礼仪", [2.0, 1.0, 0.0], 2.0)],
                        files={"scores.csv": Path("/out/scores.csv")}, warnings=["图表缺字：某"])


def test_an_export_summary_reads_chinese_then_english_then_details():
    text = _export_result().summary()
    lines = text.splitlines()
    assert _messages(text) == ["导出完成，0 名学生、1 章、1 题（exported students: 0, chapters: 1, questions: 1）"]
    assert FORM.match(lines[0])
    items = [line.strip() for line in lines[1:] if not line.startswith("  电话礼仪：")]
    assert items and all(FORM.match(line) for line in items), items
    assert "已写入（wrote）：/out/scores.csv" in items and "警告（warning）：图表缺字：某" in items
    assert "未导出（left out）：bad\\x01，学号里有控制字符" in items
    assert any(line.startswith("需要检查的题目") and line.endswith("：1") for line in items)
    assert any("3 名学生" in line and "少于 20 人" in line for line in items)


def test_an_export_of_a_large_class_has_no_small_sample_line():
    assert "少于" not in _export_result(n_students=25).summary()


def test_an_export_of_a_missing_course_folder_says_so_in_the_form(tmp_path):
    from autograder.report.export import ExportError, read_scores

    with pytest.raises(ExportError) as caught:
        read_scores(tmp_path / "no-such-course")
    message = str(caught.value)
    assert FORM.match(message) and message.startswith("课程文件夹不存在（no such course directory）：")
    assert FORM.match(error_line(message))
