"""The export's analysis: item statistics, score summaries and rule statistics.

Rule statistics, common phrases and the per-turn sheets report what grading
decided: the findings it stored with each rewrite and call (read back by
:mod:`autograder.report.answers`).  Only an answer graded before findings
were stored is checked again with the rules installed now, and the export
then carries a warning saying so.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..messages import say
from .analytics import Item, ItemStats, ScoreSummary, cronbach_alpha, item_analysis, summarise
from .rulestats import CallCheck, RewriteCheck, rule_frequency
from .table import MISSING, Answer, ExportResult, ScoreChapter, ScoreColumn, ScoreTable

__all__ = ["analyse", "UNRECORDED_WARNING"]


def _rule_labels() -> dict[str, str]:
    try:
        from ..engine import engine

        labels = {}
        for r in engine.rules():
            if getattr(r, "name", ""):
                labels[r.id] = r.name
            else:
                head = re.split(r"[：:]", r.message, maxsplit=1)[0]
                labels[r.id] = re.sub(r"\{(match|count|max)\}", "…", head)[:40]
        labels.update({"answer.empty": "答案为空", "answer.not_chinese": "没有中文", "answer.unchanged": "照抄原句"})
        return labels
    except Exception:  # the engine is optional for export
        return {}


def analyse(table: ScoreTable, answers: dict[str, dict[str, Answer]]) -> ExportResult:
    """Item statistics per chapter, rewrite-rule frequencies and score summaries."""
    items: dict[str, list[ItemStats]] = {}
    checks: list[RewriteCheck] = []
    summaries: list[ScoreSummary] = []
    unrecorded: list[tuple[str, str]] = []  # (student, question key) graded before findings were stored
    for ch in table.chapters:
        included = [s for s in table.students
                    if s.chapters[ch.assignment].status != MISSING and not s.chapters[ch.assignment].fully_unreadable]
        scores = {s.id: {q.key: s.chapters[ch.assignment].marks[q.key].score
                         if s.chapters[ch.assignment].marks[q.key].state != "pending" else None
                         for q in ch.questions} for s in included}
        ids = {s.id for s in included}
        choices = {}
        for q in ch.questions:
            if q.type in ("single", "multiple"):
                choices[q.key] = [None if a.state == "unreadable" else a.value
                                  for sid, a in sorted(answers.get(q.key, {}).items()) if sid in ids]
        its = [Item(q.key, q.label, q.max_score, q.type, q.options, q.answer_key) for q in ch.questions]
        stats = item_analysis(its, scores, choices)
        for i, q in enumerate(ch.questions):
            waiting = sum(s.chapters[ch.assignment].marks[q.key].state == "pending" for s in included)
            if waiting:  # statistics over the few graded answers would mislead: wait for the grader
                stats[i] = replace(stats[i], mean=None, p=None, upper_mean=None, lower_mean=None,
                                   discrimination=None, point_biserial=None, pending=waiting)
        items[ch.assignment] = stats

        # reliability over the questions every included student has a score for (not those awaiting a grader)
        known = [q for q in ch.questions if all(row[q.key] is not None for row in scores.values())]
        complete = [[row[q.key] for q in known] for row in scores.values()]
        totals = [s.chapters[ch.assignment].total if s.chapters[ch.assignment].status != MISSING else None
                  for s in table.students]
        summaries.append(summarise(ch.label, totals, ch.max_score, cronbach_alpha(complete)))

        checks += _rewrite_checks(ch, ids, answers, unrecorded)
    if table.chapters:
        totals = [s.total for s in table.students]
        summaries.append(summarise("总分", totals, table.max_score))
    calls, turn_items = _analyse_calls(table, answers, checks, unrecorded)
    rules, checked = rule_frequency(checks, _rule_labels())
    notes = [UNRECORDED_WARNING.format(n=len(unrecorded))] if unrecorded else []
    return ExportResult(table, items, rules, checked, summaries, warnings=notes, checks=checks, calls=calls,
                        turn_items=turn_items)


UNRECORDED_WARNING = say("{n} 份改写题或情景通话题的答案是较早版本评的分，评分时没有记录规则结果："
                         "规则统计对它们按现在的规则重新检查；重新评分后即按评分时的结果统计",
                         "{n} rewrite or call answers were graded before rule findings were stored: "
                         "the rule statistics re-checked them with the current rules; grade again to use grading's findings")


def _findings(result) -> tuple:
    return tuple((f.rule, f.kind, f.message, f.span) for f in result.findings)


def _rewrite_checks(ch: ScoreChapter, ids: set, answers: dict[str, dict[str, Answer]], unrecorded: list) -> list[RewriteCheck]:
    """Each rewrite answer with the findings grading recorded for it.

    An answer graded before findings were stored is checked again with the
    rules installed now, and noted in ``unrecorded`` (the export warns).
    """
    out = []
    for q in ch.questions:
        if q.type != "rewrite" or not q.scenario:
            continue
        for sid, a in sorted(answers.get(q.key, {}).items()):
            if sid not in ids or a.state != "answered":
                continue
            if a.decision is not None:
                out.append(RewriteCheck(ch.label, sid, q.label, a.value, a.decision.findings))
                continue
            try:
                from ..engine.engine import check

                result = check(a.value, q.scenario, original=q.bad or None)
            except (KeyError, TypeError, ValueError):
                continue  # a scenario the engine does not know
            unrecorded.append((sid, q.key))
            out.append(RewriteCheck(ch.label, sid, q.label, a.value, _findings(result)))
    return out


def _check_call(q: ScoreColumn, lines: tuple[str, ...]):
    """``check_call`` on a student's lines, or None when the question's call cannot be checked."""
    from ..engine.calls import check_call

    try:
        return check_call(list(lines), q.call or {})
    except (KeyError, TypeError, ValueError):
        return None  # a scenario or rule the installed engine does not know


def _judged_call(q: ScoreColumn, a: Answer, unrecorded: list, sid: str):
    """(turn scores, call score, per-turn findings, call findings) as grading decided them.

    From the record grading stored; an empty call scores 0 on every turn
    (grading does not check it); an answer graded before findings were
    stored is checked again with the rules installed now (noted in
    ``unrecorded``).  None when the call cannot be checked.
    """
    d = a.decision
    if d is not None and len(d.turn_scores) == q.turns:
        return d.turn_scores, d.score, d.turn_findings, d.call_findings
    if a.state == "empty":
        return (0.0,) * q.turns, 0.0, ((),) * q.turns, ()
    result = _check_call(q, a.lines or ("",) * q.turns)
    if result is None:
        return None
    unrecorded.append((sid, q.key))
    return (tuple(t.score for t in result.turns), result.score,
            tuple(_findings(t.result) if t.result else () for t in result.turns),
            tuple((f.rule, f.level, f.message, f.turn) for f in result.findings))


def _analyse_calls(table: ScoreTable, answers: dict[str, dict[str, Answer]], checks: list[RewriteCheck],
                   unrecorded: list) -> tuple[list[CallCheck], dict[str, list[ItemStats]]]:
    """Each call answer as grading judged it: its turn scores, the turn findings and call-level rules
    (added to ``checks`` for the rule statistics), and item statistics per agent turn."""
    calls: list[CallCheck] = []
    turn_items: dict[str, list[ItemStats]] = {}
    for ch in table.chapters:
        included = {s.id: s for s in table.students
                    if s.chapters[ch.assignment].status != MISSING and not s.chapters[ch.assignment].fully_unreadable}
        for q in ch.questions:
            if q.type != "call" or not q.turns:
                continue
            turn_scores: dict[str, dict[str, float | None]] = {}
            for sid, a in sorted(answers.get(q.key, {}).items()):
                if sid not in included or a.state == "unreadable":
                    continue
                judged = _judged_call(q, a, unrecorded, sid)
                if judged is None:
                    break
                turns, score, turn_findings, found = judged
                scores = tuple(round(t, 4) for t in turns)
                turn_scores[sid] = {f"{q.key}#{n}": v for n, v in enumerate(scores, 1)}
                if a.state != "answered":
                    continue
                call = CallCheck(ch.label, sid, q.label, q.key, tuple(a.lines), scores, round(score, 4), tuple(found))
                calls.append(call)
                checks.extend(call.rewrite_checks(turn_findings))
            if turn_scores:
                items = [Item(f"{q.key}#{n}", f"{q.label}·第{n}句", 1.0, "call_turn") for n in range(1, q.turns + 1)]
                totals = {sid: included[sid].chapters[ch.assignment].total for sid in turn_scores}
                turn_items[q.key] = item_analysis(items, turn_scores, totals=totals)
    return calls, turn_items
