"""The students' self-check: is each answer readable and well formed (never: is it right)."""
from __future__ import annotations

import pytest

from autograder.grading.selfcheck import check_answers, self_check

PUBLIC = {
    "第1题": {"type": "single", "options": "ABCD"},
    "第2题": {"type": "multiple", "options": "ABCDE"},
    "第3题": {"type": "rewrite", "scenario": "opening", "bad": "喂，你找谁？"},
}


def _rows(sources):
    return {r.var: r for r in check_answers(PUBLIC, sources)}


def test_readable_answers_are_confirmed_without_saying_whether_they_are_right():
    rows = _rows(['第1题 = "b"', '第2题 = "A、C"', '第3题 = "您好，这里是客服中心，我是3号客服，请问有什么可以帮您？"'])
    assert rows["第1题"].status == "ok" and "已读取：B" in rows["第1题"].message
    # a right and a wrong letter get the same words: the self-check knows no key
    right, wrong = _rows(['第1题 = "C"'])["第1题"], _rows(['第1题 = "A"'])["第1题"]
    assert right.message.replace("C", "?") == wrong.message.replace("A", "?")
    assert rows["第2题"].status == "ok" and "AC" in rows["第2题"].message
    assert rows["第3题"].status == "ok" and "通过规则检查" in rows["第3题"].message


def test_problems_are_explained():
    rows = _rows(['第1题 = "AB"', '第2题 = "F"', '第3题 = "喂，你找谁？"'])
    assert rows["第1题"].status == "error" and "单选题只能填写一个字母" in rows["第1题"].message
    assert rows["第2题"].status == "error" and "不是本题的选项" in rows["第2题"].message
    assert rows["第3题"].status == "error" and "“您”" in rows["第3题"].message


def test_blank_answers_are_marked_unanswered():
    rows = _rows(['第1题 = ""', '第2题 = ""', '第3题 = ""'])
    assert all(r.status == "empty" for r in rows.values())


def test_missing_cell_is_reported():
    assert _rows([])["第1题"].status == "error"


def test_self_check_returns_rows_when_given_sources():
    rows = self_check(PUBLIC, ['第1题 = "C"'])
    assert [r.var for r in rows] == ["第1题", "第2题", "第3题"]


@pytest.mark.kernel
@pytest.mark.slow
def test_self_check_cell_works_in_a_released_notebook_run_in_a_kernel(released_course):
    """What a student sees: fill the release notebook, Run All, read the last cell's table."""
    import json

    import nbformat
    import pytest
    from nbclient import NotebookClient

    from helpers import fill, key_answers, release_notebook

    pytest.importorskip("ipykernel")
    answers = key_answers("ch1_telephone")
    answers["第1题"] = '"AB"'  # unreadable for a single choice
    nb = nbformat.reads(json.dumps(fill(release_notebook(released_course, "ch1_telephone"), answers)), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False).execute()
    html = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[-1].outputs)
    assert "自查结果" in html
    assert "单选题只能填写一个字母" in html  # the problem is explained
    assert "通过规则检查" in html  # rewrites were checked by the engine
    assert "回答正确" not in html and "回答不正确" not in html
