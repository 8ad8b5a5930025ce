"""Measure the rewrite checker against a labelled set of natural answers.

``python -m autograder evaluate [--set DIR] [--json]``.  A set is a folder
of ``<scenario>.yaml`` files::

    scenario: complaint_accept
    situation: ...                 # optional, for the reader
    answers:
      - text: "..."
        verdict: pass | fail       # what an instructor decides
        rude: true | false         # is the answer rude (tone, taboo)?
        categories: [tone, quoted, ...]
        score: 0.67                # optional: share of requirements met
        why: ...                   # optional

Reported, the two costliest errors first: false passes on rude answers (a
rude answer earns marks) and false fails that accuse a good answer of a
prohibition (a forbidden finding on an answer that should pass).  Then
agreement, false passes and fails, the share of rude answers failed *for
their tone* (at least one forbidden finding from a rule, not only a missing
element or a length limit), score agreement, and per scenario and per rule:

* per scenario, "fail" is the positive class: precision = of the answers the
  checker failed, the share an instructor fails too; recall = of the answers
  an instructor fails, the share the checker fails;
* per rule: precision = of the answers on which the rule fired (forbidden
  or missing), the share an instructor fails; recall = of the failing
  answers in the scenarios where the rule applies, the share it fired on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .engine import Result, check, get_scenario, scenarios
from .schema import Where, load_yaml

__all__ = ["Answer", "Judged", "Report", "load_set", "evaluate", "DEFAULT_SET"]

DEFAULT_SET = Path("tests") / "data" / "heldout"
CATEGORIES = ("tone", "quoted", "negated", "order", "actor", "phrasing", "typo", "long", "english", "emoji",
              "nopunct", "wrong_scenario", "traditional", "missing", "baseline")
SCORE_TOLERANCE = 0.05  # an instructor's 0.67 and the checker's 0.6667 agree
_STRUCTURAL = ("answer.",)  # length, empty, off-topic: not a judgement of tone


@dataclass(frozen=True, slots=True)
class Answer:
    scenario: str
    text: str
    passes: bool  # the instructor's verdict
    rude: bool
    categories: tuple[str, ...] = ()
    score: float | None = None
    why: str = ""
    where: str = ""  # file #index, for messages


@dataclass(frozen=True, slots=True)
class Judged:
    answer: Answer
    result: Result

    @property
    def agrees(self) -> bool:
        return self.result.passed == self.answer.passes

    @property
    def failed_for_tone(self) -> bool:
        return not self.result.passed and any(
            f.kind == "forbidden" and not f.rule.startswith(_STRUCTURAL) for f in self.result.findings)

    @property
    def accuses(self) -> bool:
        """A good answer failed with a prohibition (the student is told they said something wrong)."""
        return self.answer.passes and not self.result.passed and any(
            f.kind == "forbidden" for f in self.result.findings)

    def fired(self) -> set[str]:
        return {f.rule for f in self.result.findings if f.kind in ("forbidden", "missing")}


@dataclass(frozen=True, slots=True)
class Rate:
    """precision / recall with their counts (None when undefined)."""

    hits: int
    fired: int
    relevant: int

    @property
    def precision(self) -> float | None:
        return self.hits / self.fired if self.fired else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.relevant if self.relevant else None

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall,
                "hits": self.hits, "fired": self.fired, "relevant": self.relevant}


class Agreement:
    """Agreement figures of a report over ``self.judged`` (items with an ``agrees`` flag)."""

    judged: list

    @property
    def total(self) -> int:
        return len(self.judged)

    @property
    def agreed(self) -> int:
        return sum(j.agrees for j in self.judged)

    @property
    def agreement(self) -> float:
        return self.agreed / self.total if self.total else 0.0


@dataclass
class Report(Agreement):
    judged: list[Judged]
    source: str = ""
    per_scenario: dict[str, dict] = field(default_factory=dict)
    per_rule: dict[str, Rate] = field(default_factory=dict)
    per_category: dict[str, tuple[int, int]] = field(default_factory=dict)

    # ---------------------------------------------------------------- figures

    @property
    def false_passes(self) -> list[Judged]:
        return [j for j in self.judged if j.result.passed and not j.answer.passes]

    @property
    def false_fails(self) -> list[Judged]:
        return [j for j in self.judged if not j.result.passed and j.answer.passes]

    @property
    def rude_false_passes(self) -> list[Judged]:
        return [j for j in self.false_passes if j.answer.rude]

    @property
    def accusing_false_fails(self) -> list[Judged]:
        return [j for j in self.false_fails if j.accuses]

    @property
    def rude(self) -> list[Judged]:
        return [j for j in self.judged if j.answer.rude]

    @property
    def rude_failed_for_tone(self) -> float | None:
        rude = self.rude
        return sum(j.failed_for_tone for j in rude) / len(rude) if rude else None

    @property
    def scored(self) -> list[Judged]:
        return [j for j in self.judged if j.answer.score is not None]

    @property
    def score_agreement(self) -> float | None:
        scored = self.scored
        if not scored:
            return None
        return sum(abs(j.result.score - j.answer.score) <= SCORE_TOLERANCE for j in scored) / len(scored)

    @property
    def score_mean_error(self) -> float | None:
        scored = self.scored
        return sum(abs(j.result.score - j.answer.score) for j in scored) / len(scored) if scored else None

    # ---------------------------------------------------------------- output
    def to_dict(self) -> dict:
        def item(j: Judged) -> dict:
            return {"scenario": j.answer.scenario, "text": j.answer.text, "where": j.answer.where,
                    "expected": "pass" if j.answer.passes else "fail",
                    "got": "pass" if j.result.passed else "fail", "rude": j.answer.rude,
                    "categories": list(j.answer.categories), "why": j.answer.why,
                    "findings": [f.rule for f in j.result.findings]}

        return {
            "set": self.source, "answers": self.total, "agreed": self.agreed, "agreement": self.agreement,
            "rude_false_passes": [item(j) for j in self.rude_false_passes],
            "accusing_false_fails": [item(j) for j in self.accusing_false_fails],
            "false_passes": [item(j) for j in self.false_passes],
            "false_fails": [item(j) for j in self.false_fails],
            "rude_answers": len(self.rude), "rude_failed_for_tone": self.rude_failed_for_tone,
            "scored_answers": len(self.scored), "score_agreement": self.score_agreement,
            "score_mean_error": self.score_mean_error, "score_tolerance": SCORE_TOLERANCE,
            "per_scenario": self.per_scenario,
            "per_rule": {k: v.to_dict() for k, v in sorted(self.per_rule.items())},
            "per_category": {k: {"answers": n, "agreed": a} for k, (n, a) in sorted(self.per_category.items())},
        }

    def text(self) -> str:
        lines = [f"评测集 set: {self.source} — {self.total} answers, {len(self.per_scenario)} scenarios", ""]
        lines.append("最严重的两类错误 / the two costliest errors")
        lines.append(f"  rude answers that pass (false pass on a rude answer): {len(self.rude_false_passes)}")
        lines += [f"    - {_line(j)}" for j in self.rude_false_passes]
        lines.append(f"  good answers failed with a prohibition (accusing false fail): "
                     f"{len(self.accusing_false_fails)}")
        lines += [f"    - {_line(j, accused=True)}" for j in self.accusing_false_fails]
        lines.append("")
        lines.append(f"agreement        {self.agreement:6.1%}  ({self.agreed}/{self.total})")
        lines.append(f"false passes     {len(self.false_passes):4d}")
        lines += [f"    - {_line(j)}" for j in self.false_passes if not j.answer.rude]
        lines.append(f"false fails      {len(self.false_fails):4d}")
        lines += [f"    - {_line(j)}" for j in self.false_fails if not j.accuses]
        rate = self.rude_failed_for_tone
        lines.append(f"rude answers failed for their tone: "
                     f"{'n/a' if rate is None else f'{rate:.1%}'} (of {len(self.rude)})")
        if self.scored:
            lines.append(f"score agreement  {self.score_agreement:6.1%} within ±{SCORE_TOLERANCE} "
                         f"({len(self.scored)} answers with a score; mean |Δ| {self.score_mean_error:.3f})")
        lines.append("")
        lines.append(f"{'scenario':20} {'n':>4} {'agree':>7} {'prec':>6} {'recall':>6}   (fail = positive)")
        for key, row in self.per_scenario.items():
            lines.append(f"{key:20} {row['answers']:4d} {row['agreement']:7.1%} {_pct(row['precision']):>6} "
                         f"{_pct(row['recall']):>6}")
        lines.append("")
        lines.append(f"{'rule':38} {'fired':>5} {'prec':>6} {'recall':>6}")
        for rid, r in sorted(self.per_rule.items(), key=lambda kv: (-kv[1].fired, kv[0])):
            if not r.fired:
                continue  # (in --json: every rule)
            lines.append(f"{rid:38} {r.fired:5d} {_pct(r.precision):>6} {_pct(r.recall):>6}")
        lines.append("")
        lines.append("per category: " + ", ".join(f"{k} {a}/{n}" for k, (n, a) in sorted(self.per_category.items())))
        return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _line(j: Judged, accused: bool = False) -> str:
    text = j.answer.text if len(j.answer.text) <= 60 else j.answer.text[:60] + "…"
    rules = ", ".join(f.rule for f in j.result.findings if (f.kind == "forbidden" if accused else True))
    return f"[{j.answer.where}] {text} → {'pass' if j.result.passed else 'fail'} ({rules or 'no findings'})"


# -------------------------------------------------------------------- loading

_ANSWER_FIELDS = {"text", "verdict", "rude", "categories", "score", "why", "note"}


def load_set(directory: str | Path) -> list[Answer]:
    """Every answer of a set, validated; SchemaError names the file and item."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"no labelled set at {directory}")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"{directory} holds no <scenario>.yaml files")
    out: list[Answer] = []
    for path in files:
        where = Where(str(path))
        data = load_yaml(path)
        where.only(data, {"scenario", "situation", "answers", "note"})
        key = where.need(data, "scenario", str)
        try:
            get_scenario(key)
        except KeyError as exc:
            raise where.error(str(exc)) from None
        for i, raw in enumerate(where.need(data, "answers", list), 1):
            w = where.at(f"answer {i}")
            w.only(raw, _ANSWER_FIELDS)
            verdict = w.need(raw, "verdict", str)
            if verdict not in ("pass", "fail"):
                raise w.error(f"verdict must be pass or fail, got {verdict!r}")
            score = w.need(raw, "score", (int, float), optional=True)
            if score is not None and not 0 <= score <= 1:
                raise w.error(f"score must be in [0, 1], got {score}")
            cats = tuple(w.strings(raw, "categories", optional=True))
            unknown = sorted(set(cats) - set(CATEGORIES))
            if unknown:
                raise w.error(f"unknown categories {unknown}; known: {', '.join(CATEGORIES)}")
            out.append(Answer(key, w.need(raw, "text", str), verdict == "pass",
                              w.need(raw, "rude", bool, optional=True, default=False), cats,
                              None if score is None else float(score),
                              w.need(raw, "why", str, optional=True, default=""), f"{path.stem} #{i}"))
    return out


