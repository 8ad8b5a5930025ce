"""The call rules' runners, one per rule kind: each finds the places where a
rule is broken in a call (``run``).  Time promises are compared by what they
commit to (``time_key``, ``compatible``).

Every regex here sees student text and is linear in its length."""
from __future__ import annotations

import re
from itertools import compress

from .callmodel import ANY, ANY_TURN, KINDS, TIMES_PROBE, CallRule, Element, Hit
from .callview import Call, _excused
from .engine import _phrase, _scan, get_scenario

def _quote_turn(call: Call, i: int, pos: int | None = None) -> str:
    norm = call.norms[i]
    if norm is None:
        return ""
    if pos is not None and pos >= 0:
        return _phrase(norm, pos, min(len(norm.text), pos + 1))
    text = norm.original.strip()
    return text if len(text) <= 24 else text[:24] + "…"


def run(rule: CallRule, call: Call, results) -> list[Hit]:
    """The places where ``rule`` is broken in ``call`` (``results``: the turns' check results)."""
    return _KIND_RUN[rule.kind](rule, call, results)


def _run_require(rule, call, results):
    n = len(call.norms)
    if n == 0:
        return []
    where = rule.params.get("turn")
    if where == "last":
        last = max((i for i, norm in enumerate(call.norms) if norm is not None), default=None)
        if last is None:
            return []  # nothing written: call.unanswered says so
        scope = [last]
    else:
        scope = [0] if where == "first" else range(n)
    for name in rule.params["need"]:
        if not call.found_in(call.data.elements[name], scope):
            turn = scope[0] if where in ("first", "last") else None
            return [Hit(turn, _quote_turn(call, turn) if turn is not None else "", other=name)]
    return []


def _run_before(rule, call, results):
    p = rule.params
    first = call.data.elements[p["first"]]
    within = p.get("within")
    if p.get("if_absent", "fire") == "skip" and not call.turns_with(first):
        return []
    if p["then"] == ANY_TURN:
        thens = [i for i in range(1, len(call.norms)) if call.norms[i] is not None]
    else:
        thens = call.turns_with(call.data.elements[p["then"]])  # usually rare: look for ``first`` only there
    for i in thens:
        lo = 0 if within is None else max(0, i - within)
        # in the same turn it counts whatever the order (one breath: 请您稍等，我帮您查一下)
        if not call.found_in(first, range(lo, i + 1)):
            return [Hit(i, _quote_turn(call, i))]
    return []


def _run_follow(rule, call, results):
    p = rule.params
    need = call.data.elements[p["need"]]
    n = len(call.norms)
    out = []
    if "after" in p:
        after = call.data.elements[p["after"]]
        for i in call.turns_with(after):
            j = i + 1
            while j < n and call.at(after, j) is not None:
                j += 1  # a further hold (an update) before coming back
            if j < n and call.norms[j] is not None and call.at(need, j) is None:
                out.append(Hit(j, _quote_turn(call, j), other_turn=i))
                break
    else:
        for i, line in call.cue_turns(call.data.cues[p["cue"]]):
            if i >= n - 1:
                break  # after the last agent turn: nothing left to follow it
            if p.get("once") and call.found_in(need, range(i + 1)):
                break  # ``once``: after the agent has done it, later cues ask nothing more
            j = i + 1
            if call.norms[j] is not None and call.at(need, j) is None:
                out.append(Hit(j, _quote_turn(call, j), other=line))
                break
    return out


def _run_final(rule, call, results):
    el = call.data.elements[rule.params["element"]]
    found = call.turns_with(el)
    last = max((i for i, norm in enumerate(call.norms) if norm is not None), default=-1)
    for i in found:
        if i < last:
            return [Hit(i, _quote_turn(call, i, call.at(el, i)))]
    return []


def _run_cue(rule, call, results):
    after = call.data.elements[rule.params["after"]]
    cue = call.data.cues[rule.params["cue"]]
    for i in call.turns_with(after):
        line = call.cue_after(cue, i)
        if line is not None:
            return [Hit(i, _quote_turn(call, i), other=line)]
    return []


