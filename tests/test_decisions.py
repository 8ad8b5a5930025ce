"""What grading decided is stored with the graded notebook, and the export reads it instead of re-checking."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import copy_course
from nbformat.v4 import new_code_cell, new_notebook

from autograder.grading.core import grade_question
from autograder.grading.decisions import METADATA_KEY, record, store, stored
from autograder.grading.sourcenotebooks import load_course

ROOT = Path(__file__).resolve().parents[1]
EDITED = "（规则已改）"


def _spec(qtype: str) -> dict:
    return next(q.spec for nb in load_course(ROOT / "exercises") for q in nb.questions if q.type == qtype)


def _call_lines(spec: dict, good: bool) -> list[str]:
    return list(spec["model"]) if good else ["喂"] + [""] * (len(spec["model"]) - 1)


def _call_sources(spec: dict, lines: list[str]) -> list[str]:
    return ["\n".join(f"{spec['var']}_第{n}句 = {json.dumps(t, ensure_ascii=False)}" for n, t in enumerate(lines, 1))]


def test_a_rewrite_record_round_trips_through_json():
    spec = _spec("rewrite")
    outcome = grade_question(spec, [f'{spec["var"]} = {json.dumps(spec["bad"], ensure_ascii=False)}'])
    assert outcome.checked is not None and outcome.checked.findings
    cell = json.loads(json.dumps({"metadata": {METADATA_KEY: record(outcome)}}, ensure_ascii=False))
    decision = stored(cell)
    assert decision.qid == spec["qid"]
    assert decision.findings == tuple((f.rule, f.kind, f.message, f.span) for f in outcome.checked.findings)


def test_a_call_record_keeps_turn_scores_turn_findings_and_call_findings():
    spec = _spec("call")
    outcome = grade_question(spec, _call_sources(spec, _call_lines(spec, good=False)))
    call = outcome.call
    decision = stored(json.loads(json.dumps({"metadata": {METADATA_KEY: record(outcome)}})))
    assert decision.turn_scores == tuple(t.score for t in call.turns) and decision.score == call.score
    assert decision.call_findings == tuple((f.rule, f.level, f.message, f.turn) for f in call.findings)
    assert decision.turn_findings == tuple(
        tuple((f.rule, f.kind, f.message, f.span) for f in t.result.findings) if t.result else () for t in call.turns)


def test_choices_and_unread_answers_store_nothing_and_stale_records_go():
    spec = {"qid": "q1", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C"}
    cell = {"metadata": {METADATA_KEY: {"version": 1, "qid": "q1", "findings": []}}}
    store(cell, grade_question(spec, ['第1题 = "C"']))
    assert METADATA_KEY not in cell["metadata"]


@pytest.mark.parametrize("bad", [None, "text", {"version": 99, "qid": "q", "findings": []},
                                 {"version": 1, "qid": "q", "findings": [["r", "forbidden"]]},
                                 {"version": 1, "qid": "q", "turns": [{"score": "x", "findings": []}],
                                  "findings": [], "score": 0}])
def test_a_missing_or_malformed_record_reads_as_not_recorded(bad):
    assert stored({"metadata": {METADATA_KEY: bad}}) is None


def _graded_notebook(spec: dict, answer: str, planted: bool = False):
    from autograder.grading.core import SPEC_FUNCTION

    test = new_code_cell(f"### BEGIN HIDDEN TESTS\n{SPEC_FUNCTION}({spec!r})\n### END HIDDEN TESTS",
                         metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                "grade_id": spec["qid"], "points": spec["points"]}})
    hand = new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                               "grade_id": "by_hand", "points": 1}})
    if planted:  # a student cannot plant what grading decided
        hand.metadata[METADATA_KEY] = {"version": 1, "qid": "by_hand", "findings": [["fake", "forbidden", "x", None]]}
    return new_notebook(cells=[new_code_cell(answer), test, hand])


@pytest.mark.parametrize("name", ["KernelFreeGrade", "RescoreKitQuestions"])
def test_both_grading_paths_store_the_rewrite_findings_in_the_test_cell(name):
    """KernelFreeGrade (the kit's grader) and RescoreKitQuestions (stock ``nbgrader autograde``) store the same."""
    import autograder.preprocessors as pps

    spec = _spec("rewrite")
    nb = _graded_notebook(spec, f'{spec["var"]} = {json.dumps(spec["bad"], ensure_ascii=False)}', planted=True)
    nb, _ = getattr(pps, name)().preprocess(nb, {})
    expected = record(grade_question(spec, [nb.cells[0].source]))
    assert nb.cells[1].metadata[METADATA_KEY] == expected and expected["findings"]
    assert METADATA_KEY not in nb.cells[2].metadata
    again = nbformat.reads(nbformat.writes(nb), as_version=4)  # survives writing the autograded file
    assert stored(again.cells[1]).findings == stored(nb.cells[1]).findings


# --------------------------------------------------------------------------- export reads what grading decided


def _edit_rules(tmp_path: Path, monkeypatch) -> None:
    """Every rule message changed (rule packs and call rules), as an instructor editing rules after grading."""
    from autograder.engine import callrules, catalogue, engine

    rules = tmp_path / "rules"
    shutil.copytree(engine.RULES_DIR, rules)
    for path in rules.glob("[!_]*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("message: ", f"message: {EDITED}"),
                        encoding="utf-8")
    monkeypatch.setattr(catalogue, "_PACK", engine.load_pack(rules))
    monkeypatch.setattr(callrules, "_DATA", callrules.load_call_rules(rules / "calls.yaml"))


@pytest.fixture
def graded_copy(graded_class, tmp_path):
    src, sim, report = graded_class
    return copy_course(src, tmp_path / "course"), report


def _expected(report) -> dict:
    """(student, assignment, 第N题) -> the rewrite findings grading decided."""
    return {(r.student, r.assignment, o.var): tuple((f.rule, f.kind, f.message, f.span) for f in o.checked.findings)
            for r in report.results for o in r.outcomes if o.checked is not None}


def _rewrite_checks(result):
    by_label = {q.label: q for q in result.table.questions if q.type == "rewrite"}
    return [(c, by_label[c.question]) for c in result.checks if c.question in by_label]


def test_export_reports_what_grading_decided_after_the_rules_are_edited(graded_copy, tmp_path, monkeypatch):
    from autograder.engine import engine
    from autograder.report.export import export_course

    course, report = graded_copy
    _edit_rules(tmp_path, monkeypatch)
    spec = _spec("rewrite")
    assert any(EDITED in f.message for f in engine.check(spec["bad"], spec["scenario"]).findings)

    result = export_course(course, tmp_path / "out", charts=False)
    expected = _expected(report)
    checks = _rewrite_checks(result)
    assert checks and not result.warnings
    for check, q in checks:
        assert check.findings == expected[(check.student, q.assignment, q.var)]
    assert all(EDITED not in f[2] for c in result.checks for f in c.findings)
    for call in result.calls:  # turn scores as graded, not as the edited rules would give
        graded = next(o.call for r in report.results if r.student == call.student
                      for o in r.outcomes if o.call is not None and f"{r.assignment}/" in call.key
                      and call.question.endswith(o.var))
        assert call.turn_scores == tuple(round(t.score, 4) for t in graded.turns)
        assert call.findings == tuple((f.rule, f.level, f.message, f.turn) for f in graded.findings)


def test_a_submission_graded_before_findings_were_stored_is_rechecked_with_a_warning(graded_copy, tmp_path,
                                                                                   monkeypatch):
    from autograder.report.export import UNRECORDED_WARNING, export_course

    course, _ = graded_copy
    for path in (course / "autograded").rglob("*.ipynb"):  # as an older version left them
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            cell.get("metadata", {}).pop(METADATA_KEY, None)
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    _edit_rules(tmp_path, monkeypatch)

    result = export_course(course, tmp_path / "out", charts=False)
    checks = _rewrite_checks(result)
    n = int(re.match(r"\d+", result.warnings[0]).group()) if result.warnings else 0
    assert n >= len(checks) > 0
    assert result.warnings == [UNRECORDED_WARNING.format(n=n)]
    assert any(EDITED in f[2] for c, _ in checks for f in c.findings)  # re-checked with the rules as they are now
