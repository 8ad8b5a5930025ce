"""What grading decided about a rewrite or a whole call, stored with the graded notebook.

The rule findings of each rewrite (rule id, kind, message, span) and of each
whole call (per turn, and call-level) go into the metadata of the question's
test cell in the autograded notebook, under ``metadata["autograder"]``.  The
export reads them back instead of re-running the engine, so its rule
statistics report what grading decided even after a rule pack is edited.

Why the cell metadata: it is written by the same preprocessor that writes the
cell's outputs (``KernelFreeGrade`` or, under stock ``nbgrader autograde``,
``RescoreKitQuestions``), so every grading run, first or repeated, rewrites
it together with the score; it needs no gradebook table, so it reads the same
with SQLite and Postgres; nbgrader's own steps after grading leave unknown
metadata keys alone, and feedback does not show cell metadata.  It holds
nothing secret: no key, only what the engine found in the student's text.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["METADATA_KEY", "VERSION", "Decision", "record", "store", "stored"]

METADATA_KEY = "autograder"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Decision:
    """What grading recorded for one question (see :func:`stored`)."""

    qid: str
    findings: tuple  # rewrite: (rule, kind, message, span) tuples
    turn_scores: tuple[float, ...] = ()  # call: 0..1 per agent turn
    turn_findings: tuple[tuple, ...] = ()  # call: per agent turn, (rule, kind, message, span) tuples
    call_findings: tuple = ()  # call: (rule, level, message, turn) tuples
    score: float | None = None  # call: 0..1, the weights applied


def _span(span) -> list[int] | None:
    return None if span is None else [int(span[0]), int(span[1])]


def _findings(result) -> list[list]:
    return [[f.rule, f.kind, f.message, _span(f.span)] for f in (result.findings if result is not None else ())]


def record(outcome) -> dict | None:
    """The JSON-able record of a graded rewrite or call; None for anything else (nothing to store)."""
    if outcome.checked is not None:
        return {"version": VERSION, "qid": outcome.qid, "findings": _findings(outcome.checked)}
    if outcome.call is not None:
        call = outcome.call
        return {"version": VERSION, "qid": outcome.qid, "score": call.score,
                "turns": [{"score": t.score, "findings": _findings(t.result)} for t in call.turns],
                "findings": [[f.rule, f.level, f.message, f.turn] for f in call.findings]}
    return None


def store(cell, outcome) -> None:
    """Put ``outcome``'s record in ``cell``'s metadata (or remove a stale one when there is none)."""
    data = record(outcome)
    meta = cell.setdefault("metadata", {})
    if data is None:
        meta.pop(METADATA_KEY, None)
    else:
        meta[METADATA_KEY] = data


def _finding(item) -> tuple:
    rule, kind, message, span = item
    return (str(rule), str(kind), str(message), None if span is None else (int(span[0]), int(span[1])))


def stored(cell: dict) -> Decision | None:
    """The decision recorded in a test cell, or None (graded before findings were stored, or malformed)."""
    data = (cell.get("metadata") or {}).get(METADATA_KEY)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    try:
        qid = str(data["qid"])
        if "turns" not in data:
            return Decision(qid, tuple(_finding(f) for f in data["findings"]))
        turns = data["turns"]
        return Decision(
            qid, (),
            turn_scores=tuple(float(t["score"]) for t in turns),
            turn_findings=tuple(tuple(_finding(f) for f in t["findings"]) for t in turns),
            call_findings=tuple((str(r), str(lv), str(m), None if n is None else int(n))
                                for r, lv, m, n in data["findings"]),
            score=float(data["score"]))
    except (KeyError, TypeError, ValueError):
        return None
