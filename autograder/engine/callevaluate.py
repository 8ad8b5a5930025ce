"""Measure ``check_call`` against a labelled set of whole calls.

``python -m autograder evaluate`` reports it next to the utterance-level
figures when a call set exists (``--calls DIR``, default tests/data/calls).
A set is a folder of YAML files, each a list of calls::

    - id: hold_order_missing_reason_01
      direction: inbound
      situation: ……
      turns: [ {customer: …}, {agent: opening, say: "…"}, … ]
      label:
        call: fail                    # the instructor's verdict on the call as a call
        turns: [pass, pass, fail, …]  # on each agent turn alone
        why: [order]                  # order | missing_step | forbidden | contradiction | none
      note: ……

Reported: call verdict agreement, per-turn agreement, false passes and
fails (calls), and per ``why`` kind the calls labelled with it, how many the
checker fails and how many it fails for a finding of that kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .calls import CallResult, check_call
from .evaluate import Agreement
from .schema import SchemaError, Where, load_yaml

__all__ = ["LabelledCall", "JudgedCall", "CallReport", "load_call_set", "evaluate_calls", "DEFAULT_CALL_SET", "WHY"]

DEFAULT_CALL_SET = Path("tests") / "data" / "calls"
WHY = ("order", "missing_step", "forbidden", "contradiction", "none")
_VERDICTS = {"pass": True, "fail": False}


@dataclass(frozen=True, slots=True)
class LabelledCall:
    id: str
    spec: dict  # direction and turns, as a bank item
    says: tuple[str, ...]  # the agent's lines
    passes: bool
    turns: tuple[bool, ...]
    why: tuple[str, ...]
    where: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class JudgedCall:
    call: LabelledCall
    result: CallResult

    @property
    def agrees(self) -> bool:
        return self.result.passed == self.call.passes

    def turn_agreement(self) -> tuple[int, int]:
        agreed = sum(t.passed == want for t, want in zip(self.result.turns, self.call.turns))
        return agreed, len(self.call.turns)

    def kinds(self) -> set[str]:
        """The ``why`` kinds of the checker's error findings."""
        from .callrules import call_rules

        whys = {r.id: r.why for r in call_rules().rules}
        return {whys.get(f.rule, "missing_step") for f in self.result.findings if f.level == "error"}


def load_call_set(directory: str | Path) -> list[LabelledCall]:
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no labelled call set in {directory} (expected *.yaml files)")
    out: list[LabelledCall] = []
    seen: set[str] = set()
    for path in files:
        data = load_yaml(path)
        where = Where(path.name)
        if not isinstance(data, list):
            raise where.error("a call set file is a list of calls")
        for i, raw in enumerate(data, 1):
            cid = raw.get("id") if isinstance(raw, dict) else None
            w = where.at(cid or f"call {i}")
            if not isinstance(cid, str):
                raise w.error("each call needs an id")
            if cid in seen:
                raise w.error("call id used twice")
            seen.add(cid)
            w.only(raw, {"id", "direction", "situation", "turns", "label", "note"})
            turns = w.need(raw, "turns", list)
            says = []
            for j, t in enumerate(turns, 1):
                if not isinstance(t, dict) or not ({"customer"} == set(t) or {"agent", "say"} == set(t)):
                    raise w.error(f"turn {j} must be {{customer: …}} or {{agent: phase, say: …}}")
                if "agent" in t:
                    says.append(t["say"] if isinstance(t["say"], str) else "")
            label = w.need(raw, "label", dict)
            w.only(label, {"call", "turns", "why"})
            verdict = label.get("call")
            if verdict not in _VERDICTS:
                raise w.error(f"label.call must be pass or fail, got {verdict!r}")
            per_turn = w.strings(label, "turns")
            if len(per_turn) != len(says) or any(v not in _VERDICTS for v in per_turn):
                raise w.error(f"label.turns needs one pass/fail per agent turn ({len(says)})")
            why = w.strings(label, "why")
            if any(k not in WHY for k in why):
                raise w.error(f"label.why kinds are {', '.join(WHY)}, got {why}")
            spec = {"direction": raw.get("direction", "inbound"),
                    "turns": [{"agent": t["agent"]} if "agent" in t else t for t in turns]}
            out.append(LabelledCall(cid, spec, tuple(says), _VERDICTS[verdict],
                                    tuple(_VERDICTS[v] for v in per_turn), tuple(why),
                                    f"{path.name}: {cid}", str(raw.get("note") or "")))
    return out


@dataclass
class CallReport(Agreement):
    judged: list[JudgedCall]
    source: str = ""

    @property
    def turn_agreement(self) -> tuple[int, int]:
        pairs = [j.turn_agreement() for j in self.judged]
        return sum(a for a, _ in pairs), sum(n for _, n in pairs)

    @property
    def false_passes(self) -> list[JudgedCall]:
        return [j for j in self.judged if j.result.passed and not j.call.passes]

    @property
    def false_fails(self) -> list[JudgedCall]:
        return [j for j in self.judged if not j.result.passed and j.call.passes]

    def per_why(self) -> dict[str, dict]:
        """Per labelled kind: calls, agreed verdicts, and (for faults) failed for that kind."""
        out = {}
        for kind in WHY:
            calls = [j for j in self.judged if kind in j.call.why]
            if not calls:
                continue
            entry = {"calls": len(calls), "agreed": sum(j.agrees for j in calls)}
            if kind != "none":
                entry["named"] = sum(kind in j.kinds() for j in calls)
            out[kind] = entry
        return out

    def to_dict(self) -> dict:
        agreed, turns = self.turn_agreement
        return {
            "source": self.source,
            "calls": self.total,
            "agreement": self.agreement,
            "turns": turns,
            "turn_agreement": agreed / turns if turns else 0.0,
            "false_passes": [_row(j) for j in self.false_passes],
            "false_fails": [_row(j) for j in self.false_fails],
            "per_why": self.per_why(),
        }

    def text(self) -> str:
        agreed, turns = self.turn_agreement
        lines = [f"whole calls ({self.source}): {self.total} calls",
                 f"  call verdict agreement  {self.agreed}/{self.total} = {self.agreement:.1%}",
                 f"  per-turn agreement      {agreed}/{turns} = {agreed / turns if turns else 0:.1%}",
                 f"  false passes            {len(self.false_passes)}",
                 f"  false fails             {len(self.false_fails)}",
                 "  per why (calls / verdict agreed / failed for that kind):"]
        for kind, e in self.per_why().items():
            named = f" / {e['named']}" if "named" in e else ""
            lines.append(f"    {kind:<14} {e['calls']:>3} / {e['agreed']}{named}")
        for title, rows in (("false pass", self.false_passes), ("false fail", self.false_fails)):
            for j in rows:
                rules = ", ".join(f.rule for f in j.result.findings) or "no call-level finding"
                lines.append(f"  {title}: {j.call.where} ({', '.join(j.call.why)}) — {rules}")
        return "\n".join(lines)


def _row(j: JudgedCall) -> dict:
    return {"where": j.call.where, "why": list(j.call.why), "findings": [f.rule for f in j.result.findings]}


def evaluate_calls(directory: str | Path = DEFAULT_CALL_SET) -> CallReport:
    calls = load_call_set(directory)
    judged = []
    for c in calls:
        try:
            result = check_call(list(c.says), c.spec)
        except ValueError as exc:
            raise SchemaError(f"{c.where}: {exc}") from None
        judged.append(JudgedCall(c, result))
    return CallReport(judged, str(directory))
