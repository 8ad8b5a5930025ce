"""Bank quality checks: graded items that copy practice items, keys that are the longest option."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.questionbank.load import load_bank
from autograder.questionbank.audit import LONGEST_KEY_LIMIT, SIMILARITY_LIMIT, audit_bank, length_cued, similarity

from helpers import EXERCISES, ROOT

BANK = EXERCISES / "bank"
PRACTICE = ROOT / "course" / "practice"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    bank, practice = tmp_path / "bank", tmp_path / "practice"
    shutil.copytree(BANK, bank)
    shutil.copytree(PRACTICE, practice)
    return bank, practice


def _edit(path: Path, edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _practice_question(practice: Path, qid: str) -> dict:
    for path in practice.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for quiz in data.get("quizzes", []):
            for q in quiz["questions"]:
                if q["id"] == qid:
                    return q
    raise KeyError(qid)


def _first_practice_question(practice: Path) -> dict:
    data = yaml.safe_load((practice / "ch3_complaint.yaml").read_text(encoding="utf-8"))
    return next(q for quiz in data["quizzes"] for q in quiz["questions"] if q["type"] == "single")


# ---------------------------------------------------------------- the measures

def test_similarity_ignores_punctuation_spaces_and_width():
    assert similarity("客户来电，铃响 1 声内接听。", "客户来电铃响１声内接听") == pytest.approx(1.0)
    assert similarity("", "") == 0.0
    assert similarity("请您稍等片刻", "价格异议的处理方法") == 0.0


def test_similarity_separates_a_copy_from_the_same_fact_asked_differently():
    copy = "因为发现了更便宜的价格而离开的顾客约占多少？5% 15% 45% 65%"
    near_copy = "调查中，因为找到了更便宜的价格而离开的顾客约占多少？5% 15% 45% 65%"
    applied = "客户一说太贵了，同事就想申请折扣。结合因价格离开的只占约15%，下列想法最合理的是"
    assert similarity(copy, near_copy) >= SIMILARITY_LIMIT
    assert similarity(copy, applied) < SIMILARITY_LIMIT


def test_length_cue_for_single_and_multiple_choice():
    chapters = load_bank(BANK)
    single = next(q for ch in chapters for q in ch.questions if q.id == "ch1_s03")  # 1声 / 2声 / 3声 / 6声
    assert not length_cued(single)
    longest = {k: ("很长很长的正确答案" if k == single.key[0] else "短") for k in single.options}
    assert length_cued(type(single)(**{**_fields(single), "options": longest}))
    multi = next(q for ch in chapters for q in ch.questions if q.type == "multiple")
    opts = {k: ("很长很长的正确选项" if k in multi.key else "短") for k in multi.options}
    assert length_cued(type(multi)(**{**_fields(multi), "options": opts}))
    # one keyed option no longer than a distractor: not a cue
    first = multi.key[0]
    opts[first] = "短"
    assert not length_cued(type(multi)(**{**_fields(multi), "options": opts}))


def _fields(q) -> dict:
    return {f: getattr(q, f) for f in q.__dataclass_fields__}


# ---------------------------------------------------------------- the kit's own bank

@pytest.mark.slow
def test_the_bank_passes_its_own_checks():
    audit = audit_bank(load_bank(BANK), PRACTICE)
    assert audit.problems == []
    assert audit.practice_items >= 40  # the practice files were read
    assert audit.closest is not None and audit.closest.similarity < SIMILARITY_LIMIT
    for c in audit.chapters:
        assert c.length_cued_share <= LONGEST_KEY_LIMIT, c
        assert 3 * c.situational >= c.choice and c.listening >= 1, c


# ---------------------------------------------------------------- errors name both ids

@pytest.mark.slow
def test_a_graded_item_copied_from_practice_is_an_error_naming_both(tmp_path):
    bank, practice = _copy(tmp_path)
    source = _first_practice_question(practice)

    def copy_into_ch3_s02(data):
        q = next(q for q in data["questions"] if q["id"] == "ch3_s02")
        q.pop("situation", None)
        q.update(stem=source["stem"], options=source["options"], key=source["key"])

    _edit(bank / "ch3_complaint.yaml", copy_into_ch3_s02)
    audit = audit_bank(load_bank(bank), practice)
    assert [(o.qid, o.practice_id) for o in audit.overlaps] == [("ch3_s02", source["id"])]
    message = audit.problems[0]
    assert "ch3_complaint.yaml: ch3_s02" in message and source["id"] in message and "100%" in message


@pytest.mark.slow
def test_a_rewrite_whose_bad_utterance_copies_a_sandbox_is_an_error(tmp_path):
    bank, practice = _copy(tmp_path)
    data = yaml.safe_load((practice / "ch1_telephone.yaml").read_text(encoding="utf-8"))
    sandbox = next(sb for sb in data["sandboxes"] if sb["scenario"] == "hold")
    _edit(bank / "ch1_telephone.yaml",
          lambda d: next(q for q in d["questions"] if q["id"] == "ch1_r03").update(bad=sandbox["bad"]))
    audit = audit_bank(load_bank(bank), practice)
    assert any("ch1_r03" in p and sandbox["id"] in p for p in audit.problems)


@pytest.mark.slow
def test_too_many_longest_keys_in_a_chapter_is_an_error(tmp_path):
    bank, practice = _copy(tmp_path)

    def lengthen_keys(data):
        for q in data["questions"]:
            if q["type"] == "single":
                q["options"][q["key"]] += "（这是一个特意加长的、很长很长很长的选项）"

    _edit(bank / "ch4_price.yaml", lengthen_keys)
    audit = audit_bank(load_bank(bank), practice)
    [message] = audit.problems
    assert "ch4_price.yaml: the key is the longest option in" in message and "ch4_s01" in message
    assert "limit 25%" in message


def test_without_a_practice_folder_copies_are_not_checked(tmp_path):
    audit = audit_bank(load_bank(BANK), tmp_path / "nowhere")
    assert audit.practice_dir is None and audit.overlaps == [] and audit.problems == []
    assert "not checked" in audit.summary()


# ---------------------------------------------------------------- build --check reports them

def _build_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "build", "--check", *args], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.mark.cli
def test_build_check_prints_the_figures():
    out = _build_check()
    assert out.returncode == 0, out.stderr
    assert "copies of practice items: 0 graded items" in out.stdout
    assert "key is the longest option:" in out.stdout and "listening" in out.stdout


@pytest.mark.cli
def test_build_check_fails_on_a_copy_and_names_both_ids(tmp_path):
    bank, practice = _copy(tmp_path)
    source = _first_practice_question(practice)

    def copy_into_ch3_s02(data):
        q = next(q for q in data["questions"] if q["id"] == "ch3_s02")
        q.pop("situation", None)
        q.update(stem=source["stem"], options=source["options"], key=source["key"])

    _edit(bank / "ch3_complaint.yaml", copy_into_ch3_s02)
    source_dir = tmp_path / "source"
    subprocess.run([sys.executable, "-m", "autograder", "build", "--bank", str(bank), "--source", str(source_dir)],
                   cwd=ROOT, check=True, capture_output=True)
    out = _build_check("--bank", str(bank), "--source", str(source_dir), "--practice", str(practice))
    assert out.returncode == 1
    assert "ch3_s02" in out.stderr and source["id"] in out.stderr
    assert "up to date" in out.stdout  # the notebooks themselves are fine
