"""The bank's whole-call exercise (type ``call``): its turns, requirements, weights and key.

Read by :mod:`autograder.questionbank.load` (instructor side).  A call item lists the
customer's lines and, for each agent turn, the scenario it must satisfy
(a key of the scenario catalogue, or ``free``: the global rules only).
Agent turns are numbered 1, 2, … in order; the student's answer to agent
turn N of question Q is ``第Q题_第N句``.

Errors are Chinese first, English in brackets, and name the file and item.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..engine.schema import Where

__all__ = ["CallTurn", "BadCall", "CallItem", "parse_call", "turn_var", "DIRECTIONS", "FREE", "CALL_FIELDS"]

DIRECTIONS = ("inbound", "outbound")
FREE = "free"
CALL_FIELDS = {"direction", "situation", "turns", "requirements", "weights", "model_call", "bad_call"}


def turn_var(var: str, number: int) -> str:
    """``第5题`` and 1 → ``第5题_第1句``: the answer variable of one agent turn."""
    return f"{var}_第{number}句"


@dataclass(frozen=True, slots=True)
class CallTurn:
    """One turn of the call: the customer's line(s) or an agent turn to write."""

    customer: tuple[str, ...] = ()  # variants; [0] is released
    agent: str | None = None  # scenario key or "free"
    hint: str = ""

    @property
    def is_agent(self) -> bool:
        return self.agent is not None

    def to_dict(self) -> dict:
        if self.is_agent:
            return {"agent": self.agent, **({"hint": self.hint} if self.hint else {})}
        return {"customer": self.customer[0] if len(self.customer) == 1 else list(self.customer)}


@dataclass(frozen=True, slots=True)
class BadCall:
    """A worked bad script and what it must score (checked by the tests)."""

    lines: tuple[str, ...]
    score: float
    call_findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallItem:
    direction: str
    turns: tuple[CallTurn, ...]
    requirements: tuple[str, ...] | None  # None: every call rule that applies to the direction
    weights: dict | None  # {"turns": …, "call": …}; None: the engine's default
    model_call: tuple[str, ...]
    bad_call: BadCall

    @property
    def phases(self) -> tuple[str, ...]:
        """The scenario (or ``free``) of each agent turn, in order."""
        return tuple(t.agent for t in self.turns if t.is_agent)

    @property
    def agent_turns(self) -> int:
        return len(self.phases)

    def spec(self) -> dict:
        """What ``check_call`` reads: direction, turns, requirements, weights (customer lines as released)."""
        spec: dict = {"direction": self.direction,
                      "turns": [{"agent": t.agent} if t.is_agent else {"customer": t.customer[0]} for t in self.turns]}
        if self.requirements is not None:
            spec["requirements"] = list(self.requirements)
        if self.weights is not None:
            spec["weights"] = dict(self.weights)
        return spec

    def public(self) -> dict:
        """What the student's self-check may know: the direction and the phase of each turn, no key."""
        return {"direction": self.direction,
                "turns": [{"agent": t.agent} if t.is_agent else {"customer": t.customer[0]} for t in self.turns]}


def _lines(w: Where, raw: object, what: str, count: int, *, empty_ok: bool) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise w.error(f"{what} 要写成文字列表，每个客服回合一句（{what} must be a list of strings, one per agent turn）")
    if len(raw) != count:
        raise w.error(f"{what} 有 {len(raw)} 句，但通话里有 {count} 个客服回合：要一一对应"
                      f"（{what} has {len(raw)} lines for {count} agent turns）")
    if not empty_ok:
        for i, line in enumerate(raw, 1):
            if not line.strip():
                raise w.error(f"{what} 的第{i}句是空的：参考通话每句都要写出来（{what} line {i} is empty）")
    return tuple(x.strip() for x in raw)


