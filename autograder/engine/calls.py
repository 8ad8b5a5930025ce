"""Whole-call checking: ``check_call(turns, spec) -> CallResult``.

A call exercise (bank type ``call``) gives the customer's lines and, for
each agent turn, the phase it must satisfy: a scenario key of the catalogue
or ``free`` (only the global rule families).  Each agent turn is judged by
``check`` against its phase; the call-level rules of ``rules/calls.yaml``
then look at the call as a whole (order of the phases, what is forbidden
anywhere, consistency between turns).  The score mixes the two with the
item's ``weights`` (default: turns 0.7, call 0.3).
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping, Sequence

from .engine import (
    _CHARSET_LIMIT,
    FREE,
    MAX_ANSWER_CHARS,
    Result,
    UnknownScenario,
    _check_with,
    _pairs,
    check,
    check_normalised,
    get_scenario,
)
from .text import has_chinese, normalise

__all__ = ["TurnVerdict", "CallFinding", "CallResult", "check_call", "agent_phases", "DEFAULT_WEIGHTS"]

DEFAULT_WEIGHTS = {"turns": 0.7, "call": 0.3}
DIRECTIONS = ("inbound", "outbound")


@dataclass(frozen=True, slots=True)
class TurnVerdict:
    number: int  # 1-based agent turn (第N句)
    phase: str  # scenario key or "free"
    text: str
    result: Result | None  # None when the turn is empty
    score: float  # 0..1 (0 when empty)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.passed


@dataclass(frozen=True, slots=True)
class CallFinding:
    rule: str  # e.g. order.greeting_first
    level: str  # "error" | "warning"
    message: str  # Chinese, imperative, quotes the text
    turn: int | None  # the agent turn it points at, if any
    suggestion: str = ""


@dataclass(frozen=True, slots=True)
class CallResult:
    """The verdict on a whole call: per turn, and for the call as a whole."""
    passed: bool
    score: float  # 0..1, weights applied
    turns: tuple[TurnVerdict, ...]
    findings: tuple[CallFinding, ...]  # call-level only
    turn_score: float = 0.0  # mean of the turn scores
    call_score: float = 1.0  # share of the call-level rules met

    def walkthrough(self) -> str:
        """The feedback in Chinese plain text: turn by turn, then the call as a whole."""
        lines = []
        for t in self.turns:
            head = f"第{t.number}句（{_phase_title(t.phase)}）"
            if t.result is None:
                lines.append(f"{head}：没有作答，本句得0分。")
                continue
            verdict = "合格" if t.result.passed else "不合格"
            lines.append(f"{head}：{verdict}，得分{t.score:.0%}")
            lines.append(f"  你写的：“{t.text.strip()}”")
            for f in t.result.findings:
                mark = {"missing": "缺少", "forbidden": "错误", "warning": "提醒"}.get(f.kind, f.kind)
                lines.append(f"  - [{mark}] {f.message}")
                if f.suggestion and f.kind != "warning":
                    lines.append(f"    可以这样说：{f.suggestion}")
        lines.append("整通电话：")
        if not self.findings:
            lines.append("  各阶段顺序正确，前后说法一致，没有发现整通电话层面的问题。")
        for f in self.findings:
            mark = "错误" if f.level == "error" else "提醒"
            lines.append(f"  - [{mark}] {f.message}")
            if f.suggestion:
                lines.append(f"    可以这样说：{f.suggestion}")
        verdict = "通过" if self.passed else "未通过"
        lines.append(f"结论：{verdict}；逐句得分{self.turn_score:.0%}，整通电话的要求达成{self.call_score:.0%}，"
                     f"总分{self.score:.0%}。")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The whole call as JSON-ready data: passed, score, turn_score, call_score,
        each turn (number, phase, text, passed, score, findings as in
        ``Result.to_dict``) and the call-level findings (rule, level, message,
        turn, suggestion)."""
        return {
            "passed": self.passed,
            "score": self.score,
            "turn_score": self.turn_score,
            "call_score": self.call_score,
            "turns": [
                {"number": t.number, "phase": t.phase, "text": t.text, "passed": t.passed, "score": t.score,
                 "findings": t.result.to_dict()["findings"] if t.result is not None else []}
                for t in self.turns
            ],
            "findings": [
                {"rule": f.rule, "level": f.level, "message": f.message, "turn": f.turn,
                 "suggestion": f.suggestion}
                for f in self.findings
            ],
        }


