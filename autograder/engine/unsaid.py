"""Unsaid stretches of a normalised answer: what the agent mentions without
saying it to the customer (the customer's words quoted back, what the agent
says they will not say); see ``text.Normalised.unsaid``.  Every pattern
here is bounded, so the scan stays linear in the length of the answer."""
from __future__ import annotations

import re

__all__ = ["_unsaid"]

# Quotations: each kind of mark pairs with its own closing mark; bounded, so
# the scan stays linear.
_QUOTE_MARKS = "“‘「『\""
_QUOTE = re.compile('“[^“”]{1,60}”|‘[^‘’]{1,60}’|「[^「」]{1,60}」|『[^『』]{1,60}』|"[^"]{1,60}"')
# the agent says the quotation: 我只能说“…” / 我跟您讲“…” (no negation before)
_AGENT_SAYS = re.compile("我[^,.!?;不别没绝决禁避]{0,5}(?:说|讲|告诉[您你]|回答|答复)[:,]?$")
# what follows is not said: 我绝不会跟您说… / 您说… / 客户反映…
_NOT_SAYING = re.compile(
    "(?:不会|不能|不该|不应该?|不要|不可以|绝不|决不|从不|从来不|避免|禁止|杜绝|别)(?:再|会|能)?"
    "(?:跟[您你]|和[您你]|对[您你]|向[您你])?(?:说|讲)(?:出)?")
# the customer's words reported: 您说… / 客户反映… (found at the verb, then the
# subject is checked just before it, so a long run of 你 costs nothing)
# (the lookbehind is the last character of any _REPORTER match: a verb that
# no reporter can precede is not even looked at, so a run of 说 costs nothing)
_REPORTING = re.compile("(?<=[您你户方才前刚直是])(?:说|讲|提到|反映|表示|抱怨)(?![话得的出明清过])[:,]?")
_REPORTER = re.compile("(?:[您你]|客户|对方)(?:刚才|之前|刚刚|一直|是)?$")
_CLAUSE_END = re.compile("[,.!?;]")
_REPORT_LIMIT = 30  # an unquoted report runs to the end of its clause, at most this far


# every match of _QUOTE, _NOT_SAYING and _REPORTING holds one of these
_UNSAID_MARKS = re.compile("[" + re.escape(_QUOTE_MARKS) + "说讲提反表抱]")


def _unsaid(text: str) -> tuple[tuple[int, int], ...]:
    if not _UNSAID_MARKS.search(text):  # (one scan of the text, not one per mark)
        return ()
    out: list[tuple[int, int]] = []
    quotes = _QUOTE.finditer(text) if any(q in text for q in _QUOTE_MARKS) else ()
    for m in quotes:
        before = text[max(0, m.start() - 8):m.start()]
        if not _AGENT_SAYS.search(before):
            out.append(m.span())
    reported = [m for m in _REPORTING.finditer(text) if _REPORTER.search(text, max(0, m.start() - 5), m.start())]
    frames = list(_NOT_SAYING.finditer(text)) if ("说" in text or "讲" in text) else []
    frames += reported  # both in order of position: a stable sort merges them as heapq.merge would
    frames.sort(key=_start)
    for m in frames:
        start = m.end()
        if start < len(text) and text[start] in "“‘「『\"":
            continue  # the quotation itself was decided above
        stop = _CLAUSE_END.search(text, start, start + _REPORT_LIMIT)
        end = stop.start() if stop else min(len(text), start + _REPORT_LIMIT)
        if end > start:
            out.append((start, end))
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:  # overlapping stretches become one
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def _start(m: re.Match) -> int:
    return m.start()
