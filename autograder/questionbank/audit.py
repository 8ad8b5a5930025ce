"""Quality checks on the question bank that the schema cannot see.

- **Copies of practice items.**  A graded item must not be answerable from
  memory of a practice feedback screen.  Each graded choice item's stem and
  options (a rewrite's bad utterance; a call's situation and customer lines)
  is compared with every practice quiz
  item (sandbox bad utterance) in ``course/practice/``; a similarity at or
  over :data:`SIMILARITY_LIMIT` is an error naming both ids.
- **Length cue.**  A key that is the longest option is guessable.  A choice
  item is length-cued when every keyed option is strictly longer than every
  distractor (for a single choice: the key is the strictly longest option).
  More than :data:`LONGEST_KEY_LIMIT` of a chapter's choice items is an error.

Similarity is the Dice coefficient of character bigrams after NFKC folding,
with punctuation and spaces dropped: 1.0 for a copy, about 0.7 for a copy with
one option changed, below 0.35 for the same fact asked in other words.

The figures also count situational and listening items per chapter, for the
tests and for ``build --check``'s summary.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .load import BankChapter, BankQuestion

__all__ = ["Overlap", "ChapterFigures", "BankAudit", "audit_bank", "similarity", "length_cued",
           "PracticeItem", "load_practice_items", "SIMILARITY_LIMIT", "LONGEST_KEY_LIMIT", "PRACTICE_DIR"]

SIMILARITY_LIMIT = 0.40
LONGEST_KEY_LIMIT = 0.25
PRACTICE_DIR = Path("course") / "practice"


@dataclass(frozen=True, slots=True)
class PracticeItem:
    id: str
    kind: str  # "choice" (a quiz question) | "rewrite" (a sandbox)
    text: str  # stem + options, or the bad utterance
    path: str


@dataclass(frozen=True, slots=True)
class Overlap:
    qid: str
    practice_id: str
    similarity: float
    bank_path: str
    practice_path: str

    def message(self) -> str:
        return (f"{self.bank_path}: {self.qid}: {self.similarity:.0%} similar to practice item {self.practice_id} "
                f"({self.practice_path}); a graded item must not copy a practice item "
                f"(limit {SIMILARITY_LIMIT:.0%}): ask it as a new situation")


@dataclass(frozen=True, slots=True)
class ChapterFigures:
    assignment: str
    path: str
    choice: int
    situational: int
    listening: int
    length_cued: tuple[str, ...]

    @property
    def length_cued_share(self) -> float:
        return len(self.length_cued) / self.choice if self.choice else 0.0

    @property
    def situational_share(self) -> float:
        return self.situational / self.choice if self.choice else 0.0


@dataclass
class BankAudit:
    chapters: list[ChapterFigures]
    overlaps: list[Overlap]  # at or over the limit, worst first
    closest: Overlap | None  # the most similar pair, whatever its value
    practice_items: int
    practice_dir: str | None  # None: no practice folder, copies not checked
    problems: list[str] = field(default_factory=list)

    @property
    def choice(self) -> int:
        return sum(c.choice for c in self.chapters)

    @property
    def length_cued(self) -> int:
        return sum(len(c.length_cued) for c in self.chapters)

    def summary(self) -> str:
        lines = []
        if self.practice_dir is None:
            lines.append("copies of practice items: not checked (no practice folder)")
        else:
            worst = (f"; closest: {self.closest.qid} ~ {self.closest.practice_id} {self.closest.similarity:.0%}"
                     if self.closest else "")
            lines.append(f"copies of practice items: {len(self.overlaps)} graded items at or over "
                         f"{SIMILARITY_LIMIT:.0%} similarity to the {self.practice_items} items in "
                         f"{self.practice_dir}{worst}")
        share = self.length_cued / self.choice if self.choice else 0.0
        lines.append(f"key is the longest option: {self.length_cued} of {self.choice} choice items ({share:.0%}; "
                     f"limit {LONGEST_KEY_LIMIT:.0%} a chapter)")
        for c in self.chapters:
            lines.append(f"  {c.assignment}: {c.choice} choice items, {c.situational} situational "
                         f"({c.situational_share:.0%}), {c.listening} listening, "
                         f"{len(c.length_cued)} length-cued")
        return "\n".join(lines)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def _bigrams(text: str) -> Counter:
    t = _normal(text)
    return Counter(t[i:i + 2] for i in range(len(t) - 1)) if len(t) > 1 else Counter(t)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two texts (0 … 1)."""
    ga, gb = _bigrams(a), _bigrams(b)
    total = sum(ga.values()) + sum(gb.values())
    return 2 * sum((ga & gb).values()) / total if total else 0.0