# -------------------------------------------------------------------- evaluating

def evaluate(directory: str | Path = DEFAULT_SET) -> Report:
    """``python -m autograder evaluate``: check every labelled answer in
    ``directory`` and compare the verdicts with the labels (agreement, false
    passes and fails, per rule and per scenario, rude answers failed for tone)."""
    answers = load_set(directory)
    judged = [Judged(a, check(a.text, a.scenario)) for a in answers]
    report = Report(judged, str(directory))
    keys = [s.key for s in scenarios()]
    for key in keys:
        rows = [j for j in judged if j.answer.scenario == key]
        if not rows:
            continue
        fails = [j for j in rows if not j.result.passed]
        should = [j for j in rows if not j.answer.passes]
        both = sum(not j.answer.passes for j in fails)
        report.per_scenario[key] = {
            "answers": len(rows), "agreement": sum(j.agrees for j in rows) / len(rows),
            "precision": both / len(fails) if fails else None,
            "recall": both / len(should) if should else None,
            "false_passes": sum(j.result.passed and not j.answer.passes for j in rows),
            "false_fails": sum(not j.result.passed and j.answer.passes for j in rows),
        }
    active: dict[str, set[str]] = {}
    for sc in scenarios():
        for r in list(sc.active) + list(sc.requires):
            active.setdefault(r.id, set()).add(sc.key)
    for j in judged:
        for rid in j.fired():
            active.setdefault(rid, {s for s in keys})
    for rid, where in active.items():
        fired = [j for j in judged if rid in j.fired()]
        relevant = [j for j in judged if j.answer.scenario in where and not j.answer.passes]
        if not fired and not relevant:
            continue
        report.per_rule[rid] = Rate(sum(not j.answer.passes for j in fired), len(fired), len(relevant))
    for j in judged:
        for cat in j.answer.categories or ("(none)",):
            n, a = report.per_category.get(cat, (0, 0))
            report.per_category[cat] = (n + 1, a + j.agrees)
    return report

