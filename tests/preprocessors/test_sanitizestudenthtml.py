"""SanitizeStudentHtml: nothing a student wrote reaches a page as live HTML."""
from __future__ import annotations

import json

from autograder.preprocessors import SanitizeStudentHtml

from fixturenotebooks import fixture_notebook


def _clean():
    nb, _ = SanitizeStudentHtml()(fixture_notebook("student_html_in_markdown_and_outputs"), {})
    return nb


def test_student_markdown_loses_scripts_and_javascript_links_and_keeps_formatting():
    cell = _clean().cells[-1]
    assert "<script" not in cell.source and "javascript:" not in cell.source and "这里" in cell.source
    assert "<b>重点</b>" in cell.source and "看" in cell.source


def test_outputs_keep_only_plain_text_images_and_cleaned_html():
    out = _clean().cells[1].outputs[0]
    assert set(out.data) == {"text/html", "text/plain"}
    assert "onerror" not in out.data["text/html"] and "<p>表格</p>" in out.data["text/html"]
    assert out.metadata == {}


def test_a_locked_cell_with_a_known_grade_id_is_trusted_and_left_as_written():
    assert _clean().cells[0].source.endswith("<b>老师写的</b>")


def test_unsafe_tags_and_widget_state_go():
    nb = _clean()
    assert nb.cells[1].metadata["tags"] == ["ok-tag"]
    assert "widgets" not in nb.metadata
    assert "alert" not in json.dumps(nb, ensure_ascii=False)
