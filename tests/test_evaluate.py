"""The evaluate command (autograder/evaluate.py) on a tiny fixture set of known outcomes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine.evaluate import evaluate, load_set
from autograder.engine.schema import SchemaError

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "data" / "evaluate_fixture"


@pytest.fixture(scope="module")
def report():
    return evaluate(FIXTURE)


def test_counts_agreement_and_both_kinds_of_error(report):
    assert report.total == 6 and report.agreed == 4
    assert [j.answer.where for j in report.false_passes] == ["closing #4"]
    assert [j.answer.where for j in report.false_fails] == ["closing #3"]


def test_costliest_errors_are_separated(report):
    assert [j.answer.where for j in report.rude_false_passes] == ["closing #4"]
    assert report.accusing_false_fails == []  # closing #3 fails for a missing element, not a prohibition


def test_rude_answers_failed_for_their_tone(report):
    # hold #2 (等着) and closing #2 (hangs up) fail with a prohibition; closing #4 passes
    assert report.rude_failed_for_tone == pytest.approx(2 / 3)


def test_score_agreement_uses_only_answers_with_a_score(report):
    assert len(report.scored) == 3
    assert report.score_agreement == 1.0


def test_per_scenario_and_per_rule_precision_recall(report):
    hold, closing = report.per_scenario["hold"], report.per_scenario["closing"]
    assert (hold["precision"], hold["recall"]) == (1.0, 1.0)
    assert (closing["precision"], closing["recall"]) == (0.5, 0.5)
    more = report.per_rule["closing.more"]
    assert (more.fired, more.hits, more.relevant) == (2, 1, 2)
    assert report.per_rule["hold.command"].precision == 1.0


def test_json_and_text_reports_put_the_costliest_errors_first(report):
    data = report.to_dict()
    assert list(data)[4:6] == ["rude_false_passes", "accusing_false_fails"]
    assert data["rude_false_passes"][0]["where"] == "closing #4"
    text = report.text()
    assert text.index("closing #4") < text.index("agreement")


@pytest.mark.cli
def test_cli_prints_json_and_exits_zero():
    p = subprocess.run([sys.executable, "-m", "autograder", "evaluate", "--set", str(FIXTURE), "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["answers"] == 6


@pytest.mark.cli
def test_cli_reports_a_missing_set_clearly(tmp_path):
    p = subprocess.run([sys.executable, "-m", "autograder", "evaluate", "--set", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2 and "no labelled set" in p.stderr


@pytest.mark.parametrize("body, problem", [
    ("scenario: nowhere\nanswers: []\n", "nowhere"),
    ("scenario: hold\nanswers:\n  - text: 好\n    verdict: maybe\n", "answer 1"),
    ("scenario: hold\nanswers:\n  - text: 好\n    verdict: pass\n    categories: [vibes]\n", "vibes"),
    ("scenario: hold\nanswers:\n  - text: 好\n    verdict: pass\n    score: 2\n", "score"),
])
def test_bad_set_files_name_the_file_and_item(tmp_path, body, problem):
    (tmp_path / "hold.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(SchemaError, match=problem) as err:
        load_set(tmp_path)
    assert "hold.yaml" in str(err.value)
