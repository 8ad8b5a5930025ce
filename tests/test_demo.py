"""The main job end to end: `python -m autograder demo`."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.cli, pytest.mark.nbgrader]


def test_demo_runs_end_to_end(tmp_path):
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "autograder", "demo", "--students", "12", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    text = run.stdout
    for words in ("各章平均分", "最难的三道题", "最常见的禁语", "scores.xlsx", "第1章 电话礼仪",
                  "通话题", "整通电话最常见的问题"):
        assert words in text, words
    # each chapter's call exercise, turn by turn, and one student's call as the walkthrough gives it
    import re

    assert len(re.findall(r"^  \S+·第\d+题（\d+ 句，满分 \d+）", text, re.M)) == 4
    assert re.search(r"^    逐句 第1句 \d\.\d\d · 第2句", text, re.M)
    assert re.search(r"^  示例 example（.+得分率 0\.\d\d）：逐句 第1句 \d+", text, re.M)
    course = out / "course"
    assert (course / "gradebook.db").exists() and (course / "release" / "ch4_price").is_dir()
    assert len(list((course / "autograded").glob("*/*/*.ipynb"))) >= 12 * 4 - 4
    with open(out / "export" / "scores.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    statuses = {v for r in rows for k, v in r.items() if k.endswith("状态")}
    assert "已评分" in statuses and "待人工评分" in statuses
    assert (out / "grading-report.txt").read_text(encoding="utf-8").startswith("评分完成")
    # a second run starts from a fresh class, not on top of the first
    again = subprocess.run([sys.executable, "-m", "autograder", "demo", "--students", "3", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    with open(out / "export" / "scores.csv", encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) == 3


def test_demo_outside_the_project_says_where_to_run_it(tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "demo", "--students", "2", "--out", str(tmp_path / "d")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "project root" in run.stderr
