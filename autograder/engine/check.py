"""Checking an answer: ``check``, ``check_normalised``, the findings, their
dedupe and the quoted phrases."""

from __future__ import annotations

import re

from .catalogue import get_scenario
from .model import (FOREIGN_LIMIT, MAX_ANSWER_CHARS, MAX_HITS_PER_RULE, TURN_LIMIT, Finding, Order, Result, Rule,
                    Scenario, _joined_hits, _joined_view)
from .prefilter import _CHARSET_LIMIT, _gate, _gate_open, _pairs, _scan
from .scanindex import _first_match, _Index, _scenario_index
from .text import Normalised, has_chinese, normalise

_LEVEL_KIND = {"error": "forbidden", "warning": "warning"}


def _fill(message: str, quoted: str, count: int = 0, maximum: int = 0, suggestion: str = "") -> str:
    # {count}/{max}/{suggestion} first and the student's text last, so braces
    # the student typed are never taken for placeholders
    if "{count}" in message or "{max}" in message:
        message = message.replace("{count}", str(count)).replace("{max}", str(maximum))
    if "{suggestion}" in message:
        message = message.replace("{suggestion}", suggestion)
    return message.replace("{match}", quoted)


def check(text: str, scenario: str, *, original: str | None = None,
          max_length: int | None = MAX_ANSWER_CHARS) -> Result:
    """Check a rewritten utterance against a scenario.

    ``original`` is the bad utterance the student was asked to rewrite; an
    answer that normalises to the same text fails.  An answer longer than
    ``max_length`` characters fails at once, before any rule runs (None: no
    cap; the engine itself is linear in the length).
    """
    if not isinstance(text, str):
        raise TypeError(f"check() needs the answer as str, got {type(text).__name__}")
    if original is not None and not isinstance(original, str):
        raise TypeError(f"original must be str or None, got {type(original).__name__}")
    sc = get_scenario(scenario)
    if max_length is not None and len(text) > max_length:
        return Result(False, 0.0, [Finding(
            "answer.over_limit", "forbidden",
            f"答案有{len(text)}个字符，超过了{max_length}个字符的上限，没有检查：改写题只要写一段在这个情境下"
            f"对客户说的话（一般几十个字），请删减后再提交。", None, sc.suggestion, "")], sc.key)
    return check_normalised(normalise(text), sc, original=original)


def check_normalised(norm: Normalised, sc: Scenario, *, original: str | None = None) -> Result:
    """``check`` on an already normalised answer (no length cap)."""
    if not norm.text:
        return Result(False, 0.0, [Finding("answer.empty", "forbidden",
                                           "答案是空的：请写出你改写后的完整说法。", None, sc.suggestion)], sc.key)
    if not has_chinese(norm.text):
        return Result(False, 0.0, [Finding(
            "answer.not_chinese", "forbidden",
            f"「{_short(norm.original)}」里没有中文：请用中文写出完整的服务用语。", (0, len(norm.original)),
            sc.suggestion)], sc.key)

    text = norm.text
    chars = set(text) if norm.chars is None else norm.chars
    return _check_with(norm, sc, original, chars, _pairs(text) if len(text) <= _CHARSET_LIMIT else None)


