"""The collect steps: which inbound folders are refused, what a submission's copy leaves out, the run summary."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import off_policy_lines

from autograder.classroom.collect import CollectReport
from autograder.classroom.safecollect import RegularFileCopy, inbound_record

STAMP = "2026-12-01 10:00:00.000000 UTC"


def _inbound(tmp_path: Path, name: str) -> str:
    folder = tmp_path / "inbound" / name
    folder.mkdir(parents=True)
    return str(folder)


def test_a_well_named_folder_of_a_listed_student_becomes_nbgrader_s_record(tmp_path):
    record, why = inbound_record(_inbound(tmp_path, f"2024001+ch1_telephone+{STAMP}"), {"2024001"})
    assert why is None
    assert record["username"] == "2024001" and record["timestamp"].year == 2026


@pytest.mark.parametrize("name, roster, reason", [
    ("2024001+ch1_telephone", None, "the name is not id+assignment+time"),
    (f"2024009+ch1_telephone+{STAMP}", {"2024001"}, "the id is not on the roster"),
    ("2024001+ch1_telephone+not a time", None, "the submission time in the name cannot be read"),
])
def test_a_folder_that_cannot_be_collected_is_refused_with_its_reason(tmp_path, name, roster, reason):
    record, why = inbound_record(_inbound(tmp_path, name), roster)
    assert record is None and why.endswith(f"（{reason}）"), why


def test_a_link_in_the_inbound_is_refused_not_followed(tmp_path):
    target = _inbound(tmp_path, "elsewhere")
    link = tmp_path / "inbound" / f"2024001+ch1_telephone+{STAMP}"
    link.symlink_to(target)
    record, why = inbound_record(str(link), None)
    assert record is None and "not followed" in why


def _submission(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "ch1.ipynb").write_text("{}", encoding="utf-8")
    (src / "sub" / "notes.txt").write_text("ok", encoding="utf-8")
    (src / "big.bin").write_bytes(b"x" * 5000)
    (src / "solutions.ipynb").symlink_to(tmp_path / "secret.ipynb")
    (tmp_path / "secret.ipynb").write_text("the key", encoding="utf-8")
    os.mkfifo(src / "pipe")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "old.ipynb").write_text("{}", encoding="utf-8")
    return src


def test_the_copy_takes_real_files_and_lists_what_it_left_out(tmp_path):
    src, dest = _submission(tmp_path), tmp_path / "dest"
    copy = RegularFileCopy(str(src), str(dest), max_file=1000, max_total=100_000,
                           ignore=[".ipynb_checkpoints"], include=[])
    copy.run()
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert copied == ["ch1.ipynb", "sub/notes.txt"]
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    assert sorted(path for path, _ in copy.skipped) == ["big.bin", "pipe", "solutions.ipynb"]


def test_include_globs_keep_only_the_files_they_name(tmp_path):
    src, dest = _submission(tmp_path), tmp_path / "dest"
    RegularFileCopy(str(src), str(dest), 1000, 100_000, ignore=[], include=["*.ipynb"]).run()
    assert sorted(p.name for p in dest.rglob("*") if p.is_file()) == ["ch1.ipynb", "old.ipynb"]


def test_a_submission_over_the_total_size_stops_with_a_policy_message(tmp_path):
    src, dest = _submission(tmp_path), tmp_path / "dest"
    with pytest.raises(RuntimeError) as err:
        RegularFileCopy(str(src), str(dest), max_file=10_000, max_total=3000, ignore=[], include=[]).run()
    assert str(err.value) == "提交的文件总大小超过上限 0.003 MB（the submission is larger than 0.003 MB in all）"


def test_the_run_summary_is_in_the_policy_form():
    report = CollectReport("ch1_telephone", collected=["2024001", "2024002"],
                           refused=[("x+ch1_telephone", "名字不是“学号+作业+时间”的格式（the name is not id+assignment+time）")],
                           skipped_files=[("2024002", "solutions.ipynb：符号链接或特殊文件（a link or special file）")],
                           errors=["Course not found: /srv/exchange/c/inbound"])
    text = report.summary()
    assert text.splitlines()[0] == "已收取 ch1_telephone 共 2 份（collected 2 of ch1_telephone）：2024001, 2024002"
    assert "出错（error）：Course not found" in text and "未收取 1 份（refused 1）：" in text
    assert off_policy_lines(text) == []
    assert CollectReport("ch1_telephone").summary() == "已收取 ch1_telephone 共 0 份（collected 0 of ch1_telephone）"