def _length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def length_cued(q: BankQuestion) -> bool:
    """Every keyed option strictly longer than every distractor."""
    keyed = [_length(v) for k, v in q.options.items() if k in q.key]
    others = [_length(v) for k, v in q.options.items() if k not in q.key]
    return bool(keyed and others) and min(keyed) > max(others)


def _graded_text(q: BankQuestion) -> str:
    if q.type == "rewrite":
        return q.bad or ""
    if q.type == "call":  # what the student is shown: the situation and the customer's lines
        return q.text + "".join(t.customer[0] for t in q.call.turns if not t.is_agent)
    return q.text + "".join(q.options.values())


def load_practice_items(practice_dir: str | Path) -> list[PracticeItem]:
    """Every quiz question and sandbox of the course's practice files."""
    from ..widgets.book import load_practice

    items = []
    for path in sorted(Path(practice_dir).glob("*.yaml")):
        book = load_practice(path)
        for quiz in book.quizzes.values():
            for q in quiz.questions:
                items.append(PracticeItem(q.id, "choice", q.stem + "".join(t for _, t in q.options), str(path)))
        for sb in book.sandboxes.values():
            items.append(PracticeItem(sb.id, "rewrite", sb.bad, str(path)))
    return items


def audit_bank(chapters: list[BankChapter], practice_dir: str | Path | None = PRACTICE_DIR) -> BankAudit:
    """Figures and problems (error messages naming file and item) for a loaded bank."""
    practice_dir = Path(practice_dir) if practice_dir is not None else None
    if practice_dir is not None and not practice_dir.is_dir():
        practice_dir = None
    practice = load_practice_items(practice_dir) if practice_dir else []
    overlaps: list[Overlap] = []
    closest: Overlap | None = None
    figures: list[ChapterFigures] = []
    problems: list[str] = []
    for ch in chapters:
        choice = [q for q in ch.questions if q.type in ("single", "multiple")]
        cued = tuple(q.id for q in choice if length_cued(q))
        figures.append(ChapterFigures(ch.assignment, ch.path, len(choice), sum(q.situational for q in choice),
                                      sum(q.listening for q in choice), cued))
        for q in ch.questions:
            if q.type == "short":
                continue
            kind = "rewrite" if q.type == "rewrite" else "choice"
            text = _graded_text(q)
            for item in practice:
                if item.kind != kind and q.type != "call":  # a call is compared with every practice item
                    continue
                pair = Overlap(q.id, item.id, similarity(text, item.text), ch.path, item.path)
                if closest is None or pair.similarity > closest.similarity:
                    closest = pair
                if pair.similarity >= SIMILARITY_LIMIT:
                    overlaps.append(pair)
    overlaps.sort(key=lambda o: -o.similarity)
    problems.extend(o.message() for o in overlaps)
    for c in figures:
        if c.length_cued_share > LONGEST_KEY_LIMIT:
            problems.append(
                f"{c.path}: the key is the longest option in {len(c.length_cued)} of {c.choice} choice items "
                f"({c.length_cued_share:.0%}, limit {LONGEST_KEY_LIMIT:.0%}): {', '.join(c.length_cued)}; "
                "lengthen a distractor or shorten the key")
    return BankAudit(figures, overlaps, closest, len(practice), str(practice_dir) if practice_dir else None,
                     problems)
