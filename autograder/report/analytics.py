"""Statistics for graders and teaching offices, computed from plain data (no I/O).

Everything here takes small, hand-made-friendly inputs (dicts of scores,
lists of answers) and returns typed results, so it is unit-tested without a
gradebook; :mod:`autograder.report.export` reads the gradebook and the autograded
notebooks and feeds it.

Item analysis (classical test theory), one *test* at a time — a chapter's
assignment is the test its questions belong to:

* **difficulty** ``p`` = mean score / full marks (1 = everyone full marks);
* **discrimination** ``D`` = (mean of the upper group − mean of the lower
  group) / full marks, the groups being the top and bottom 27 % of students
  by their total on the test (at least one student each; ties broken by
  student id, so the result is deterministic);
* **point-biserial** ``r`` = Pearson correlation between the item score and
  the total of the *other* items (the corrected item–total correlation; for
  partially scored items this is the item–rest correlation);
* option counts for choice questions, and flags for questions that look
  faulty: negative discrimination, a distractor nobody picks, a key chosen
  less often than some distractor.

Thresholds follow what Chinese teaching offices use: difficulty 易 p > 0.7,
中 0.3–0.7, 难 p < 0.3; discrimination (Ebel) 优 D ≥ 0.4, 良 0.3–0.39,
尚可 0.2–0.29 (宜修改), 差 D < 0.2 (应修改或淘汰).

Rule frequency (:func:`rule_frequency` and its types) lives in
:mod:`autograder.report.rulestats`; its names still import from here.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from .rulestats import CALL_KIND, KIND_LABEL, CallCheck, RewriteCheck, RuleStat, rule_frequency  # older path

__all__ = [
    "Item", "Flag", "ItemStats", "item_analysis", "pearson",
    "ScoreSummary", "summarise", "BANDS", "cronbach_alpha",
    "RewriteCheck", "CallCheck", "CALL_KIND", "KIND_LABEL", "RuleStat", "rule_frequency",
    "NEGATIVE_DISCRIMINATION", "UNUSED_DISTRACTOR", "KEY_LESS_POPULAR",
    "difficulty_level", "discrimination_level",
]

GROUP_SHARE = 0.27

# flag codes
NEGATIVE_DISCRIMINATION = "negative_discrimination"
UNUSED_DISTRACTOR = "unused_distractor"
KEY_LESS_POPULAR = "key_less_popular"


@dataclass(frozen=True, slots=True)
class Item:
    """One question of a test, as the statistics need it."""

    key: str  # unique within the analysis
    label: str  # e.g. 电话礼仪·第1题
    max_score: float
    type: str = ""  # single | multiple | rewrite | short | "" (unknown)
    options: str = ""  # option letters, e.g. "ABCD" (choice questions)
    answer_key: str = ""  # the key's letters, e.g. "AC" (choice questions)


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # one of the flag codes above
    message: str  # Chinese, for the grader


@dataclass(frozen=True)
class ItemStats:
    item: Item
    n: int  # students with a score for this item
    mean: float | None
    p: float | None  # difficulty
    upper_mean: float | None
    lower_mean: float | None
    group_size: int  # students in each of the upper and lower groups
    discrimination: float | None  # D
    point_biserial: float | None  # r (item vs. rest)
    option_counts: dict[str, int] = field(default_factory=dict)  # letter -> students choosing it
    answered: int = 0  # readable, non-empty choice answers
    empty: int = 0  # left blank
    unreadable: int = 0  # could not be read
    flags: tuple[Flag, ...] = ()
    pending: int = 0  # students still waiting for a manual grade on it (set by the caller)

    @property
    def difficulty_level(self) -> str:
        return difficulty_level(self.p)

    @property
    def discrimination_level(self) -> str:
        return discrimination_level(self.discrimination)


def difficulty_level(p: float | None) -> str:
    if p is None:
        return ""
    if p > 0.7:
        return "易"
    if p < 0.3:
        return "难"
    return "中"


def discrimination_level(d: float | None) -> str:
    if d is None:
        return ""
    if d >= 0.4:
        return "优"
    if d >= 0.3:
        return "良"
    if d >= 0.2:
        return "尚可（宜修改）"
    return "差（应修改或淘汰）"


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than 3 pairs, or no variance)."""
    n = len(xs)
    if n != len(ys) or n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _group_size(n: int, share: float) -> int:
    if n < 2:
        return 0
    return max(1, min(n // 2, int(round(share * n))))


def _letters(answer: str | None) -> str | None:
    return None if answer is None else "".join(sorted(set(answer)))


def item_analysis(items: Sequence[Item],
                  scores: Mapping[str, Mapping[str, float | None]],
                  choices: Mapping[str, Iterable[str | None]] | None = None,
                  *, group_share: float = GROUP_SHARE, min_responses: int = 10,
                  totals: Mapping[str, float] | None = None) -> list[ItemStats]:
    """Item statistics for one test.

    ``scores``: student id -> item key -> score (None or absent: no data, e.g.
    waiting for a manual grade).  A student's total is the sum of their known
    scores on ``items``; students with no known score at all are left out.
    ``choices``: item key -> the answers students gave: the letters chosen
    (``"AC"``), ``""`` for a blank answer, ``None`` for an unreadable one.
    ``min_responses``: a distractor nobody picks is only flagged when at
    least this many students answered (in a small group it means nothing).
    ``totals``: student id -> the total to rank by, for parts of a larger
    item (the turns of a call): upper and lower groups come from it, and the
    point-biserial r is against it (the part is inside it, so r is not
    corrected for the item).  Default: the sum of the known scores on ``items``.
    """
    choices = choices or {}
    keys = [it.key for it in items]
    students = sorted(s for s, row in scores.items() if any(row.get(k) is not None for k in keys))
    given = totals is not None
    if given:
        students = [s for s in students if totals.get(s) is not None]
        totals = {s: float(totals[s]) for s in students}
    else:
        totals = {s: sum(v for k in keys if (v := scores[s].get(k)) is not None) for s in students}
    out = []
    for it in items:
        have = [s for s in students if scores[s].get(it.key) is not None]
        values = {s: float(scores[s][it.key]) for s in have}
        n = len(have)
        mean = sum(values.values()) / n if n else None
        p = mean / it.max_score if (mean is not None and it.max_score > 0) else None
        g = _group_size(n, group_share)
        upper_mean, lower_mean = _group_means(have, values, totals, g)
        d = (upper_mean - lower_mean) / it.max_score if g and it.max_score > 0 else None
        r = pearson([values[s] for s in have], [totals[s] - (0.0 if given else values[s]) for s in have])
        counts, answered, empty, unreadable = _option_counts(it, choices.get(it.key, ()))
        flags = _flags(it, d, r, counts, answered, min_responses)
        out.append(ItemStats(it, n, _r(mean), _r(p), _r(upper_mean), _r(lower_mean), g, _r(d), _r(r),
                             counts, answered, empty, unreadable, tuple(flags)))
    return out


def _group_means(have: list[str], values: Mapping[str, float], totals: Mapping[str, float],
                 g: int) -> tuple[float | None, float | None]:
    """The item's mean in the upper and lower ``g`` students by total (ties: student id); None without groups."""
    if not g:
        return None, None
    ranked = sorted(have, key=lambda s: (-totals[s], s))
    upper, lower = ranked[:g], ranked[-g:]
    return sum(values[s] for s in upper) / g, sum(values[s] for s in lower) / g


def _option_counts(it: Item, answers: Iterable[str | None]) -> tuple[dict[str, int], int, int, int]:
    """(students per letter, answered, blank, unreadable) for a choice item; nothing counted for the others."""
    counts: dict[str, int] = {}
    answered = empty = unreadable = 0
    if not it.options:
        return counts, answered, empty, unreadable
    counts = {letter: 0 for letter in it.options}
    for answer in answers:
        letters = _letters(answer)
        if letters is None:
            unreadable += 1
        elif not letters:
            empty += 1
        else:
            answered += 1
            for letter in letters:
                counts[letter] = counts.get(letter, 0) + 1
    return counts, answered, empty, unreadable


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _flags(it: Item, d, r, counts: dict[str, int], answered: int, min_responses: int) -> list[Flag]:
    flags = []
    negative = []
    if d is not None and d < 0:
        negative.append(f"区分度 D={d:.2f}")
    if r is not None and r < 0:
        negative.append(f"点二列相关 r={r:.2f}")
    if negative:
        flags.append(Flag(NEGATIVE_DISCRIMINATION,
                          f"{'，'.join(negative)} 为负：高分学生反而答得更差，请检查答案和题干是否有误或有歧义。"))
    if it.options and it.answer_key and answered:
        key = set(it.answer_key)
        distractors = [o for o in it.options if o not in key]
        if answered >= min_responses:
            unused = [o for o in distractors if counts.get(o, 0) == 0]
            if unused:
                flags.append(Flag(UNUSED_DISTRACTOR,
                                  f"干扰项 {'、'.join(unused)} 无人选择（{answered} 人作答）：干扰项没有迷惑性，宜修改。"))
        if distractors:
            top = max(distractors, key=lambda o: (counts.get(o, 0), -it.options.index(o)))
            weak = [k for k in it.answer_key if counts.get(k, 0) < counts.get(top, 0)]
            if weak:
                flags.append(Flag(KEY_LESS_POPULAR,
                                  f"正确选项 {'、'.join(weak)}（{'、'.join(str(counts.get(k, 0)) for k in weak)} 人）"
                                  f"少于干扰项 {top}（{counts.get(top, 0)} 人）：请核对答案是否正确、题干是否有歧义。"))
    return flags


# --------------------------------------------------------------------------- score summaries

# score bands in percent of full marks (百分制 分数段), highest first
BANDS: tuple[tuple[str, float, float], ...] = (
    ("优秀 90–100", 90, 100.0001),
    ("良好 80–89", 80, 90),
    ("中等 70–79", 70, 80),
    ("及格 60–69", 60, 70),
    ("不及格 <60", -0.0001, 60),
)


@dataclass(frozen=True)
class ScoreSummary:
    """What a teaching office asks for, for one chapter (or the whole course)."""

    label: str
    max_score: float
    enrolled: int  # students on the roster (应考)
    submitted: int  # with a score (实考)
    mean: float | None = None
    sd: float | None = None  # sample standard deviation
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    pass_rate: float | None = None  # share with ≥ 60 % of full marks
    excellent_rate: float | None = None  # share with ≥ 90 %
    score_rate: float | None = None  # mean / full marks
    bands: dict[str, int] = field(default_factory=dict)
    alpha: float | None = None  # Cronbach's alpha (KR-20 for 0/1 items)

    def describe(self) -> str:
        """One line for a printed summary: average, score rate, pass rate, who submitted."""
        if self.mean is None:
            return "无提交"
        return (f"平均 {self.mean:5.1f} / {self.max_score:g}（得分率 {self.score_rate:.0%}，"
                f"及格率 {self.pass_rate:.0%}，实交 {self.submitted}/{self.enrolled}）")


def summarise(label: str, scores: Sequence[float | None], max_score: float,
              alpha: float | None = None) -> ScoreSummary:
    """Mean, SD, median, range, pass/excellent rates and bands of ``scores`` (None: no submission)."""
    have = [float(s) for s in scores if s is not None]
    enrolled, n = len(scores), len(have)
    if not n:
        return ScoreSummary(label, max_score, enrolled, 0, bands={b[0]: 0 for b in BANDS}, alpha=alpha)
    pct = [100.0 * s / max_score if max_score > 0 else 0.0 for s in have]
    bands = {name: sum(lo <= x < hi for x in pct) for name, lo, hi in BANDS}
    mean = statistics.fmean(have)
    return ScoreSummary(
        label, max_score, enrolled, n,
        mean=round(mean, 2),
        sd=round(statistics.stdev(have), 2) if n >= 2 else None,
        median=round(statistics.median(have), 2),
        minimum=min(have), maximum=max(have),
        pass_rate=round(sum(x >= 60 - 1e-9 for x in pct) / n, 4),
        excellent_rate=round(sum(x >= 90 - 1e-9 for x in pct) / n, 4),
        score_rate=round(mean / max_score, 4) if max_score > 0 else None,
        bands=bands, alpha=alpha,
    )


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a students × items matrix (complete rows only); None if undefined."""
    rows = [list(map(float, r)) for r in rows]
    if len(rows) < 2 or not rows[0]:
        return None
    k = len(rows[0])
    if k < 2 or any(len(r) != k for r in rows):
        return None
    item_vars = [statistics.variance([r[j] for r in rows]) for j in range(k)]
    total_var = statistics.variance([sum(r) for r in rows])
    if total_var <= 1e-12:
        return None
    return round(k / (k - 1) * (1 - sum(item_vars) / total_var), 4)
