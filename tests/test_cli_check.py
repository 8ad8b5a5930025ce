"""`python -m autograder check` and `python -m autograder scenarios`, as a user runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[1]
from helpers import DESIGN_KEYS  # noqa: E402  (DESIGN.md's scenario keys, in order)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_check_json_on_a_passing_answer():
    p = run("check", "--scenario", "opening", "--json", "您好，这里是客服中心，工号1025为您服务，请问有什么可以帮您？")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data == {"passed": True, "score": 1.0, "findings": []}


def test_check_json_on_a_failing_answer_exits_zero():
    text = "喂，你找谁？"
    p = run("check", "--scenario", "opening", "--json", text)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert set(data) == {"passed", "score", "findings"}
    assert data["passed"] is False and data["score"] == 0.0
    assert data["findings"]
    for f in data["findings"]:
        assert set(f) == {"rule", "kind", "message", "span", "suggestion", "source"}
        assert f["kind"] in ("missing", "forbidden", "warning")
        assert isinstance(f["message"], str) and f["message"]
    wei = next(f for f in data["findings"] if f["rule"] == "address.wei")
    assert text[wei["span"][0]:wei["span"][1]] == "喂"
    missing = [f for f in data["findings"] if f["kind"] == "missing"]
    assert missing and all(f["span"] is None for f in missing)
    assert "喂" in wei["message"]  # Chinese, quoting the answer


def test_check_json_is_utf8_not_escaped():
    p = run("check", "--scenario", "mishear", "--json", "大声点")
    assert p.returncode == 0
    assert "大声点" in p.stdout and "\\u" not in p.stdout


def test_check_text_output():
    p = run("check", "--scenario", "opening", "您好")
    assert p.returncode == 0
    assert "FAIL" in p.stdout and "opening.identity" in p.stdout and "0.33" in p.stdout


def test_check_with_original_flags_an_unchanged_answer():
    p = run("check", "--scenario", "opening", "--json", "--original", "喂，你找谁？", "喂，你找谁？")
    assert p.returncode == 0
    assert "answer.unchanged" in {f["rule"] for f in json.loads(p.stdout)["findings"]}


def test_unknown_scenario_is_a_usage_error_listing_valid_keys():
    p = run("check", "--scenario", "nope", "--json", "您好")
    assert p.returncode != 0
    assert p.stdout == ""
    assert "nope" in p.stderr
    for key in DESIGN_KEYS:
        assert key in p.stderr


@pytest.mark.parametrize("args", [["check"], ["check", "--scenario", "opening"], ["check", "您好"]])
def test_missing_arguments_are_usage_errors(args):
    p = run(*args)
    assert p.returncode != 0
    assert "usage" in p.stderr.lower()


def test_scenarios_json_catalogue():
    p = run("scenarios", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert [s["key"] for s in data] == DESIGN_KEYS
    for s in data:
        assert {"key", "title", "situation", "requires", "forbids", "families"} <= set(s)
        assert s["requires"] and all({"rule", "name", "message"} <= set(r) for r in s["requires"])
    price = next(s for s in data if s["key"] == "price_objection")
    assert price["families"] == ["price"]


def test_scenarios_text_listing():
    p = run("scenarios")
    assert p.returncode == 0
    for key in DESIGN_KEYS:
        assert key in p.stdout
