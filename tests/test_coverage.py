"""The coverage map (course/coverage.yaml) against the notebooks and the questions.

Every seed key point is listed once; a point marked taught names notebook sections
that exist; every question (graded bank item or classroom practice item) cites only
known key points that some section teaches; and the shares of points taught and
assessed reach their targets. ``python tests/test_coverage.py`` prints the report.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # when run as a script

from autograder.engine.schema import load_yaml  # noqa: E402
from autograder.widgets.book import load_practice  # noqa: E402
from autograder.widgets.practice import KEYPOINT_ID  # noqa: E402

COURSE = ROOT / "course"
BANK = ROOT / "exercises" / "bank"
COVERAGE = COURSE / "coverage.yaml"
# key points per seed, as counted by the content review (§1.1)
SEED_COUNTS = {"000": 37, "001": 124, "002": 28, "003": 15, "004": 35}
TAUGHT_TARGET = 0.95
ASSESSED_TARGET = 0.80
_REF = re.compile(r"^(?P<notebook>\w+) §(?P<label>\S.*)$")


@dataclass(frozen=True)
class KeyPoint:
    id: str
    seed: str
    point: str
    taught: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    source: str  # "bank" | "practice"
    file: str
    id: str
    keypoints: tuple[str, ...]


def load_map(path: Path = COVERAGE) -> list[KeyPoint]:
    data = load_yaml(path)
    points = []
    for raw in data["keypoints"]:
        assert set(raw) <= {"id", "seed", "point", "taught", "note"}, raw
        points.append(KeyPoint(str(raw["id"]), str(raw["seed"]), str(raw["point"]).strip(),
                               tuple(raw.get("taught") or ())))
    return points


def headings(notebook: str) -> list[str]:
    """The text of every ## and ### heading in a course notebook's markdown cells."""
    nb = json.loads((COURSE / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            found += re.findall(r"^#{2,3} +(.+?)\s*$", source, re.M)
    return found


def section_exists(ref: str) -> bool:
    """'ch1_telephone §3' names a heading of ch1_telephone.ipynb that starts with '3' as a word."""
    m = _REF.match(ref)
    if not m or not (COURSE / f"{m['notebook']}.ipynb").is_file():
        return False
    label = m["label"]
    return any(h == label or (h.startswith(label) and not h[len(label)].isalnum())
               for h in headings(m["notebook"]))


def bank_questions(bank: Path = BANK) -> list[Question]:
    """Graded items with a ``keypoints:`` list, wherever they sit in a bank file."""
    found: list[Question] = []

    def walk(node, file):
        if isinstance(node, dict):
            if "id" in node and "keypoints" in node:
                found.append(Question("bank", file, str(node["id"]), tuple(map(str, node["keypoints"] or ()))))
            for value in node.values():
                walk(value, file)
        elif isinstance(node, list):
            for value in node:
                walk(value, file)

    for path in sorted(bank.glob("*.yaml")):
        walk(load_yaml(path), path.name)
    return found


def practice_questions() -> list[Question]:
    found = []
    for path in sorted((COURSE / "practice").glob("*.yaml")):
        book = load_practice(path)
        items = ([q for quiz in book.quizzes.values() for q in quiz.questions] + list(book.sandboxes.values())
                 + list(book.calls.values()))
        found += [Question("practice", path.name, item.id, item.keypoints) for item in items]
    return found


@dataclass(frozen=True)
class Report:
    total: int
    taught: int
    assessed: int  # by a graded or a practice question
    assessed_by_bank: int
    assessed_by_practice: int

    def share(self, n: int) -> float:
        return n / self.total

    def describe(self) -> str:
        pct = lambda n: f"{n}/{self.total} ({100 * self.share(n):.1f} %)"  # noqa: E731
        return (f"key points: {self.total}\n"
                f"taught:     {pct(self.taught)}   target ≥ {TAUGHT_TARGET:.0%}\n"
                f"assessed:   {pct(self.assessed)}   target ≥ {ASSESSED_TARGET:.0%}\n"
                f"  by graded bank items: {pct(self.assessed_by_bank)}\n"
                f"  by practice items:    {pct(self.assessed_by_practice)}")


def report() -> Report:
    points = load_map()
    bank = {k for q in bank_questions() for k in q.keypoints}
    practice = {k for q in practice_questions() for k in q.keypoints}
    ids = {p.id for p in points}
    return Report(len(points), sum(bool(p.taught) for p in points), len(ids & (bank | practice)),
                  len(ids & bank), len(ids & practice))


# --------------------------------------------------------------------------- the map itself


def test_map_lists_each_seed_key_point_once():
    points = load_map()
    ids = [p.id for p in points]
    assert len(ids) == len(set(ids)) == sum(SEED_COUNTS.values())
    assert Counter(p.seed for p in points) == SEED_COUNTS
    for p in points:
        assert KEYPOINT_ID.match(p.id) and p.id.startswith(p.seed + "-"), p.id
        assert p.point, f"{p.id}: no paraphrase"
    expected = [f"{seed}-{n:02d}" for seed, count in SEED_COUNTS.items() for n in range(1, count + 1)]
    assert ids == expected, "ids must run 000-01 … 004-35 in order, without gaps"


def test_paraphrases_are_simplified_chinese():
    import opencc

    text = "".join(p.point for p in load_map())
    converted = opencc.OpenCC("t2s").convert(text)
    assert sorted({a for a, b in zip(text, converted) if a != b}) == []


def test_every_taught_section_exists_in_its_notebook():
    missing = [(p.id, ref) for p in load_map() for ref in p.taught if not section_exists(ref)]
    assert not missing, f"sections named in coverage.yaml that no notebook heading matches: {missing}"


@pytest.mark.parametrize("ref, exists", [
    ("ch1_telephone §3", True),               # "## 3　电话礼仪的“宜”与“忌”"
    ("ch1_telephone §1", True),
    ("ch1_telephone §12", False),             # no such section
    ("ch3_complaint §一位客户值多少", True),   # a ### heading, by its start
    ("ch3_complaint §一位", False),            # a label must end at a word boundary
    ("ch9_nothing §1", False),
    ("ch1_telephone 3", False),
])
def test_section_references_are_checked_against_real_headings(ref, exists):
    assert section_exists(ref) is exists


# --------------------------------------------------------------------------- questions against the map


def _cited(questions: list[Question]):
    taught = {p.id: bool(p.taught) for p in load_map()}
    unknown = [(q.file, q.id, k) for q in questions for k in q.keypoints if k not in taught]
    untaught = [(q.file, q.id, k) for q in questions for k in q.keypoints if k in taught and not taught[k]]
    return unknown, untaught


def test_practice_questions_cite_only_taught_key_points():
    questions = practice_questions()
    assert questions and all(q.keypoints for q in questions if q.file != "00_index.yaml")
    unknown, untaught = _cited(questions)
    assert not unknown, f"practice items cite key points missing from coverage.yaml: {unknown}"
    assert not untaught, f"practice items assess key points no section teaches: {untaught}"


def test_bank_questions_cite_only_taught_key_points():
    unknown, untaught = _cited(bank_questions())
    assert not unknown, f"bank items cite key points missing from coverage.yaml: {unknown}"
    assert not untaught, f"bank items assess key points no section teaches: {untaught}"


def test_a_question_citing_an_untaught_point_is_caught(tmp_path):
    (tmp_path / "ch9.yaml").write_text(
        "questions:\n  - id: x1\n    keypoints: ['000-24', 000-03]\n  - id: x2\n    keypoints: [999-01]\n",
        encoding="utf-8")
    unknown, untaught = _cited(bank_questions(tmp_path))
    assert unknown == [("ch9.yaml", "x2", "999-01")]
    assert untaught == [("ch9.yaml", "x1", "000-24")]


# --------------------------------------------------------------------------- targets


def test_taught_share_reaches_the_target():
    r = report()
    print("\n" + r.describe())
    assert r.share(r.taught) >= TAUGHT_TARGET, r.describe()


def test_assessed_share_reaches_the_target():
    r = report()
    print("\n" + r.describe())
    assert r.share(r.assessed) >= ASSESSED_TARGET, r.describe()


if __name__ == "__main__":
    print(report().describe())
