"""The slips a teacher makes editing the bank get a Chinese hint that names the file and line."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.questionbank.load import load_bank
from autograder.engine.schema import SchemaError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / "bank", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_ascii_colon_in_a_stem_gets_the_quote_hint(bank: Path):
    path = bank / "ch2_smile.yaml"
    _edit(path, "stem: 许多呼叫中心在每位客服代表的工位上放一面小镜子", "stem: 主管说: 许多呼叫中心在每位客服代表的工位上放一面小镜子")
    with pytest.raises(SchemaError) as err:
        load_bank(bank)
    message = str(err.value)
    assert str(path) in message and "加引号" in message and "全角冒号" in message
    assert f"第 {_line_of(path, '主管说: ')} 行" in message


def test_an_option_letter_given_twice_is_reported(bank: Path):
    path = bank / "ch2_smile.yaml"
    _edit(path, "      C: 美化工作环境\n", "      B: 美化工作环境\n")
    with pytest.raises(SchemaError) as err:
        load_bank(bank)
    message = str(err.value)
    assert str(path) in message and "'B'" in message and "重复" in message
    assert f"第 {_line_of(path, 'B: 美化工作环境')} 行" in message


@pytest.mark.parametrize("written", ["ACE", "A,C,E", "A、C、E", "ace", "[A, C, E]"])
def test_multiple_choice_key_written_as_letters(bank: Path, written: str):
    import yaml

    path = bank / "ch2_smile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(q for q in data["questions"] if q["type"] == "multiple")
    letters = sorted(item["options"])[:3]
    spelled = written.replace("A", letters[0]).replace("C", letters[1]).replace("E", letters[2])
    spelled = spelled.replace("a", letters[0].lower()).replace("c", letters[1].lower()).replace("e", letters[2].lower())
    item["key"] = yaml.safe_load(f"k: {spelled}")["k"] if spelled.startswith("[") else spelled
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    question = next(q for ch in load_bank(bank) for q in ch.questions if q.id == item["id"])
    assert question.key == tuple(letters)


@pytest.mark.cli
def test_build_prints_the_hint_without_a_traceback(bank: Path):
    _edit(bank / "ch1_telephone.yaml", "\n    stem: ", "\n    stem: 注意: ")
    out = subprocess.run([sys.executable, "-m", "autograder", "build", "--bank", str(bank)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "加引号" in out.stderr