def _run_echo(rule, call, results):
    cue = call.data.cues[rule.params["cue"]]
    confirm = call.data.elements[rule.params["confirm"]]
    size = int(rule.params.get("size", 4))
    n = len(call.norms)
    for i in range(-1, n - 1):
        for text, original in call.customer[i + 1] if i + 1 < len(call.customer) else ():
            m = cue.search(text)
            if m is None:
                continue
            lo = max(text.rfind(c, 0, m.start()) for c in ",.!?;") + 1
            hi = min((k for k in (text.find(c, m.end()) for c in ",.!?;") if k >= 0), default=len(text))
            detail = text[max(lo, m.start() - 12):min(hi, m.end() + 12)]
            pieces = {detail[k:k + size] for k in range(max(1, len(detail) - size + 1))}
            later = [j for j in range(i + 1, n) if call.norms[j] is not None]
            if not later:
                continue
            if any(call.at(confirm, j) is not None or any(p in call.norms[j].text for p in pieces) for j in later):
                continue
            return [Hit(later[-1], _quote_turn(call, later[-1]), other=original.strip())]
    return []


def _run_count(rule, call, results):
    el = call.data.elements[rule.params["element"]]
    maximum = int(rule.params["max"])
    total, over = 0, None
    for i, norm in enumerate(call.norms):
        if norm is None:
            continue
        found = _all_hits(el, call, i)
        for s, e in found:
            total += 1
            if total == maximum + 1:
                over = Hit(i, _phrase(norm, s, e))
    if over is None:
        return []
    return [Hit(over.turn, over.quote, count=total)]


