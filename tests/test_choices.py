"""One schema for choice questions: the bank and the practice files read options and keys alike."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.questionbank.load import load_bank
from autograder.engine.schema import SchemaError
from autograder.widgets.book import load_practice

ROOT = Path(__file__).resolve().parents[1]
PRACTICE_KEY = "        key: ABCD\n"  # ch2p_points, a multiple-choice practice question


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    bank, practice = tmp_path / "bank", tmp_path / "practice"
    shutil.copytree(ROOT / "exercises" / "bank", bank)
    shutil.copytree(ROOT / "course" / "practice", practice)
    return bank, practice


def _set_multiple_key(bank: Path, practice: Path, written: str) -> None:
    import yaml

    path = bank / "ch2_smile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(q for q in data["questions"] if q["type"] == "multiple")
    item["key"] = written
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = practice / "ch2_smile.yaml"
    text = page.read_text(encoding="utf-8")
    assert PRACTICE_KEY in text
    page.write_text(text.replace(PRACTICE_KEY, f"        key: {written!r}\n", 1), encoding="utf-8")


def _practice_key(practice: Path) -> frozenset[str]:
    book = load_practice("ch2_smile", practice.parent)
    return next(q.key for quiz in book.quizzes.values() for q in quiz.questions if q.id == "ch2p_points")


def test_both_read_a_key_written_with_separators_lower_case_or_full_width(files):
    bank, practice = files
    _set_multiple_key(bank, practice, "ａ，c、Ｄ")
    chapter = next(ch for ch in load_bank(bank) if ch.assignment == "ch2_smile")
    item = next(q for q in chapter.questions if q.type == "multiple")
    assert item.key == ("A", "C", "D")
    assert _practice_key(practice) == frozenset("ACD")


@pytest.mark.parametrize("written, message", [
    ("AX", "is not among the options"),
    ("AA", "key lists a letter twice"),
    ("A", "a multiple-choice key has at least two letters"),
])
def test_both_refuse_the_same_bad_key_with_the_same_message(files, written, message):
    bank, practice = files
    _set_multiple_key(bank, practice, written)
    with pytest.raises(SchemaError, match=message):
        load_bank(bank)
    with pytest.raises(SchemaError, match=message):
        load_practice("ch2_smile", practice.parent)


def test_rules_differ_only_where_the_files_do(files):
    """An exam item has 4 or 5 options and never keys them all; a practice item may."""
    bank, practice = files
    _set_multiple_key(bank, practice, "ABCDE")
    with pytest.raises(SchemaError, match="not all of them"):
        load_bank(bank)
    assert _practice_key(practice) == frozenset("ABCDE")


def test_read_choices_gives_the_options_in_letter_order_and_the_key_sorted():
    from autograder.engine.schema import Where
    from autograder.teaching.choices import BANK_RULES, PRACTICE_RULES, read_choices

    raw = {"options": {"A": " 甲 ", "B": "乙", "C": "丙", "D": "丁"}, "key": "D,b"}
    choices = read_choices(Where("x.yaml", "q1"), raw, "multiple", BANK_RULES)
    assert choices.options == {"A": "甲", "B": "乙", "C": "丙", "D": "丁"} and choices.key == ("B", "D")
    assert choices.letters == "ABCD"
    with pytest.raises(SchemaError, match="x.yaml: q1: a single-choice key is exactly one letter"):
        read_choices(Where("x.yaml", "q1"), raw, "single", PRACTICE_RULES)