def _turn(w: Where, raw: object, i: int) -> CallTurn:
    if not isinstance(raw, dict) or len({"customer", "agent"} & set(raw)) != 1:
        raise w.error(f"turns 第{i}项要么是 customer: 客户的话，要么是 agent: 场景（turn {i} must have exactly "
                      f"one of customer / agent），现在是 {raw!r}")
    if "customer" in raw:
        w.only(raw, {"customer"})
        said = raw["customer"]
        variants = [said] if isinstance(said, str) else said
        if not isinstance(variants, list) or not variants or not all(isinstance(v, str) and v.strip()
                                                                      for v in variants):
            raise w.error(f"turns 第{i}项的客户台词要写成一句话或几句变体的列表，不能为空"
                          f"（turn {i}: customer must be a non-empty string or list of strings）")
        return CallTurn(customer=tuple(v.strip() for v in variants))
    w.only(raw, {"agent", "hint"})
    phase = raw["agent"]
    if not isinstance(phase, str) or not phase.strip():
        raise w.error(f"turns 第{i}项的 agent 要写场景名，例如 opening，或 free（turn {i}: agent must be a scenario "
                      f"key or free）")
    hint = w.need(raw, "hint", str, optional=True, default="").strip()
    return CallTurn(agent=phase.strip(), hint=hint)


def _weights(w: Where, raw: dict) -> dict | None:
    weights = raw.get("weights")
    if weights is None:
        return None
    if not isinstance(weights, dict) or set(weights) != {"turns", "call"}:
        raise w.error("weights 要写成 {turns: 0.7, call: 0.3}：逐句得分和整通电话要求各占的比例"
                      "（weights must be a mapping with exactly turns and call）")
    for k, v in weights.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1:
            raise w.error(f"weights 的 {k} 要是 0 到 1 之间的数，现在是 {v!r}（weights.{k} must be in 0…1）")
    if abs(weights["turns"] + weights["call"] - 1) > 1e-9:
        raise w.error(f"weights 的 turns 和 call 加起来要等于 1，现在是 {weights['turns'] + weights['call']:g}"
                      f"（weights must sum to 1）")
    return {"turns": float(weights["turns"]), "call": float(weights["call"])}


def parse_call(w: Where, raw: dict) -> CallItem:
    """The call fields of a bank item (``w`` already names the file and the item)."""
    direction = w.need(raw, "direction", str)
    if direction not in DIRECTIONS:
        raise w.error(f"direction 要写 inbound（客户来电）或 outbound（外呼），现在是 {direction!r}"
                      f"（direction must be inbound or outbound）")
    raws = w.need(raw, "turns", list)
    turns = tuple(_turn(w, t, i) for i, t in enumerate(raws, 1))
    count = sum(t.is_agent for t in turns)
    if count == 0:
        raise w.error("turns 里至少要有一个客服回合（agent: 场景）（a call needs at least one agent turn）")
    requirements = None
    if raw.get("requirements") is not None:
        requirements = tuple(w.strings(raw, "requirements"))
        if len(set(requirements)) != len(requirements):
            raise w.error("requirements 里有重复的规则（requirements lists a rule twice）")
    model = _lines(w, raw.get("model_call"), "model_call", count, empty_ok=False)
    bad = raw.get("bad_call")
    if not isinstance(bad, dict) or set(bad) - {"lines", "expect"} or "lines" not in bad or "expect" not in bad:
        raise w.error("bad_call 要写 lines（反面通话，每个客服回合一句）和 expect（它应得的 score 和 call_findings）"
                      "（bad_call needs lines and expect）")
    lines = _lines(w, bad["lines"], "bad_call.lines", count, empty_ok=True)
    expect = bad["expect"]
    if not isinstance(expect, dict) or set(expect) - {"score", "call_findings"} or "score" not in expect:
        raise w.error("bad_call.expect 要写 score（0 到 1）和可选的 call_findings（规则列表）"
                      "（bad_call.expect needs score and optional call_findings）")
    score = expect["score"]
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score < 1:
        raise w.error(f"bad_call.expect.score 要是 0 到 1 之间（不含 1）的数，现在是 {score!r}"
                      f"（a bad call scores less than full marks）")
    findings = w.strings(expect, "call_findings", optional=True)
    return CallItem(direction, turns, requirements, _weights(w, raw), model,
                    BadCall(lines, float(score), tuple(findings)))
