"""The hidden test's question spec as a typed value: :class:`QuestionSpec`.

Each bank question's hidden test cell calls ``run_test({...})`` with a literal
dict (written by :meth:`autograder.questionbank.load.Question.spec`).  Released
and downloaded notebooks embed that dict, so its shape is a stable interface:
:meth:`QuestionSpec.from_literal` reads every shape the kit ever wrote, keeps
keys it does not know (and ignores them: an old notebook must still grade),
and :meth:`QuestionSpec.to_literal` gives the same dict back.

Only ``qid``, ``type``, ``var`` and ``points`` are required; the other fields
default to what grading assumed when a key is absent.  Keys a question type
needs to be scored (``key`` of a choice, ``scenario`` of a rewrite) are
asked for with :meth:`QuestionSpec.need` when scoring, so a spec without them
still reads an empty or unreadable answer, as before.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from .scoring import DEFAULT_PARTIAL, DEFAULT_POLICY

__all__ = ["QuestionSpec", "QuestionSpecError", "REQUIRED_KEYS", "as_question_spec"]

REQUIRED_KEYS = ("qid", "type", "var", "points")


class QuestionSpecError(ValueError):
    """A question spec that cannot describe a question (a developer error, in English)."""


@dataclass(frozen=True)
class QuestionSpec:
    """One question as its hidden test describes it (the answer key included: instructor side only).

    Not hashable: ``turns``, ``weights`` and ``extra`` are plain dicts, as
    the engine's ``check_call`` reads them.
    """

    qid: str  # e.g. ch1_s01
    type: str  # single | multiple | rewrite | call
    var: str  # the answer variable, e.g. 第1题
    points: float
    options: str = ""  # choices: the option letters, "ABCD"
    key: str = ""  # choices: the key letters, "ACE"
    policy: str = DEFAULT_POLICY  # multiple: the scoring preset
    partial: float = DEFAULT_PARTIAL  # multiple, subset_fixed: the share a proper subset earns
    scenario: str = ""  # rewrite: the scenario key
    bad: str | None = None  # rewrite: the utterance to rewrite (an unchanged answer fails)
    model: str | tuple[str, ...] = ""  # rewrite: the model answer; call: one model line per agent turn
    explanation: str = ""
    direction: str = "inbound"  # call: inbound | outbound
    turns: tuple[dict, ...] = ()  # call: {"customer": …} or {"agent": scenario} in order
    requirements: tuple[str, ...] | None = None  # call: the call rules (None: all that apply)
    weights: dict | None = None  # call: {"turns": …, "call": …} (None: the engine's default)
    extra: dict = field(default_factory=dict)  # keys this kit does not know: kept, ignored
    literal_keys: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the literal's keys, in order

    def __post_init__(self) -> None:
        if not self.literal_keys:  # built in code: the keys it would be written with
            keys = [f for f in _LITERAL if f in REQUIRED_KEYS or getattr(self, f) != _DEFAULTS[f]]
            object.__setattr__(self, "literal_keys", tuple(keys) + tuple(self.extra))

    @classmethod
    def from_literal(cls, literal: Mapping) -> QuestionSpec:
        """The spec of a ``run_test({...})`` dict; unknown keys go to ``extra``."""
        if not isinstance(literal, Mapping):
            raise QuestionSpecError(f"a question spec must be a dict, got {type(literal).__name__}")
        for key in REQUIRED_KEYS:
            if key not in literal:
                raise QuestionSpecError(f"question spec {_name(literal)}: missing required key {key!r} "
                                        f"(every spec needs {', '.join(REQUIRED_KEYS)})")
        known = {k: _typed(k, v, literal) for k, v in literal.items() if k in _LITERAL}
        extra = {k: _copied(v) for k, v in literal.items() if k not in _LITERAL}
        return cls(**known, extra=extra, literal_keys=tuple(literal))

    def to_literal(self) -> dict:
        """The dict ``run_test`` is called with: ``to_literal(from_literal(d)) == d``."""
        keys = list(self.literal_keys)
        keys += [k for k in _LITERAL if k not in keys and (k in REQUIRED_KEYS or getattr(self, k) != _DEFAULTS[k])]
        keys += [k for k in self.extra if k not in keys]
        out = {}
        for k in keys:
            if k in _LITERAL:
                out[k] = _plain(getattr(self, k))
            elif k in self.extra:
                out[k] = _copied(self.extra[k])
        return out

    def has(self, key: str) -> bool:
        """Whether the literal names ``key``, or a field set in code differs from its default."""
        return key in self.literal_keys or (key in _LITERAL and getattr(self, key) != _DEFAULTS[key])

    def need(self, key: str):
        """The value of ``key``, which this question's type cannot be scored without."""
        if not self.has(key):
            raise QuestionSpecError(f"question spec {self.qid!r} ({self.type}): missing key {key!r}, "
                                    f"needed to score a {self.type} question")
        return getattr(self, key)

    @property
    def model_lines(self) -> tuple[str, ...]:
        """A call's model answer, one line per agent turn (empty for other types)."""
        return self.model if isinstance(self.model, tuple) else ()


def as_question_spec(spec: QuestionSpec | Mapping) -> QuestionSpec:
    """``spec`` itself, or the spec of a ``run_test`` dict."""
    return spec if isinstance(spec, QuestionSpec) else QuestionSpec.from_literal(spec)


_BOOKKEEPING = ("extra", "literal_keys")
_LITERAL = tuple(f.name for f in fields(QuestionSpec) if f.name not in _BOOKKEEPING)
_DEFAULTS = {f.name: f.default for f in fields(QuestionSpec) if f.name in _LITERAL}


def _name(literal: Mapping) -> str:
    return repr(literal["qid"]) if "qid" in literal else "(no qid)"


def _typed(key: str, value, literal: Mapping):
    """A literal's value as its field holds it: points a float, lists as tuples, dicts copied."""
    if key == "points":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise QuestionSpecError(f"question spec {_name(literal)}: points must be a number, "
                                    f"got {value!r}") from None
    if key == "turns" and isinstance(value, (list, tuple)):
        return tuple(_copied(t) for t in value)
    if isinstance(value, list):
        return tuple(value)
    return _copied(value)


def _copied(value):
    """A copy of a literal's value, containers all the way down (``copy`` is not imported: a kernel pays for it)."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return type(value)(_copied(v) for v in value)
    return value


def _plain(value):
    """A field's value as the literal holds it: tuples as lists, dicts copied."""
    if isinstance(value, tuple):
        return [_copied(v) for v in value]
    return _copied(value)
