"""The status comment a grader leaves reads back as the same state."""
from __future__ import annotations

import pytest

from autograder.grading.statuscomment import MISSING, UNREADABLE, comment_state, status_comment


@pytest.mark.parametrize("prefix, state", [(MISSING, "missing"), (UNREADABLE, "unreadable")])
def test_written_comments_read_back(prefix, state):
    assert comment_state(status_comment(prefix, "没有提交 ch1.ipynb，各题记 0 分。")) == state


@pytest.mark.parametrize("comment", [None, "", "答得不错", "文件无法读取：这是老师的话", "No response."])
def test_other_comments_are_no_state(comment):
    assert comment_state(comment) is None


def test_an_ascii_colon_also_reads():
    assert comment_state(f"{UNREADABLE}: 旧格式") == "unreadable"