def _check_with(norm: Normalised, sc: Scenario, original: str | None, chars: set[str],
                grams: set[str] | None, index: "_Index | None" = None,
                lives: tuple[int, int] | None = None) -> Result:
    """``check_normalised`` on a non-empty Chinese answer whose characters
    (``chars``) and, when it is of usual length, pairs of adjacent
    characters (``grams``) the caller has worked out (a call reuses them).
    ``index``: the scenario's index or one that extends it (``extra`` rules),
    ``lives`` its ``live_both`` for this answer, if known."""
    findings: list[Finding] = []
    error = False
    if original is not None and normalise(original).text == norm.text:
        error = True
        findings.append(Finding("answer.unchanged", "forbidden",
                                "答案和原句一样：请按要求改写，不要照抄原句。", None, sc.suggestion))
    # the characters present decide which rules can match at all, and (for
    # an answer of usual length) the pairs of adjacent characters too
    turn = _turn_findings(norm, sc, chars)
    error |= bool(turn)
    findings += turn

    # which scanners can match at all, looked up by the characters and pairs present
    if index is None:
        index = sc.lookup[0] if sc.lookup else _scenario_index(sc)
    if grams is not None:
        # the live scanners, and those that may match the comma-free view (a superset)
        live, live_joined = lives if lives is not None else index.live_both(chars, grams, norm.text)
    else:  # a long answer: each rule's own pre-check decides
        live = live_joined = None
    error |= _rule_findings(norm, index, live, live_joined, chars, grams, findings)
    met, missing, first_hit = _requirements(norm, sc, index, live, chars, grams, error, findings)
    for order in sc.orders:
        f = _order_finding(order, norm, first_hit)
        if f is not None:
            error |= order.level == "error"
            findings.append(f)

    # what was said wrong, in the order it was said, each stretch once; then what is missing
    if len(findings) > 1:
        findings = _dedupe(findings)
    findings.sort(key=lambda f: -1 if f.span is None else f.span[0])
    findings += missing
    total = len(sc.requires)
    score = 0.0 if error else round(met / total, 4) if total else 1.0
    passed = not error and met == total
    return Result(passed, score, findings, sc.key)


def _visit_order(index: _Index, live: int, live_joined: int):
    """The positions of the rules that may match, in the scenario's order: those
    with a live scanner, and those that cross commas with one live once the
    commas are dropped."""
    visit = (live & index.active_mask) | (live_joined & index.across_mask)
    order = []
    rule_at, rule_bits = index.rule_at, index.rule_bits
    while visit:
        position = rule_at[(visit & -visit).bit_length() - 1]
        order.append(position)
        visit &= ~rule_bits[position]
    return order


def _rule_findings(norm: Normalised, index: _Index, live: int | None, live_joined: int | None,
                   chars: set[str], grams: set[str] | None, findings: list[Finding]) -> bool:
    """Add the findings of the prohibitions and counts (``index.active``) to
    ``findings``; True when one of them is an error.  ``live`` None: a long
    answer, where each rule's own pre-check decides."""
    text = norm.text
    comma = "," in text
    joined = False  # the comma-free view, built when a rule first needs it
    error = False
    active, suggestions = index.active, index.suggestions
    order = range(len(active)) if live is None else _visit_order(index, live, live_joined)
    for position in order:
        rule, bits, scanners = active[position]
        spans = None
        if live is not None and not (live & bits and _scan(scanners, live, text)):
            if not (comma and rule.across_commas):
                continue  # nothing this rule could match
            spans = []  # nothing in the answer as typed; maybe once the commas are dropped
        if rule.kind == "count":
            if spans is None:
                hits = rule.hits(norm, chars=chars, grams=grams, checked=live is not None)
                if len(hits) > rule.maximum:
                    error |= rule.level == "error"
                    findings.append(_count_finding(rule, norm, hits, suggestions[position]))
            continue
        if spans is None:
            spans = [m.span() for m in rule.hits(norm, MAX_HITS_PER_RULE, chars=chars, grams=grams,
                                                 checked=live is not None)]
        if rule.across_commas and comma and len(spans) < MAX_HITS_PER_RULE:
            if live is None:
                if joined is False:
                    joined = _joined_view(norm)
                spans += _joined_hits(rule, norm, MAX_HITS_PER_RULE - len(spans), joined, chars)
            elif live_joined & bits:
                if joined is False:
                    joined = _joined_view(norm, pairs=False)
                spans += _joined_hits(rule, norm, MAX_HITS_PER_RULE - len(spans), joined, chars,
                                      live=live_joined, scanners=scanners)
        if not spans:
            continue
        suggestion = suggestions[position]
        error |= rule.level == "error"
        kind = _LEVEL_KIND[rule.level]
        for s, e in spans:
            findings.append(Finding(rule.id, kind, _fill(rule.message, _phrase(norm, s, e), suggestion=suggestion),
                                    norm.span(s, e), suggestion, rule.source))
    return error


