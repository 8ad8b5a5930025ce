"""Roster → unix accounts: every bad row is reported at once and nothing is created."""
from __future__ import annotations

import pytest
from helpers import off_policy_lines

from autograder.hub import HubError
from autograder.hub.accounts import plan_accounts


def _roster(tmp_path, text):
    path = tmp_path / "名单.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_student_ids_become_prefixed_lower_case_logins(tmp_path):
    accounts = plan_accounts(_roster(tmp_path, "学号,姓名\n2024001,张三\nAB-02,李四\n"), "s")
    assert [(a.login, a.student_id, a.name) for a in accounts] == [("s2024001", "2024001", "张三"),
                                                                   ("sab-02", "AB-02", "李四")]
    assert not any(a.is_instructor for a in accounts)


def test_every_problem_is_reported_together(tmp_path):
    text = "学号,姓名\nB+01,甲\nB02,乙\nb02,丙\nB02,丁\n,戊\n"
    with pytest.raises(HubError) as err:
        plan_accounts(_roster(tmp_path, text), "s")
    msg = str(err.value)
    assert "第2行" in msg and "B+01" in msg and "+" in msg.split("B+01", 1)[1]
    assert "differ only in case" in msg
    assert "重复" in msg  # the exact duplicate, from the roster reader
    assert "nothing was created" in msg
    assert msg.startswith("名单有问题，什么都没有创建（") and off_policy_lines(msg) == [], msg


def test_an_empty_roster_and_a_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(HubError, match="no students"):
        plan_accounts(_roster(tmp_path, "学号,姓名\n"), "s")
    with pytest.raises(HubError, match="roster"):
        plan_accounts(tmp_path / "nope.xlsx", "s")


def test_a_prefix_that_makes_invalid_logins_is_refused(tmp_path):
    with pytest.raises(HubError, match="invalid login"):
        plan_accounts(_roster(tmp_path, "学号,姓名\n2024001,张三\n"), "")  # all digits: Debian refuses it
