"""The question bank: one YAML file per chapter under ``exercises/bank/``.

This module is the instructor's side: it reads the answer key.  Nothing the
students install or receive imports it at grading time; the key reaches the
notebooks only inside hidden tests (see ``build``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .callitem import CALL_FIELDS, FREE, CallItem, parse_call, turn_var
from ..engine.schema import SchemaError, Where, load_yaml
from ..teaching.choices import BANK_RULES, read_choices
from ..grading.question import Question
from ..grading.scoring import DEFAULT_PARTIAL, DEFAULT_POLICY, POLICIES

__all__ = ["BankQuestion", "BankChapter", "load_bank", "find_bank", "DEFAULT_BANK", "TYPES", "KEYPOINTS_PER_SEED",
           "SPEAKERS"]

# Relative to the current directory (the project root), or given with --bank:
# never found from the package's own location, so a kernel that imports the
# installed package has no way to the bank through it.
DEFAULT_BANK = Path("exercises") / "bank"
TYPES = {"single": "s", "multiple": "m", "rewrite": "r", "call": "c", "short": "a"}
TYPE_ORDER = ("single", "multiple", "rewrite", "call", "short")
_ID = re.compile(r"^ch(\d+)_([smrca])(\d{2})$")
# The seeds' key points (content review, table 1.3): 000-01 … 004-35, numbered per seed.
KEYPOINTS_PER_SEED = {"000": 37, "001": 124, "002": 28, "003": 15, "004": 35}
_KEYPOINT = re.compile(r"^(\d{3})-(\d{2,3})$")
# A listening item's transcript: one turn a line, each starting with its speaker.
SPEAKERS = ("客户：", "客服：")


@dataclass(frozen=True, slots=True)
class BankQuestion:
    """One question as authored in the bank, validated: the stem, options and key,
    rubric and key points the instructor writes.  ``to_dict`` is its ``bank --json``
    form; :meth:`question` is the graded :class:`~autograder.grading.question.Question`
    the built notebook holds (what grading, export and the simulated class read)."""
    id: str
    type: str  # single | multiple | rewrite | call | short
    points: float
    chapter: int
    chapter_title: str
    assignment: str
    notebook: str
    number: int  # 第N题 within its notebook
    text: str  # the stem, situation or prompt
    options: dict[str, str] = field(default_factory=dict)
    key: tuple[str, ...] = ()
    policy: str | None = None
    partial: float | None = None
    explanation: str = ""
    scenario: str | None = None
    bad: str | None = None
    model_answer: str | None = None
    rubric: tuple[str, ...] = ()
    basis: str = ""
    keypoints: tuple[str, ...] = ()  # seed key points assessed, e.g. ("000-03", "001-12")
    situation: str = ""  # choice items: the call situation or customer line the stem refers to
    transcript: tuple[str, ...] = ()  # choice items: a short call excerpt, "客户：…" / "客服：…" a line
    reference_answer: str = ""  # short: a full-marks answer, instructor-only (mark scheme)
    borderline_answer: str = ""  # short: an answer at the pass line, with its marks, instructor-only
    call: CallItem | None = None  # call: turns, requirements, weights, model and bad call

    @property
    def situational(self) -> bool:
        """A choice item that presents a call (a situation or a transcript) rather than asking for recall."""
        return bool(self.situation or self.transcript)

    @property
    def listening(self) -> bool:
        """A choice item built on a transcript of what an agent said."""
        return any(line.startswith("客服：") for line in self.transcript)

    @property
    def var(self) -> str:
        return f"第{self.number}题"

    @property
    def answer_cell(self) -> str:
        return f"{self.id}_answer"

    @property
    def grade_cell(self) -> str:
        # a short answer is graded by hand in its own (markdown) answer cell
        return self.answer_cell if self.type == "short" else f"{self.id}_test"

    @property
    def turn_vars(self) -> tuple[str, ...]:
        """call: the answer variable of each agent turn, 第Q题_第1句 …"""
        return tuple(turn_var(self.var, n) for n in range(1, self.call.agent_turns + 1)) if self.call else ()

    @property
    def letters(self) -> str:
        return "".join(self.options)

    def question(self) -> Question:
        """The graded question this item becomes in its exercise notebook."""
        spec = {"qid": self.id, "type": "short"} if self.type == "short" else self.spec()
        return Question(self.id, self.type, self.var, self.points, self.assignment, self.notebook, self.chapter,
                        self.chapter_title, self.grade_cell, self.answer_cell, spec)

    def spec(self) -> dict:
        """What the hidden test needs (and the instructor's feedback may reveal)."""
        spec: dict = {"qid": self.id, "type": self.type, "var": self.var, "points": self.points}
        if self.type in ("single", "multiple"):
            spec.update(options=self.letters, key="".join(self.key))
            if self.type == "multiple":
                spec["policy"] = self.policy
                if self.policy == "subset_fixed":
                    spec["partial"] = self.partial
        elif self.type == "rewrite":
            spec.update(scenario=self.scenario, bad=self.bad, model=self.model_answer)
        elif self.type == "call":
            spec.update(self.call.spec(), model=list(self.call.model_call))
        spec["explanation"] = self.explanation
        return spec

    def to_dict(self) -> dict:
        """The ``bank --json`` contract for one question: id, chapter, type, points,
        options, key, policy, scenario, assignment, notebook, answer_cell and
        grade_cell (None where a type has no such field), plus the type's own
        fields: partial (subset_fixed), bad and model_answer (rewrite), situation
        and transcript (choice), the call's turns (call)."""
        d = {
            "id": self.id, "chapter": self.chapter, "chapter_title": self.chapter_title,
            "type": self.type, "points": self.points, "number": self.number, "var": self.var,
            "text": self.text,
            "options": dict(self.options) if self.options else None,
            "key": list(self.key) if self.key else None,
            "policy": self.policy,
            "scenario": self.scenario,
            "assignment": self.assignment, "notebook": self.notebook,
            "answer_cell": self.answer_cell, "grade_cell": self.grade_cell,
        }
        if self.type == "multiple" and self.policy == "subset_fixed":
            d["partial"] = self.partial
        if self.type == "rewrite":
            d.update(bad=self.bad, model_answer=self.model_answer)
        if self.type in ("single", "multiple"):
            d.update(situation=self.situation or None, transcript=list(self.transcript) or None)
        if self.type == "call":
            c = self.call
            d.update(situation=self.text, direction=c.direction, turns=[t.to_dict() for t in c.turns],
                     turn_vars=list(self.turn_vars), requirements=list(c.requirements) if c.requirements else None,
                     weights=c.weights, model_call=list(c.model_call),
                     bad_call={"lines": list(c.bad_call.lines),
                               "expect": {"score": c.bad_call.score, "call_findings": list(c.bad_call.call_findings)}})
        if self.type == "short":
            d.update(rubric=list(self.rubric), reference_answer=self.reference_answer,
                     borderline_answer=self.borderline_answer or None)
        d["explanation"] = self.explanation
        d["keypoints"] = list(self.keypoints)
        return d


@dataclass(frozen=True, slots=True)
class BankChapter:
    """One chapter file of the bank: its exercise notebook's heading and questions."""

    number: int
    title: str  # e.g. 电话礼仪
    assignment: str
    notebook: str
    heading: str  # e.g. 第一章 电话礼仪 · 课后练习
    intro: str
    questions: tuple[BankQuestion, ...]
    path: str

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


def _question(w: Where, raw: dict, chapter: dict, number: int) -> BankQuestion:
    qid = w.need(raw, "id", str)
    w = w.at(qid)
    qtype = w.need(raw, "type", str)
    if qtype not in TYPES:
        raise w.error(f"type must be one of {', '.join(TYPES)}, got {qtype!r}")
    m = _ID.match(qid)
    if not m or int(m.group(1)) != chapter["number"] or m.group(2) != TYPES[qtype]:
        raise w.error(f"id must look like ch{chapter['number']}_{TYPES[qtype]}01 for a {qtype} question "
                      f"of chapter {chapter['number']}")
    points = w.need(raw, "points", (int, float))
    if points <= 0:
        raise w.error(f"points must be positive, got {points}")
    common = {"id", "type", "points", "explanation", "basis", "keypoints"}
    kw: dict = dict(
        id=qid, type=qtype, points=float(points), chapter=chapter["number"], chapter_title=chapter["chapter"],
        assignment=chapter["assignment"], notebook=chapter["assignment"], number=number,
        explanation=w.need(raw, "explanation", str, optional=qtype == "short", default="").strip(),
        basis=w.need(raw, "basis", str, optional=True, default=""),
        keypoints=_keypoints(w, raw),
    )
    if qtype in ("single", "multiple"):
        w.only(raw, common | {"stem", "options", "key", "policy", "partial", "situation", "transcript"})
        kw["text"] = w.need(raw, "stem", str).strip()
        kw["situation"] = w.need(raw, "situation", str, optional=True, default="").strip()
        kw["transcript"] = _transcript(w, raw)
        choices = read_choices(w, raw, qtype, BANK_RULES)
        kw.update(options=choices.options, key=choices.key)
        if qtype == "multiple":
            policy = w.need(raw, "policy", str, optional=True, default=DEFAULT_POLICY)
            if policy not in POLICIES:
                raise w.error(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
            kw["policy"] = policy
            if policy == "subset_fixed":
                partial = w.need(raw, "partial", (int, float), optional=True, default=DEFAULT_PARTIAL)
                if not 0 < partial < 1:
                    raise w.error(f"partial must be between 0 and 1, got {partial}")
                kw["partial"] = float(partial)
            elif "partial" in raw:
                raise w.error("'partial' applies to policy subset_fixed only")
        elif "policy" in raw:
            raise w.error("a single-choice question has no scoring policy")
    elif qtype == "rewrite":
        w.only(raw, common | {"situation", "bad", "scenario", "model_answer"})
        kw.update(text=w.need(raw, "situation", str).strip(), bad=w.need(raw, "bad", str).strip(),
                  scenario=w.need(raw, "scenario", str), model_answer=w.need(raw, "model_answer", str).strip())
    elif qtype == "call":
        w.only(raw, common | CALL_FIELDS)
        kw.update(text=w.need(raw, "situation", str).strip(), call=parse_call(w, raw))
    else:
        w.only(raw, common | {"prompt", "rubric", "reference_answer", "borderline_answer"})
        kw.update(text=w.need(raw, "prompt", str).strip(), rubric=tuple(w.strings(raw, "rubric")),
                  reference_answer=w.need(raw, "reference_answer", str).strip(),
                  borderline_answer=w.need(raw, "borderline_answer", str, optional=True, default="").strip())
    return BankQuestion(**kw)


def _keypoints(w: Where, raw: dict) -> tuple[str, ...]:
    """The seed key points an item assesses: at least one, each an existing id, none twice."""
    ids = w.strings(raw, "keypoints")
    if not ids:
        raise w.error("keypoints must name at least one seed key point, e.g. [000-03]")
    for kp in ids:
        m = _KEYPOINT.match(kp)
        count = KEYPOINTS_PER_SEED.get(m.group(1)) if m else None
        if count is None or not 1 <= int(m.group(2)) <= count:
            seeds = ", ".join(f"{s}-01…{s}-{n:02d}" for s, n in KEYPOINTS_PER_SEED.items())
            raise w.error(f"keypoint {kp!r} is not a seed key point ({seeds})")
    if len(set(ids)) != len(ids):
        raise w.error("keypoints lists a key point twice")
    return tuple(ids)


def _transcript(w: Where, raw: dict) -> tuple[str, ...]:
    lines = w.strings(raw, "transcript", optional=True)
    for i, line in enumerate(lines):
        if not line.startswith(SPEAKERS) or not line[3:].strip():
            raise w.error(f"transcript line {i + 1} must start with 客户： or 客服： and say something, got {line!r}")
    if lines and not any(line.startswith("客服：") for line in lines):
        raise w.error("a transcript needs at least one 客服： line (what the agent said)")
    return tuple(line.strip() for line in lines)


def _chapter(path: Path) -> BankChapter:
    w = Where(_display(path))
    raw = load_yaml(path)
    w.only(raw, {"chapter", "number", "assignment", "title", "intro", "questions"})
    chapter = {
        "chapter": w.need(raw, "chapter", str),
        "number": w.need(raw, "number", int),
        "assignment": w.need(raw, "assignment", str),
    }
    if chapter["assignment"] != path.stem:
        raise w.error(f"assignment {chapter['assignment']!r} must equal the file name {path.stem!r}")
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", chapter["assignment"]):
        raise w.error("assignment names use ASCII letters, digits, _ and - only (they become folder names)")
    raws = w.need(raw, "questions", list)
    questions = tuple(_question(w, q, chapter, i + 1) for i, q in enumerate(raws))
    order = [TYPE_ORDER.index(q.type) for q in questions]
    if order != sorted(order):
        raise w.error("questions must be ordered single, multiple, rewrite, call, short")
    return BankChapter(
        number=chapter["number"], title=chapter["chapter"], assignment=chapter["assignment"],
        notebook=chapter["assignment"], heading=w.need(raw, "title", str),
        intro=w.need(raw, "intro", str, optional=True, default="").strip(), questions=questions, path=w.path,
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_bank(directory: str | Path | None = None) -> Path:
    path = Path(directory) if directory else DEFAULT_BANK
    package = Path(__file__).resolve().parent.parent  # the whole autograder package
    if path.resolve() == package or package in path.resolve().parents:
        raise SchemaError(f"{path}: a question bank must not live inside the installed package {package} "
                          f"(students' kernels import it); keep it in the course folder")
    if not path.is_dir():
        hint = "" if directory else " (run from the project root, or pass --bank DIR)"
        raise SchemaError(f"{path}: no question bank here{hint}")
    return path


def load_bank(directory: str | Path | None = None) -> list[BankChapter]:
    """Load and validate every chapter file, in chapter order."""
    base = find_bank(directory)
    chapters = [_chapter(p) for p in sorted(base.glob("*.yaml"))]
    if not chapters:
        raise SchemaError(f"{base}: no chapter files (*.yaml)")
    seen: dict[str, str] = {}
    numbers: dict[int, str] = {}
    for ch in chapters:
        if ch.number in numbers:
            raise SchemaError(f"{ch.path}: chapter number {ch.number} is also used by {numbers[ch.number]}")
        numbers[ch.number] = ch.path
        for q in ch.questions:
            if q.id in seen:
                raise SchemaError(f"{ch.path}: {q.id}: id already used in {seen[q.id]}")
            seen[q.id] = ch.path
    _check_scenarios(chapters)
    return sorted(chapters, key=lambda c: c.number)


def _check_scenarios(chapters: list[BankChapter]) -> None:
    from ..engine.engine import get_scenario, UnknownScenario

    for ch in chapters:
        for q in ch.questions:
            if q.type == "rewrite":
                try:
                    get_scenario(q.scenario)
                except UnknownScenario as exc:
                    raise SchemaError(f"{ch.path}: {q.id}: {exc}") from None
            elif q.type == "call":
                _check_call_rules(ch.path, q)
                for n, phase in enumerate(q.call.phases, 1):
                    if phase == FREE:
                        continue
                    try:
                        get_scenario(phase)
                    except UnknownScenario as exc:
                        raise SchemaError(f"{ch.path}: {q.id}: 第{n}句的场景 {phase!r} 不存在，"
                                          f"可以写 free（只查通用规则）（unknown scenario）: {exc}") from None


def _check_call_rules(path: str, q: BankQuestion) -> None:
    """The call-rule ids an item names (requirements, the bad call's expected findings) exist."""
    from ..engine.callrules import call_rules

    known = call_rules().ids
    named = [("requirements", r) for r in q.call.requirements or ()]
    named += [("bad_call.expect.call_findings", r) for r in q.call.bad_call.call_findings]
    for where, rule in named:
        if rule not in known:
            raise SchemaError(f"{path}: {q.id}: {where} 里的规则 {rule!r} 不存在，可用的整通电话规则有："
                              f"{', '.join(sorted(known))} (unknown call rule)")
    if q.call.requirements is not None:
        outside = [r for r in q.call.bad_call.call_findings if r not in q.call.requirements]
        if outside:
            raise SchemaError(f"{path}: {q.id}: bad_call 期望的 {', '.join(outside)} 不在 requirements 里，"
                              f"评分时不会检查它 (expected finding not required)")
