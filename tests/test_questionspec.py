"""The typed question spec: every shape the bank writes reads and writes back unchanged, old and
unknown shapes still grade, and a spec missing what a question needs says which key."""
from __future__ import annotations

import dataclasses
import json

import pytest

from autograder.grading.core import grade_question, question_spec_from_source, spec_from_source
from autograder.grading.questionspec import QuestionSpec, QuestionSpecError, as_question_spec
from autograder.grading.scoring import DEFAULT_PARTIAL, DEFAULT_POLICY
from autograder.questionbank.load import load_bank
from helpers import EXERCISES, FIXTURES

BANK = [q for ch in load_bank(EXERCISES / "bank") for q in ch.questions if q.type != "short"]
SINGLE = {"qid": "ch1_s01", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C",
          "explanation": "先问候再报工号。"}
MULTI = {"qid": "ch1_m01", "type": "multiple", "var": "第9题", "points": 4.0, "options": "ABCDE", "key": "ABD",
         "policy": "subset_fixed", "partial": 0.5, "explanation": "x"}
REWRITE = {"qid": "ch1_r01", "type": "rewrite", "var": "第14题", "points": 5.0, "scenario": "opening",
           "bad": "喂，你找谁？", "model": "您好，这里是客服中心，我是3号客服，请问有什么可以帮您？", "explanation": "x"}


def _record(outcome) -> tuple:
    return (outcome.qid, outcome.var, outcome.points, outcome.max_points, outcome.status, outcome.message,
            outcome.answer, outcome.rules, outcome.problems)


def _model_sources(spec: dict) -> list[str]:
    if spec["type"] == "call":
        return ["\n".join(f"{spec['var']}_第{n}句 = {json.dumps(line, ensure_ascii=False)}"
                          for n, line in enumerate(spec["model"], 1))]
    answer = spec["model"] if spec["type"] == "rewrite" else spec["key"]
    return [f"{spec['var']} = {json.dumps(answer, ensure_ascii=False)}"]


def test_the_bank_has_every_graded_type():
    assert {q.type for q in BANK} == {"single", "multiple", "rewrite", "call"}


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_every_bank_spec_reads_and_writes_back_unchanged(question):
    literal = question.spec()
    spec = QuestionSpec.from_literal(literal)
    back = spec.to_literal()
    assert back == literal and list(back) == list(literal)
    assert json.dumps(back, ensure_ascii=False) == json.dumps(literal, ensure_ascii=False)
    assert spec.extra == {}


def test_every_spec_in_the_built_notebooks_and_fixtures_reads_and_writes_back_unchanged():
    paths = sorted((EXERCISES / "source").glob("*/*.ipynb")) + sorted((FIXTURES / "notebooks").glob("*.ipynb"))
    seen = 0
    for path in paths:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            literal = spec_from_source("".join(cell["source"]))
            if literal is not None:
                assert QuestionSpec.from_literal(literal).to_literal() == literal, path.name
                seen += 1
    assert seen >= len(BANK)


def test_fields_are_typed_and_absent_keys_take_the_defaults_grading_used():
    single = QuestionSpec.from_literal({**SINGLE, "points": 2})
    assert single.points == 2.0 and isinstance(single.points, float)
    assert (single.policy, single.partial, single.bad, single.model, single.turns) == (
        DEFAULT_POLICY, DEFAULT_PARTIAL, None, "", ())
    assert single.has("key") and not single.has("policy")
    call = QuestionSpec.from_literal(next(q for q in BANK if q.type == "call").spec())
    assert isinstance(call.model, tuple) and call.model_lines == call.model and len(call.model) >= 2
    assert all(isinstance(t, dict) for t in call.turns) and call.direction in ("inbound", "outbound")
    assert QuestionSpec.from_literal(REWRITE).model_lines == ()


def test_a_spec_does_not_share_lists_with_its_literal():
    call = next(q for q in BANK if q.type == "call").spec()
    spec = QuestionSpec.from_literal(call)
    call["turns"][0]["extra"] = 1
    call["model"].append("x")
    out = spec.to_literal()
    out["turns"].clear()
    assert "extra" not in spec.turns[0] and "x" not in spec.model and spec.turns