def _phase_title(phase: str) -> str:
    if phase == FREE:
        return "自由应答"
    return get_scenario(phase).title


def agent_phases(spec: Mapping) -> list[str]:
    """The phase of each agent turn of a call item, in order."""
    turns = spec.get("turns")
    if not isinstance(turns, (list, tuple)):
        raise ValueError("通话题缺少 turns（通话的每一句）：请按顺序列出客户和坐席的话。")
    out = []
    for i, entry in enumerate(turns, 1):
        if isinstance(entry, Mapping) and "agent" in entry:
            phase = entry["agent"]
            if not isinstance(phase, str):
                raise ValueError(f"turns 第{i}项的 agent 应是情境名或 free，而不是 {phase!r}。")
            out.append(phase)
    return out


def _weights(spec: Mapping) -> tuple[float, float]:
    raw = spec.get("weights") or DEFAULT_WEIGHTS
    try:
        wt, wc = float(raw.get("turns", 0.0)), float(raw.get("call", 0.0))
    except (AttributeError, TypeError, ValueError):
        raise ValueError(f"weights 应写成 {{turns: 0.7, call: 0.3}} 这样的两个数，而不是 {raw!r}。") from None
    if wt < 0 or wc < 0 or wt + wc <= 0:
        raise ValueError(f"weights 的两个数不能为负，且至少有一个大于0，现在是 {raw!r}。")
    total = wt + wc
    return wt / total, wc / total


def _judge(number: int, phase: str, text: str):
    """The turn's verdict, its normalised text (None when empty) and the
    characters and pairs the check looked up (None when it stopped early),
    which the call-level rules reuse."""
    if not text.strip():
        return TurnVerdict(number, phase, text, None, 0.0), None, None
    norm = normalise(text)
    pre = None
    if len(text) > MAX_ANSWER_CHARS:
        result = check(text, phase)  # fails at once: over the length cap
    elif not norm.text or not has_chinese(norm.text):
        result = check_normalised(norm, get_scenario(phase))
    else:
        from .callrules import turn_index  # loads rules/calls.yaml once

        chars = set(norm.text) if norm.chars is None else norm.chars
        grams = _pairs(norm.text) if len(norm.text) <= _CHARSET_LIMIT else None
        # one look-up of the characters and pairs serves the turn's rules and the call's
        index, bits, masks = turn_index(phase)
        lives = index.live_both(chars, grams, norm.text) if grams is not None else None
        result = _check_with(norm, get_scenario(phase), None, chars, grams, index, lives)
        pre = (chars, grams, lives and lives[0], bits, masks)
    return TurnVerdict(number, phase, text, result, result.score), norm, pre


def check_call(turns: Sequence[str], spec: Mapping) -> CallResult:
    """Check the agent's side of a whole call.

    ``turns``: the agent's lines in order (one per agent turn of ``spec``;
    None or "" for a turn left empty).  ``spec``: the bank item (reads
    ``direction``, ``turns``, ``requirements``, ``weights``).  Raises
    ValueError (Chinese message) for a wrong number of turns, an unknown
    phase or bad weights.
    """
    if isinstance(turns, str) or not isinstance(turns, Sequence):
        raise ValueError("check_call 需要坐席每一句话组成的列表，例如 [\"您好……\", \"……\"]。")
    phases = agent_phases(spec)
    if len(turns) != len(phases):
        raise ValueError(f"这通电话有{len(phases)}句坐席的话，但答案有{len(turns)}句：请每一句各写一条，"
                         f"没写的句子留空字符串。")
    for n, phase in enumerate(phases, 1):
        if phase != FREE:
            try:
                get_scenario(phase)
            except UnknownScenario as exc:
                raise ValueError(f"第{n}句的阶段“{phase}”不存在：可用的有 free 和 {', '.join(exc.valid)}。") from None
    direction = spec.get("direction", "inbound")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction 应是 inbound（呼入）或 outbound（呼出），而不是 {direction!r}。")
    wt, wc = _weights(spec)
    verdicts, norms, looked = [], [], []
    for n, (phase, text) in enumerate(zip(phases, turns), 1):
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"第{n}句应是一段文字，而不是 {type(text).__name__}。")
        verdict, norm, pre = _judge(n, phase, text)
        verdicts.append(verdict)
        norms.append(norm)
        looked.append(pre)
    findings, call_score = _call_findings(verdicts, norms, spec, phases, direction, looked)
    turn_score = sum(v.score for v in verdicts) / len(verdicts) if verdicts else 0.0
    score = round(wt * turn_score + wc * call_score, 4)
    passed = not any(f.level == "error" for f in findings)
    return CallResult(passed, score, tuple(verdicts), tuple(findings), round(turn_score, 4), round(call_score, 4))


