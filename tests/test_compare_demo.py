"""bench/compare_demo.py: two demo outputs compared file by file, times, paths and chosen metadata masked."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("compare_demo", ROOT / "bench" / "compare_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook(cell_meta: dict, nb_meta: dict, source: str = "第1题 = \"A\"") -> str:
    return json.dumps({"cells": [{"cell_type": "code", "id": "c1", "metadata": cell_meta, "source": source,
                                  "outputs": [], "execution_count": None}],
                       "metadata": nb_meta, "nbformat": 4, "nbformat_minor": 5}, ensure_ascii=False)


def _trees(tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> tuple[Path, Path]:
    roots = tmp_path / "before", tmp_path / "after"
    for root, files in zip(roots, (before, after)):
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text.replace("<ROOT>", str(root)), encoding="utf-8")
    return roots


@pytest.fixture
def demo_pair(tmp_path):
    return _trees(tmp_path, {
        "report.txt": "graded in 12.5 s at 2026-11-20 10:00:01 under <ROOT>\n",
        "a/ch1.ipynb": _notebook({"nbgrader": {"grade_id": "q1"}}, {"kernelspec": {"name": "python3"}}),
    }, {
        "report.txt": "graded in 9.1 s at 2026-11-21 08:30:00 under <ROOT>\n",
        "a/ch1.ipynb": _notebook({"nbgrader": {"grade_id": "q1"}, "autograder": {"qid": "ch1_s01"}},
                                 {"kernelspec": {"name": "python3"}, "autograder": {"v": 1}}),
    })


def test_a_metadata_key_counts_only_when_it_is_not_ignored(demo_pair, capsys):
    compare_demo = _script()
    before, after = demo_pair
    assert compare_demo.main(["compare_demo.py", str(before), str(after)]) == 1
    assert "DIFFERS  a/ch1.ipynb" in capsys.readouterr().out
    assert compare_demo.main(["compare_demo.py", "--ignore-metadata", "autograder", str(before), str(after)]) == 0
    out = capsys.readouterr().out
    assert "METADATA a/ch1.ipynb" in out and "TIMINGS  report.txt" in out
    assert "2 files: 0 byte-identical, 1 differ only in times/paths, 1 only in metadata autograder, 0 differ" in out


def test_ignoring_a_key_still_sees_every_other_change(tmp_path, capsys):
    before, after = _trees(tmp_path, {"n.ipynb": _notebook({}, {})},
                           {"n.ipynb": _notebook({"autograder": 1}, {}, source="第1题 = \"B\"")})
    assert _script().main(["compare_demo.py", "--ignore-metadata", "autograder", str(before), str(after)]) == 1
    assert "DIFFERS  n.ipynb" in capsys.readouterr().out


def test_a_file_that_is_not_json_is_compared_as_text(tmp_path):
    compare_demo = _script()
    assert compare_demo._without_metadata(b"not json", ("autograder",)) == b"not json"
    before, after = _trees(tmp_path, {"x.ipynb": "{broken"}, {"x.ipynb": "{broken!"})
    assert compare_demo.compare(before, after, ("autograder",))[2] == 1