@pytest.mark.parametrize("literal", [SINGLE, MULTI, REWRITE], ids=["single", "multiple", "rewrite"])
def test_unknown_keys_are_kept_and_do_not_change_the_grade(literal):
    newer = {**literal, "hint_level": 2, "extra": {"a": [1]}, "literal_keys": "x"}
    spec = QuestionSpec.from_literal(newer)
    assert spec.extra == {"hint_level": 2, "extra": {"a": [1]}, "literal_keys": "x"}
    assert spec.to_literal() == newer
    for sources in (_model_sources(literal), [f"{literal['var']} = \"\""], [f"{literal['var']} = \"A\""]):
        assert _record(grade_question(newer, sources)) == _record(grade_question(literal, sources))


@pytest.mark.parametrize("literal", [SINGLE, MULTI, REWRITE], ids=["single", "multiple", "rewrite"])
def test_an_old_spec_without_explanation_or_policy_grades(literal):
    old = {k: v for k, v in literal.items() if k not in ("explanation", "policy", "partial")}
    outcome = grade_question(old, _model_sources(literal))
    assert outcome.status == "correct" and outcome.points == literal["points"]
    assert QuestionSpec.from_literal(old).to_literal() == old


def test_a_multiple_spec_without_policy_scores_with_the_default_policy():
    old = {k: v for k, v in MULTI.items() if k not in ("policy", "partial")}
    assert grade_question(old, ['第9题 = "AB"']).points == 2.67  # subset_partial: 4 × 2/3
    assert grade_question(MULTI, ['第9题 = "AB"']).points == 2.0  # subset_fixed, partial 0.5


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_a_spec_and_its_literal_grade_alike(question):
    literal = question.spec()
    spec = QuestionSpec.from_literal(literal)
    for sources in (_model_sources(literal), ["x = 1"]):
        assert _record(grade_question(spec, sources)) == _record(grade_question(literal, sources))
    assert grade_question(spec, _model_sources(literal)).status == "correct"


@pytest.mark.parametrize("key", ["qid", "type", "var", "points"])
def test_a_missing_required_key_is_named(key):
    broken = {k: v for k, v in SINGLE.items() if k != key}
    with pytest.raises(QuestionSpecError, match=f"missing required key '{key}'"):
        QuestionSpec.from_literal(broken)
    with pytest.raises(QuestionSpecError, match=f"'{key}'"):
        grade_question(broken, ['第1题 = "C"'])


def test_points_that_are_not_a_number_and_a_spec_that_is_not_a_dict_are_errors():
    with pytest.raises(QuestionSpecError, match=r"ch1_s01.*points must be a number, got '两分'"):
        QuestionSpec.from_literal({**SINGLE, "points": "两分"})
    with pytest.raises(QuestionSpecError, match="must be a dict, got list"):
        QuestionSpec.from_literal([SINGLE])


@pytest.mark.parametrize("literal, key", [(SINGLE, "key"), (MULTI, "key"), (REWRITE, "scenario")])
def test_a_key_needed_to_score_is_asked_for_only_when_scoring(literal, key):
    broken = {k: v for k, v in literal.items() if k != key}
    var = literal["var"]
    assert grade_question(broken, [f'{var} = ""']).status == "unanswered"
    with pytest.raises(QuestionSpecError, match=f"{literal['qid']}.*missing key '{key}'"):
        grade_question(broken, _model_sources(literal))


@pytest.mark.parametrize("literal", [SINGLE, MULTI], ids=["single", "multiple"])
def test_a_choice_spec_without_options_is_named_before_reading(literal):
    broken = {k: v for k, v in literal.items() if k != "options"}
    for sources in (_model_sources(literal), [f'{literal["var"]} = ""']):
        with pytest.raises(QuestionSpecError, match=f"{literal['qid']}.*missing key 'options'"):
            grade_question(broken, sources)


def test_a_spec_built_in_code_writes_only_what_differs_from_the_defaults():
    spec = QuestionSpec("q1", "single", "第1题", 2.0, options="ABCD", key="C")
    assert spec.to_literal() == {"qid": "q1", "type": "single", "var": "第1题", "points": 2.0,
                                 "options": "ABCD", "key": "C"}
    assert spec == QuestionSpec.from_literal(spec.to_literal())
    changed = dataclasses.replace(QuestionSpec.from_literal({**SINGLE, "key": ""}), key="B")
    assert changed.has("key") and changed.to_literal()["key"] == "B"
    assert grade_question(changed, ['第1题 = "B"']).status == "correct"
    assert as_question_spec(spec) is spec


def test_question_spec_from_source_reads_a_test_cell():
    cell = f"from autograder.autotest import run_test\nrun_test({json.dumps(SINGLE, ensure_ascii=False)})\n"
    assert question_spec_from_source(cell) == QuestionSpec.from_literal(SINGLE)
    assert question_spec_from_source("print(1)") is None