def customer_lines(spec: Mapping) -> list[list[tuple[str, str]]]:
    """The customer's lines, (normalised, as written), grouped by where they
    fall: [i] holds those after agent turn i (i = 0: before the first one).  A line given as a
    list of variants counts as its first variant (the released one)."""
    out: list[list[tuple[str, str]]] = [[]]
    for entry in spec.get("turns") or ():
        if not isinstance(entry, Mapping):
            continue
        if "agent" in entry:
            out.append([])
        elif "customer" in entry:
            line = entry["customer"]
            if isinstance(line, (list, tuple)):
                line = line[0] if line else ""
            if isinstance(line, str) and line.strip():
                out[-1].append((_customer_norm(line), line))
    return out


_CUSTOMER: dict[str, str] = {}  # customer lines are the same for every student of a class


def _customer_norm(line: str) -> str:
    text = _CUSTOMER.get(line)
    if text is None:
        if len(_CUSTOMER) > 4096:
            _CUSTOMER.clear()
        text = _CUSTOMER[line] = normalise(line).text
    return text


def _call_findings(verdicts: list[TurnVerdict], norms: list, spec: Mapping, phases: list[str],
                   direction: str, looked: list | None = None) -> tuple[list[CallFinding], float]:
    """The call-level findings and the share of the call-level rules met."""
    from .callrules import (  # first call only: loads rules/calls.yaml
        Call,
        call_rules,
        run,
    )

    data = call_rules()
    wanted = spec.get("requirements")
    if wanted is not None:
        if isinstance(wanted, str) or not isinstance(wanted, Sequence):
            raise ValueError("requirements 应是整通电话规则编号的列表，例如 [order.greeting_first]。")
        unknown = [r for r in wanted if r not in data.ids]
        if unknown:
            raise ValueError(f"requirements 里有不存在的规则：{', '.join(map(str, unknown))}；"
                             f"可用的有 {', '.join(sorted(data.ids))}。")
    results = [v.result for v in verdicts]
    call = Call(direction, phases, norms, customer_lines(spec), results, looked, data)
    findings: list[CallFinding] = []
    applicable = failed = 0
    empty = [v.number for v in verdicts if v.result is None]
    if empty:
        applicable += 1
        failed += 1
        numbers = "、".join(f"第{n}句" for n in empty)
        findings.append(CallFinding(UNANSWERED, "error", f"{numbers}没有作答：每一句都要写出坐席要说的话，"
                                    f"空着的句子得0分，整通电话也不能算完成。", empty[0]))
    for rule in data.rules:
        if wanted is not None and rule.id not in wanted:
            continue
        if not rule.applies(call):
            continue
        hits = run(rule, call, results)
        if rule.level == "error":
            applicable += 1
            failed += bool(hits)
        for hit in hits:
            findings.append(CallFinding(rule.id, rule.level, _word(rule.message, hit, rule.params.get("max")),
                                        None if hit.turn is None else hit.turn + 1, rule.suggestion))
    if len(empty) == len(verdicts):
        return findings, 0.0
    findings.sort(key=lambda f: (f.turn is None, f.turn or 0))
    return findings, (applicable - failed) / applicable if applicable else 1.0


UNANSWERED = "call.unanswered"


def _word(message: str, hit, maximum) -> str:
    out = message.replace("{count}", str(hit.count)).replace("{max}", str(maximum or ""))
    if hit.turn is not None:
        out = out.replace("{turn}", str(hit.turn + 1))
    if hit.other_turn is not None:
        out = out.replace("{other_turn}", str(hit.other_turn + 1))
    # the student's and the customer's words last: braces they typed stay as typed
    return out.replace("{other}", hit.other).replace("{quote}", hit.quote)
