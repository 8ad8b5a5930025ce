"""How often each rule of the engine fired in the class's rewrite and call answers (no I/O).

The export hands it what grading decided for each answer (:class:`RewriteCheck`,
and :class:`CallCheck` for whole calls, whose turns count as answers and whose
call-level rules count once per call); :func:`rule_frequency` counts each rule
once per answer and keeps an example, for the 改写规则 sheet and the charts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

__all__ = ["KIND_LABEL", "CALL_KIND", "RewriteCheck", "CallCheck", "RuleStat", "rule_frequency"]

KIND_LABEL = {"missing": "缺少要素", "forbidden": "违规用语", "warning": "提醒",
              "call_error": "整通电话·必须改", "call_warning": "整通电话·提醒"}
CALL_KIND = {"error": "call_error", "warning": "call_warning"}  # a call-level finding's level -> kind


@dataclass(frozen=True)
class RewriteCheck:
    """One rewrite answer and what the engine found in it."""

    chapter: str  # chapter label, e.g. 第1章 电话礼仪
    student: str
    question: str  # question label
    text: str
    findings: tuple  # (rule, kind, message, span) tuples or engine Findings


@dataclass(frozen=True)
class CallCheck:
    """One whole-call answer as ``check_call`` judged it."""

    chapter: str  # chapter label
    student: str
    question: str  # question label, e.g. 电话礼仪·第5题
    key: str  # the question's key in the score table
    lines: tuple[str, ...]  # what the student wrote, one line per agent turn
    turn_scores: tuple[float, ...]  # 0..1 per agent turn (0: empty)
    score: float  # 0..1, the call's weights applied
    findings: tuple  # call-level: (rule, level, message, turn) tuples

    def rewrite_checks(self, turn_findings: Sequence[tuple]) -> list[RewriteCheck]:
        """For the rule statistics: each written turn, then the call as a whole (its call-level rules).

        ``turn_findings``: per agent turn, that turn's (rule, kind, message, span) findings.
        """
        out = [RewriteCheck(self.chapter, self.student, f"{self.question}·第{n}句", text, tuple(found))
               for n, (text, found) in enumerate(zip(self.lines, turn_findings), 1) if text.strip()]
        whole = "\n".join(f"第{n}句：{t}" for n, t in enumerate(self.lines, 1))
        out.append(RewriteCheck(self.chapter, self.student, self.question, whole,
                                tuple((rule, CALL_KIND.get(level, "call_warning"), message, None)
                                      for rule, level, message, _turn in self.findings)))
        return out


@dataclass
class RuleStat:
    rule: str
    kind: str  # missing | forbidden | warning | call_error | call_warning
    label: str = ""  # a short Chinese name (requirement name or family title), if known
    answers: int = 0  # answers in which it fired
    by_chapter: dict[str, int] = field(default_factory=dict)
    phrases: Counter = field(default_factory=Counter)  # offending text -> answers
    example: str = ""  # the first answer (by chapter, student) that triggered it
    example_student: str = ""
    example_question: str = ""
    example_message: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)

    def top_phrases(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.phrases.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def rule_frequency(checks: Iterable[RewriteCheck], labels: Mapping[str, str] | None = None) -> tuple[list[RuleStat], int]:
    """How often each rule fired (counted once per answer), most frequent first.

    Returns the statistics and the number of answers checked.  Requirements
    an answer misses count as firings of that requirement (kind ``missing``).
    """
    labels = labels or {}
    stats: dict[tuple[str, str], RuleStat] = {}
    checked = 0
    for c in sorted(checks, key=lambda c: (c.chapter, c.student, c.question)):
        checked += 1
        seen: set[tuple[str, str]] = set()
        for f in c.findings:
            rule, kind, message, span = f[0], f[1], f[2], f[3]
            key = (rule, kind)
            st = stats.get(key)
            if st is None:
                st = stats[key] = RuleStat(rule, kind, labels.get(rule, ""))
            if span is not None and kind != "missing":
                a, b = span
                phrase = c.text[a:b].strip()
                if phrase and key not in seen:
                    st.phrases[phrase] += 1
            if key in seen:
                continue
            seen.add(key)
            st.answers += 1
            st.by_chapter[c.chapter] = st.by_chapter.get(c.chapter, 0) + 1
            if not st.example:
                st.example, st.example_student = c.text, c.student
                st.example_question, st.example_message = c.question, message
    ordered = sorted(stats.values(), key=lambda s: (-s.answers, s.kind, s.rule))
    return ordered, checked
