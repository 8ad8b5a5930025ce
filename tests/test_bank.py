"""The question bank: schema, coverage, keys, and every rewrite's model and bad utterance."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.questionbank.load import KEYPOINTS_PER_SEED, load_bank
from autograder.engine.engine import check, scenarios
from autograder.engine.schema import SchemaError

from helpers import EXERCISES, ROOT

BANK = EXERCISES / "bank"


@pytest.fixture(scope="module")
def chapters():
    return load_bank(BANK)


def test_four_chapters_with_the_required_question_counts(chapters):
    assert [c.title for c in chapters] == ["电话礼仪", "微笑服务", "投诉处理", "价格异议"]
    for ch in chapters:
        counts = {t: sum(q.type == t for q in ch.questions) for t in ("single", "multiple", "rewrite", "short")}
        assert counts["single"] >= 8 and counts["multiple"] >= 5, ch.assignment
        assert counts["rewrite"] >= 4 and counts["short"] >= 1, ch.assignment


def test_rewrites_cover_every_scenario(chapters):
    used = {q.scenario for ch in chapters for q in ch.questions if q.type == "rewrite"}
    assert used == {s.key for s in scenarios()}


def test_choice_questions_have_a_key_among_options_and_an_explanation(chapters):
    for ch in chapters:
        for q in ch.questions:
            if q.type in ("single", "multiple"):
                assert set(q.key) <= set(q.options), q.id
                assert 4 <= len(q.options) <= 5, q.id
                assert len(q.explanation) >= 20, q.id
            if q.type == "multiple":
                assert 2 <= len(q.key) < len(q.options), q.id


def test_keys_are_spread_over_letters(chapters):
    singles = [q.key[0] for ch in chapters for q in ch.questions if q.type == "single"]
    assert max(singles.count(x) for x in "ABCD") <= len(singles) // 2


@pytest.mark.parametrize("qid", [q.id for ch in load_bank(BANK) for q in ch.questions if q.type == "rewrite"])
def test_rewrite_model_answer_passes_and_bad_utterance_fails(chapters, qid):
    q = next(q for ch in chapters for q in ch.questions if q.id == qid)
    model = check(q.model_answer, q.scenario, original=q.bad)
    assert model.passed, [f.message for f in model.findings]
    assert model.score == 1.0
    bad = check(q.bad, q.scenario)
    assert not bad.passed
    assert not check(q.bad, q.scenario, original=q.bad).passed


def test_short_answers_have_a_rubric_and_a_reference_answer(chapters):
    for ch in chapters:
        for q in ch.questions:
            if q.type == "short":
                assert q.rubric and q.text, q.id
                assert len(q.reference_answer) >= 100, q.id
                assert q.borderline_answer, q.id


def test_keys_are_balanced_within_each_chapter(chapters):
    for ch in chapters:
        singles = [q.key[0] for q in ch.questions if q.type == "single"]
        counts = [singles.count(x) for x in "ABCD"]
        assert min(counts) >= 2 and max(counts) <= 4, (ch.assignment, counts)
    letters = [k for ch in chapters for q in ch.questions if q.type == "multiple" for k in q.key]
    counts = [letters.count(x) for x in "ABCDE"]
    assert max(counts) <= 1.5 * min(counts), counts  # keyed options are not bunched at A–C


def test_every_item_cites_seed_key_points_and_the_bank_covers_most_of_them(chapters):
    cited = {kp for ch in chapters for q in ch.questions for kp in q.keypoints}
    assert all(q.keypoints for ch in chapters for q in ch.questions)
    # the seeds hold 239 key points; the bank alone assesses well over half of them
    assert len(cited) >= 0.6 * sum(KEYPOINTS_PER_SEED.values()), len(cited)
    # every seed is assessed
    assert {kp[:3] for kp in cited} == set(KEYPOINTS_PER_SEED)


def test_each_chapter_asks_for_application_and_has_a_listening_item(chapters):
    for ch in chapters:
        choice = [q for q in ch.questions if q.type in ("single", "multiple")]
        situational = [q for q in choice if q.situational]
        listening = [q for q in choice if q.listening]
        assert 3 * len(situational) >= len(choice), ch.assignment
        assert listening, ch.assignment
        for q in listening:
            assert any(line.startswith("客服：") for line in q.transcript)


# ---------------------------------------------------------------- schema errors name file and item

def _broken_bank(tmp_path: Path, edit) -> Path:
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    path = bank / "ch1_telephone.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return bank


def _item(data: dict, qid: str) -> dict:
    return next(q for q in data["questions"] if q["id"] == qid)


@pytest.mark.parametrize("edit, message", [
    (lambda d: _item(d, "ch1_s01").update(key="E"), "ch1_s01: key 'E' is not among the options"),
    (lambda d: _item(d, "ch1_s01").update(key=["A", "B"]), "ch1_s01: a single-choice key is exactly one letter"),
    (lambda d: _item(d, "ch1_m01").update(policy="generous"), "ch1_m01: policy must be one of"),
    (lambda d: _item(d, "ch1_m01").update(key=["A"]), "ch1_m01: a multiple-choice key has at least two letters"),
    (lambda d: _item(d, "ch1_s02").update(id="ch1_s01"), "ch1_s01: id already used"),
    (lambda d: _item(d, "ch1_s01").update(id="ch2_s01"), "ch2_s01: id must look like ch1_s01"),
    (lambda d: _item(d, "ch1_s01").update(colour="red"), "ch1_s01: unknown field(s) colour"),
    (lambda d: _item(d, "ch1_s01").pop("explanation"), "ch1_s01: missing field 'explanation'"),
    (lambda d: _item(d, "ch1_s01")["options"].pop("B"), "ch1_s01: options must be 4 or 5"),
    (lambda d: _item(d, "ch1_r01").update(scenario="karaoke"), "unknown scenario 'karaoke'"),
    (lambda d: d["questions"].reverse(), "questions must be ordered single, multiple, rewrite, call, short"),
    (lambda d: _item(d, "ch1_s01").pop("keypoints"), "ch1_s01: missing field 'keypoints'"),
    (lambda d: _item(d, "ch1_s01").update(keypoints=[]), "ch1_s01: keypoints must name at least one"),
    (lambda d: _item(d, "ch1_s01").update(keypoints=["000-38"]), "ch1_s01: keypoint '000-38' is not a seed key point"),
    (lambda d: _item(d, "ch1_s01").update(keypoints=["005-01"]), "ch1_s01: keypoint '005-01' is not a seed key point"),
    (lambda d: _item(d, "ch1_s01").update(keypoints=["1-3"]), "ch1_s01: keypoint '1-3' is not a seed key point"),
    (lambda d: _item(d, "ch1_s01").update(keypoints=["004-27", "004-27"]), "ch1_s01: keypoints lists a key point twice"),
    (lambda d: _item(d, "ch1_s04").update(transcript=["客服说：好的。"]), "ch1_s04: transcript line 1 must start with"),
    (lambda d: _item(d, "ch1_s04").update(transcript=["客户：喂？"]), "ch1_s04: a transcript needs at least one 客服"),
    (lambda d: _item(d, "ch1_a01").pop("reference_answer"), "ch1_a01: missing field 'reference_answer'"),
    (lambda d: _item(d, "ch1_r01").update(transcript=["客服：喂"]), "ch1_r01: unknown field(s) transcript"),
])
def test_schema_errors_name_the_file_and_the_item(tmp_path, edit, message):
    bank = _broken_bank(tmp_path, edit)
    with pytest.raises(SchemaError) as err:
        load_bank(bank)
    assert "ch1_telephone.yaml" in str(err.value)
    assert message in str(err.value)


def test_duplicate_id_across_files(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    path = bank / "ch2_smile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["id"] = "ch2_s02"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchemaError, match="ch2_s02: id already used"):
        load_bank(bank)


# ---------------------------------------------------------------- bank --json

@pytest.mark.cli
def test_bank_json_lists_every_question_with_the_stable_fields(chapters):
    out = subprocess.run([sys.executable, "-m", "autograder", "bank", "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    items = json.loads(out.stdout)
    assert len(items) == sum(len(ch.questions) for ch in chapters)
    for item in items:
        for field in ("id", "chapter", "type", "points", "options", "key", "policy", "scenario",
                      "assignment", "notebook", "answer_cell", "grade_cell"):
            assert field in item, field
    single = next(i for i in items if i["type"] == "single")
    assert single["answer_cell"] == single["id"] + "_answer" and single["grade_cell"] == single["id"] + "_test"
    multi = next(i for i in items if i["type"] == "multiple")
    assert multi["policy"] == "subset_partial" and len(multi["key"]) >= 2
    rewrite = next(i for i in items if i["type"] == "rewrite")
    assert rewrite["scenario"] and rewrite["options"] is None
    short = next(i for i in items if i["type"] == "short")
    assert short["grade_cell"] == short["answer_cell"]


@pytest.mark.cli
def test_bank_command_outside_the_project_explains(tmp_path):
    out = subprocess.run([sys.executable, "-m", "autograder", "bank", "--json"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode != 0 and "no question bank here" in out.stderr
