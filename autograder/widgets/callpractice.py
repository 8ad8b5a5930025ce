"""Call sandboxes as data: a whole call practised in a chapter notebook.

A chapter's practice file (``course/practice/<chapter>.yaml``) may hold a
``calls:`` list beside its quizzes and rewrite sandboxes.  Each call has the
shape of a bank ``call`` item, so the engine's ``check_call`` reads it as it
is::

    calls:
      - id: repair_progress        # 练习.call("repair_progress")
        title: 来电查询维修进度
        direction: inbound         # inbound | outbound
        situation: 客户来电……       # shown above the call
        turns:                     # in order; customer lines and agent turns
          - customer: （电话铃响）
          - agent: opening         # a scenario key, or free (only the global rules)
            hint: 问候、自报家门、询问需求     # optional
          - customer: 我家宽带……     # or a list of variants; the first is shown
        requirements: [...]        # optional call-rule ids (default: all that apply)
        weights: {turns: 0.7, call: 0.3}   # optional
        model_call: ["……", "……"]   # one line per agent turn, shown after a try
        keypoints: [002-04]        # optional seed key points

This module does not import ipywidgets or the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.schema import Where

__all__ = ["CallTurn", "CallSandboxItem", "parse_call_sandbox", "DIRECTIONS"]

DIRECTIONS = {"inbound": "呼入（客户打进来）", "outbound": "外呼（坐席打出去）"}
FREE = "free"


@dataclass(frozen=True, slots=True)
class CallTurn:
    """One line of the call: the customer's (``customer``) or an agent turn (``phase``)."""

    customer: str | None = None  # what the customer says (variants: the first)
    phase: str | None = None  # agent turn: scenario key or "free"
    hint: str = ""
    number: int = 0  # agent turns: 1, 2, … (第N句)

    @property
    def is_agent(self) -> bool:
        return self.phase is not None


@dataclass(frozen=True, slots=True)
class CallSandboxItem:
    id: str
    title: str
    direction: str
    situation: str
    turns: tuple[CallTurn, ...]
    model_call: tuple[str, ...]
    spec: dict = field(compare=False, repr=False)  # the mapping ``check_call`` reads
    keypoints: tuple[str, ...] = ()

    @property
    def agent_turns(self) -> tuple[CallTurn, ...]:
        return tuple(t for t in self.turns if t.is_agent)

    def phases(self) -> list[str]:
        return [t.phase for t in self.agent_turns if t.phase]


_FIELDS = {"id", "title", "direction", "situation", "turns", "requirements", "weights",
           "model_call", "keypoints"}


def parse_call_sandbox(where: Where, raw, ident: str, keypoints: tuple[str, ...]) -> CallSandboxItem:
    """Validate one ``calls:`` entry (``ident`` and ``keypoints`` already checked by the caller)."""
    w = where.at(ident)
    w.only(raw, _FIELDS)
    direction = w.need(raw, "direction", str)
    if direction not in DIRECTIONS:
        raise w.error(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    turns: list[CallTurn] = []
    spec_turns: list[dict] = []
    for i, t in enumerate(w.need(raw, "turns", list), 1):
        if not isinstance(t, dict) or len({"customer", "agent"} & set(t)) != 1:
            raise w.error(f"turn {i} must have either 'customer' or 'agent', got {t!r}")
        if "customer" in t:
            w.only(t, {"customer"})
            said = t["customer"]
            variants = said if isinstance(said, list) else [said]
            if not variants or not all(isinstance(v, str) and v.strip() for v in variants):
                raise w.error(f"turn {i}: 'customer' must be a line or a list of lines, got {said!r}")
            turns.append(CallTurn(customer=variants[0].strip()))
            spec_turns.append({"customer": said})
        else:
            w.only(t, {"agent", "hint"})
            phase = w.need(t, "agent", str).strip()
            hint = w.need(t, "hint", str, optional=True, default="").strip()
            number = sum(1 for x in turns if x.is_agent) + 1
            turns.append(CallTurn(phase=phase, hint=hint, number=number))
            spec_turns.append({"agent": phase, **({"hint": hint} if hint else {})})
    agents = [t for t in turns if t.is_agent]
    if not agents:
        raise w.error("a call needs at least one agent turn")
    model = tuple(s.strip() for s in w.strings(raw, "model_call"))
    if len(model) != len(agents):
        raise w.error(f"model_call has {len(model)} lines but the call has {len(agents)} agent turns")
    spec: dict = {"id": ident, "type": "call", "direction": direction, "turns": spec_turns}
    if "requirements" in raw:
        spec["requirements"] = list(w.strings(raw, "requirements"))
    if "weights" in raw:
        weights = w.need(raw, "weights", dict)
        w.only(weights, {"turns", "call"})
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                   for v in weights.values()):
            raise w.error(f"weights must be non-negative numbers, got {weights!r}")
        spec["weights"] = dict(weights)
    title = w.need(raw, "title", str).strip()
    situation = w.need(raw, "situation", str).strip()
    if not title or not situation:
        raise w.error("a call needs a title and a situation")
    return CallSandboxItem(ident, title, direction, situation, tuple(turns), model, spec, keypoints)
