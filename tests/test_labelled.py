"""The engine against a hand-labelled set of answers (tests/data/labelled).

Each file holds answers for one scenario, written as students write them
(both scripts, full- and half-width punctuation), each with the verdict an
instructor would give and, optionally, rule ids that must be among the
findings (``fires`` for prohibitions, ``missing`` for requirements).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from autograder import check
from autograder.engine.engine import rules, scenarios

DATA = Path(__file__).parent / "data" / "labelled"
FILES = sorted(DATA.glob("*.yaml"))


def _load() -> list[tuple[str, dict]]:
    cases = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) == {"scenario", "items"}, f"{path.name}: top level must be scenario + items"
        for i, item in enumerate(data["items"]):
            assert set(item) <= {"text", "passed", "fires", "missing", "original", "note"}, f"{path.name} #{i + 1}"
            assert isinstance(item["text"], str) and isinstance(item["passed"], bool), f"{path.name} #{i + 1}"
            cases.append((data["scenario"], item))
    return cases


CASES = _load()


def _id(case: tuple[str, dict]) -> str:
    scenario, item = case
    return f"{scenario}:{item['text'][:18]}"


def test_every_scenario_has_at_least_ten_labelled_answers_good_and_bad():
    by_scenario: dict[str, list[bool]] = {}
    for scenario, item in CASES:
        by_scenario.setdefault(scenario, []).append(item["passed"])
    assert set(by_scenario) == {s.key for s in scenarios()}
    for key, verdicts in by_scenario.items():
        assert len(verdicts) >= 10, key
        assert any(verdicts) and not all(verdicts), f"{key} needs both good and bad answers"
    assert len(CASES) >= 150


def test_labelled_set_covers_both_scripts_and_punctuation_widths():
    texts = [item["text"] for _, item in CASES]
    traditional = [t for t in texts if any(ch in t for ch in "這請們話說電務號對會")]
    assert len(traditional) >= 15, "at least one Traditional-script answer per scenario"
    assert any("，" in t or "？" in t for t in texts)  # full-width punctuation
    assert any("," in t or "?" in t or "!" in t for t in texts) or any(" " in t for t in texts)
    assert any(any("\uff10" <= ch <= "\uff19" for ch in t) for t in texts)  # full-width digits


def test_expected_rule_ids_exist():
    known = {r.id for r in rules()} | {"answer.empty", "answer.not_chinese", "answer.unchanged"}
    for scenario, item in CASES:
        for rid in item.get("fires", []) + item.get("missing", []):
            assert rid in known, f"{scenario}: unknown rule id {rid!r} in labelled set"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_engine_judges_labelled_answer(case):
    scenario, item = case
    result = check(item["text"], scenario, original=item.get("original"))
    got = {f.rule for f in result.findings}
    detail = "; ".join(f"{f.rule}: {f.message}" for f in result.findings)
    assert result.passed is item["passed"], f"{item['text']!r} -> {detail or 'no findings'}"
    for rid in item.get("fires", []):
        assert rid in got, f"{item['text']!r}: expected {rid} to fire; got {sorted(got)}"
        assert any(f.rule == rid and f.kind in ("forbidden", "warning") for f in result.findings)
    for rid in item.get("missing", []):
        assert any(f.rule == rid and f.kind == "missing" for f in result.findings), \
            f"{item['text']!r}: expected {rid} missing; got {sorted(got)}"
    if item["passed"]:
        assert result.score == 1.0
        assert all(f.kind == "warning" for f in result.findings)