def _count_finding(rule: Rule, norm: Normalised, hits: list, suggestion: str) -> Finding:
    """A count rule over its maximum: quotes the first occurrence over the limit."""
    m = hits[rule.maximum]
    a, b = norm.span(m.start(), m.end())
    return Finding(rule.id, _LEVEL_KIND[rule.level],
                   _fill(rule.message, norm.original[a:b], len(hits), rule.maximum, suggestion),
                   (a, b), suggestion, rule.source)


def _requirements(norm: Normalised, sc: Scenario, index: _Index, live: int | None, chars: set[str],
                  grams: set[str] | None, error: bool, findings: list[Finding]):
    """(requirements met, findings of those missing, each met one's first span by id);
    typing slips that meet a requirement are added to ``findings`` (only when
    the answer does not fail anyway: ``error``)."""
    met = 0
    missing: list[Finding] = []
    first_hit: dict[str, tuple[int, int]] = {}
    text = norm.text
    for req, bits, scanners in index.requires:
        if live is None:
            hit = req.hits(norm, 1, chars=chars, grams=grams)
        elif live & bits and _scan(scanners, live, text):
            hit = req.hits(norm, 1, checked=True)
        else:
            hit = []
        if hit:
            met += 1
            first_hit[req.id] = hit[0].span()
            continue
        slip = None if error else _slip(req, norm, chars, grams)  # a slip cannot save an answer that fails anyway
        if slip is not None:
            met += 1
            (s, e), typed, intended = slip
            first_hit[req.id] = (s, e)
            findings.append(Finding(
                "answer.typo", "warning",
                f"疑似错别字：“{typed}”应为“{intended}”。这次按“{intended}”理解，请改正。",
                norm.span(s, e), intended, "homophone table (autograder/rules/_homophones.yaml)"))
        else:
            missing.append(Finding(req.id, "missing", req.message, None, req.suggestion_for(sc.key), req.source))
    return met, missing, first_hit



_KIND_RANK = {"forbidden": 0, "warning": 1, "missing": 2}