def _all_hits(el: Element, call: Call, i: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    chars, _, live = call._live[i]
    if live is not None and not live & call._masks[i][ANY][el.slot]:
        return out  # no scanner of it is live
    if el.firsts is not None and el.firsts.isdisjoint(chars):
        return out  # nothing can start here
    norm = call.norms[i]
    for rule in el.rules:
        out += [m.span() for m in call.rule_hits(rule, i)]
    if el.regex is not None and call.may_find(el.probe, i):
        for m in el.regex.finditer(norm.text):
            if (el.unless is None or not _excused(el.unless, norm.text, m)) and not norm.is_unsaid(*m.span()):
                out.append(m.span())
    return out


_ACTIVE: dict[str, frozenset[str]] = {}  # scenario key: ids of the rules its turns apply


def _active(phase: str) -> frozenset[str]:
    ids = _ACTIVE.get(phase)
    if ids is None:
        ids = _ACTIVE[phase] = frozenset(r.id for r in get_scenario(phase).active)
    return ids


def _run_forbid(rule, call, results):
    forbid_ids, also = rule.params["_ids"], rule.params["_also"]
    for i, result in enumerate(results):
        if result is None:
            continue
        for f in result.findings:
            if f.kind == "forbidden" and f.rule in forbid_ids and f.span is not None:
                a, b = f.span
                return [Hit(i, call.norms[i].original[a:b].strip() or _quote_turn(call, i))]
        if not also:
            continue
        live = call._live[i][2]
        candidates = also
        if live is not None:
            anything, each = call._masks[i]["also", rule.id]
            if not live & anything:
                continue  # none of them can match this turn
            candidates = compress(also, map(live.__and__, each))  # those with a live scanner, in order
        norm = call.norms[i]
        active = _ACTIVE.get(call.phases[i]) or _active(call.phases[i])
        bits = call._bits[i]
        for r in candidates:
            if r.id in active:
                continue  # its own check covers it
            if live is not None and not _scan(bits[r.id][1], live, norm.text):
                continue  # no scanner of it matches: no match (as first_hit would find)
            found = call.first_hit(r, i)
            if found is not None:
                return [Hit(i, _phrase(norm, *found))]
    return []


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DAY_WORDS = (("今天", "今天"), ("今日", "今天"), ("今晚", "今天"), ("当天", "今天"), ("马上", "今天"),
              ("立即", "今天"), ("立刻", "今天"), ("明天", "明天"), ("明日", "明天"), ("明早", "明天"),
              ("明晚", "明天"), ("后天", "后天"), ("下周", "下周"), ("下星期", "下周"), ("下礼拜", "下周"),
              ("本周", "本周"), ("这周", "本周"), ("下个月", "下月"), ("下月", "下月"))
_PARTS = (("早上", "上午"), ("上午", "上午"), ("中午", "中午"), ("下午", "下午"), ("晚上", "晚上"), ("今晚", "晚上"),
          ("明晚", "晚上"), ("明早", "上午"))
_UNIT = re.compile(r"(工作日|个工作日|小时|钟头|分钟|天|日|周|星期|礼拜)")
_NUM = re.compile(r"[0-9一二两三四五六七八九十零〇半]{1,6}")
_HOUR = re.compile(r"([0-9一二两三四五六七八九十]{1,3})点")


def _number(text: str) -> float | None:
    if not text:
        return None
    if text.isdigit():
        return float(text)
    if text == "半":
        return 0.5
    if "十" in text:
        a, _, b = text.partition("十")
        tens = _CN_DIGITS.get(a, 1) if a else 1
        ones = _CN_DIGITS.get(b, 0) if b else 0
        return float(tens * 10 + ones)
    if all(c in _CN_DIGITS for c in text):
        return float(_CN_DIGITS[text[0]]) if len(text) == 1 else float("".join(str(_CN_DIGITS[c]) for c in text))
    return None


def time_key(text: str) -> tuple:
    """A time promise reduced to what it commits to: (day, part of day, hour)
    or (amount, unit) for a period.  Periods up to a few hours count as today."""
    day = next((canon for word, canon in _DAY_WORDS if word in text), None)
    part = next((canon for word, canon in _PARTS if word in text), None)
    hour = _HOUR.search(text)
    if day is not None or (part is not None and hour is not None):
        return (day or "今天", part, _number(hour.group(1)) if hour else None)
    unit = _UNIT.search(text)
    num = _NUM.search(text)
    if unit and num:
        amount = _number(num.group())
        u = unit.group().replace("个", "")
        if amount is not None and (u in ("分钟",) or (u in ("小时", "钟头") and amount <= 8)):
            return ("今天", None, None)
        return (amount, u)
    return (text,)


def compatible(a: tuple, b: tuple) -> bool:
    """Do two time promises agree (one may be a more precise form of the other)?"""
    if len(a) == 3 and len(b) == 3:
        if a[0] != b[0]:
            return False
        return all(x is None or y is None or x == y for x, y in zip(a[1:], b[1:]))
    return a == b


def _run_consistent(rule, call, results):
    times = call.data.times
    seen: dict[str, tuple[int, str, tuple]] = {}
    for i, norm in enumerate(call.norms):
        if norm is None:
            continue
        if not call.may_find(TIMES_PROBE, i):
            continue
        text = norm.text
        for m in times.finditer(text):
            if norm.is_unsaid(*m.span()):
                continue
            end = _clause_end(text, m.end())
            if end < len(text) and text[end] == "?":
                continue  # a question (明天还是后天？) promises nothing
            tail = text[m.end():min(end, m.end() + TAIL)]
            topic, at = None, TAIL + 1
            for name, rx in rule.params["topics"].items():
                t = rx.search(tail)
                if t is not None and t.start() < at:
                    topic, at = name, t.start()
            if topic is None:
                continue
            key = time_key(m.group())
            quoted = _phrase(norm, m.start(), m.end())
            if topic in seen:
                j, other, okey = seen[topic]
                if j != i and not compatible(okey, key):
                    return [Hit(i, quoted, other_turn=j, other=other)]
            else:
                seen[topic] = (i, quoted, key)
    return []


TAIL = 20  # a time promise's topic is the first topic word this close after it, in the same sentence


def _clause_end(text: str, start: int) -> int:
    for k in range(start, min(len(text), start + 40)):
        if text[k] in ".!?;":
            return k
    return min(len(text), start + 40)


def _run_contradict(rule, call, results):
    for claim, opposite, claim_probe, opposite_probe in rule.params["claims"]:
        first = None
        for i, norm in enumerate(call.norms):
            if norm is None:
                continue
            if first is not None and first[0] < i and call.may_find(opposite_probe, i):
                m = opposite.search(norm.text)
                if m is not None and not norm.is_unsaid(*m.span()):
                    return [Hit(i, _phrase(norm, *m.span()), other_turn=first[0], other=first[1])]
            if first is None and call.may_find(claim_probe, i):
                m = claim.search(norm.text)
                if m is not None and not norm.is_unsaid(*m.span()):
                    first = (i, _phrase(norm, *m.span()))
    return []


_KIND_RUN = {"require": _run_require, "before": _run_before, "follow": _run_follow, "final": _run_final,
             "cue": _run_cue, "echo": _run_echo, "count": _run_count, "forbid": _run_forbid, "consistent": _run_consistent,
             "contradict": _run_contradict}
assert set(_KIND_RUN) == set(KINDS)