def _rank(f: Finding) -> tuple[int, int]:
    return _KIND_RANK[f.kind], f.rule.startswith("tone.")


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the more serious one wins, and a
    specific rule wins over the general tone markers."""
    best: dict[tuple[int, int], Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if f.span is None:
            out.append(f)
            continue
        kept = best.get(f.span)
        if kept is None or _rank(f) < _rank(kept):
            best[f.span] = f
    chosen = set(map(id, best.values()))
    return out + [f for f in findings if f.span is not None and id(f) in chosen]


_CLAUSE_MARKS = ",.!?;:~"
_PHRASE_LIMIT = 12
# (both see at most _PHRASE_LIMIT characters: bounded by the search window)
_MARK = re.compile("[" + re.escape(_CLAUSE_MARKS) + "]")
_LAST_MARK = re.compile("(?s:.*)[" + re.escape(_CLAUSE_MARKS) + "]")


def _phrase(norm: Normalised, start: int, end: int) -> str:
    """The student's words to quote: the whole clause around a match when it
    is short (a phrase is never cut in the middle), else the match itself."""
    text = norm.text
    lo_from = max(0, start - _PHRASE_LIMIT)
    last = _LAST_MARK.match(text, lo_from, start)  # the last clause mark before the match
    lo = last.end() if last is not None else (0 if lo_from == 0 else start)
    after = _MARK.search(text, end, end + _PHRASE_LIMIT)  # the first one after it
    hi = after.start() if after is not None else (len(text) if len(text) - end <= _PHRASE_LIMIT else end)
    if hi - lo > _PHRASE_LIMIT:
        lo, hi = start, end
    return norm.quote(lo, hi).strip()


def _turn_findings(norm: Normalised, sc: Scenario, chars: set[str] | None) -> list[Finding]:
    """An answer must be one spoken turn for its own situation."""
    out = []
    n = len(norm.text)
    if n > TURN_LIMIT:
        out.append(Finding(
            "answer.too_long", "forbidden",
            f"这段回答有{n}个字，远远超过一次说话的长度（不超过{TURN_LIMIT}字）：改写题要写的是在这个情境下"
            f"对客户说的一段话，不是把各种说法都堆在一起，请只保留这个情境需要的内容。",
            None, sc.suggestion))
    hit = sc.conflict.search(norm.text) if sc.conflict is not None else None
    if hit is not None and not norm.is_unsaid(*hit.span()):
        out.append(Finding(
            "answer.wrong_scenario", "forbidden",
            f"“{_phrase(norm, *hit.span())}”是另一个情境的说法，放在这里不对：这道题的情境是“{sc.title}”"
            f"（{sc.situation}），请按这个情境来回答，例如“{sc.suggestion}”。",
            norm.span(*hit.span()), sc.suggestion, sc.source))
    if sc.foreign and any((chars is None or first is None or not first.isdisjoint(chars))
                          and scanner.search(norm.text) for first, scanner in sc.any_foreign):
        seen: dict[str, tuple[int, int]] = {}
        for title, scanners in sc.foreign:
            m = _first_match(scanners, norm.text, chars)
            if m is not None and not norm.is_unsaid(*m.span()):
                seen[title] = m.span()
        if len(seen) >= FOREIGN_LIMIT:
            names = "、".join(f"“{t}”" for t in seen)
            s, e = min(seen.values())
            out.append(Finding(
                "answer.other_scenarios", "forbidden",
                f"这段话里混进了别的情境的说法（{names}），例如“{norm.quote(s, e)}”：改写题要的是"
                f"“{sc.title}”这一个情境下对客户说的话，请删掉与本情境无关的内容。",
                norm.span(s, e), sc.suggestion))
    return out


def _order_finding(order: Order, norm: Normalised,
                   first_hit: dict[str, tuple[int, int]]) -> Finding | None:
    if order.first not in first_hit:
        return None
    first = first_hit[order.first][0]
    if order.then:
        span = first_hit.get(order.then)
        if span is None or span[0] >= first:
            return None
    else:
        m = order.later.search(norm.text, 0, first) if first > 0 else None
        if m is None:
            return None
        span = m.span()
    quoted = _phrase(norm, *span)
    return Finding(order.id, _LEVEL_KIND[order.level], _fill(order.message, quoted, suggestion=order.suggestion),
                   norm.span(*span), order.suggestion, order.source)


# typing slips of required phrases (久等 typed 就等): built on first need
_SLIPS: dict[str, object] = {}


def _slip(req: Rule, norm: Normalised, chars: set[str], grams: set[str] | None):
    """((start, end), typed, intended) for a typing slip that, put right,
    meets the requirement; or None."""
    entry = _SLIPS.get(req.id)
    if entry is None:
        from .typos import homophones, lenient
        widened = lenient(req.regex.pattern, homophones())
        gate = _gate(widened) if widened else None
        entry = _SLIPS[req.id] = (re.compile(widened), gate and (frozenset(gate[0]), frozenset(gate[1]))) \
            if widened else False
    if entry is False:
        return None
    loose, gate = entry
    if gate is not None:
        if not _gate_open(gate, norm.text, chars, grams):
            return None
    from .typos import find_slip, homophones
    found = find_slip(norm.text, loose, req.regex.compiled(), homophones())
    if found is None or norm.is_unsaid(*found[0]):
        return None
    return found


def _short(text: str, limit: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"
