"""Practice content for the course notebooks: quizzes and rewrite exercises as data.

Each chapter's practice lives in one YAML file next to the notebooks
(``course/practice/<chapter>.yaml``), so an instructor edits questions without
touching code.  These are practice questions of the course itself, not the
graded question bank::

    chapter: ch1_telephone
    title: 电话礼仪
    quizzes:
      - id: answering            # used in the notebook: 练习.quiz("answering")
        title: 小测：接听电话
        questions:
          - id: ring
            type: single         # single | multiple
            stem: 电话铃响后，应在第几声内接听？
            options: {A: 第一声, B: 第三声, C: 第五声, D: 什么时候方便什么时候接}
            key: A               # multiple choice: all right letters, e.g. "ABD"
            explanation: 为什么 A 对、其他选项错。
            keypoints: [002-14]  # optional: the seed key points it practises (course/coverage.yaml)
    sandboxes:
      - id: opening              # 练习.sandbox("opening")
        scenario: opening        # a scenario key of the rule engine
        bad: 喂，找谁？           # the utterance to rewrite
        hint: 问候 + 自报家门 + 询问需求   # optional
        model: 您好，……           # a reference answer, shown on request
        situation: ……            # optional; defaults to the scenario's own
        keypoints: [000-06, 002-04]  # optional, as for questions
    calls:                       # optional: whole calls, 练习.call("…"); see .callpractice

Loading validates everything and raises :class:`~autograder.engine.schema.SchemaError`
naming the file and the item id.  This module holds the items and their
parsers; :mod:`.book` loads a file into a :class:`~.book.PracticeBook`.
Neither imports ipywidgets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..engine.schema import SchemaError, Where
from ..questiontypes import CHOICE_TYPES, QUESTION_TYPES
from ..teaching.choices import PRACTICE_RULES, read_choices
from ..teaching.yamlfields import nonempty_text
from .callpractice import CallSandboxItem

__all__ = [
    "QuizQuestion", "QuizSet", "SandboxItem", "CallSandboxItem", "parse_choice", "PRACTICE_DIR_NAME",
]

PRACTICE_DIR_NAME = "practice"
_LETTERS = "ABCDEFGH"
_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
KEYPOINT_ID = re.compile(r"^\d{3}-\d{2,3}$")  # seed-point, e.g. 001-95 or 001-124


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    id: str
    type: str  # "single" | "multiple"
    stem: str
    options: tuple[tuple[str, str], ...]  # (letter, text), in order
    key: frozenset[str]
    explanation: str
    keypoints: tuple[str, ...] = ()  # seed key points practised (ids of course/coverage.yaml)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)

    @property
    def type_label(self) -> str:
        return QUESTION_TYPES[self.type].tag

    @property
    def key_text(self) -> str:
        return "".join(sorted(self.key))


@dataclass(frozen=True, slots=True)
class QuizSet:
    id: str
    title: str
    questions: tuple[QuizQuestion, ...]


@dataclass(frozen=True, slots=True)
class SandboxItem:
    id: str
    scenario: str
    bad: str
    model: str
    hint: str = ""
    situation: str = ""  # empty: use the scenario's own description
    keypoints: tuple[str, ...] = ()


def parse_choice(answer, letters: tuple[str, ...] | str = _LETTERS[:5]) -> tuple[str, ...]:
    """Letters chosen in ``answer``, sorted and without duplicates.

    Accepts "B", "b", "Ｂ", "A,C", "A、C", "AC", ["A", "C"], sets, None.
    Characters that are not option letters are ignored.
    """
    if answer is None:
        return ()
    if isinstance(answer, str):
        text = answer
    else:
        text = "".join(str(a) for a in answer)
    text = unicodedata.normalize("NFKC", text).upper()
    return tuple(sorted({ch for ch in text if ch in letters}))


def _ident(where: Where, raw, what: str) -> str:
    if not isinstance(raw, dict):
        raise where.error(f"each {what} must be a mapping, got {type(raw).__name__}")
    ident = where.need(raw, "id", str)
    if not _ID.match(ident):
        raise where.at(ident).error("ids use ASCII letters, digits, '_' and '-' only")
    return ident


def _text(where: Where, raw: dict, key: str, *, optional: bool = False) -> str:
    return nonempty_text(where, raw, key, strip=True, optional=optional)


def _quiz_set(where: Where, raw, question_ids: set[str]) -> QuizSet:
    qid = _ident(where, raw, "quiz")
    w = where.at(qid)
    w.only(raw, {"id", "title", "questions"})
    questions = []
    for q in w.need(raw, "questions", list):
        question = _question(where, q)
        if question.id in question_ids:
            raise where.at(question.id).error("question id used twice in this file")
        question_ids.add(question.id)
        questions.append(question)
    if not questions:
        raise w.error("a quiz needs at least one question")
    return QuizSet(qid, _text(w, raw, "title"), tuple(questions))


def _question(where: Where, raw) -> QuizQuestion:
    qid = _ident(where, raw, "question")
    w = where.at(qid)
    w.only(raw, {"id", "type", "stem", "options", "key", "explanation", "keypoints"})
    qtype = w.need(raw, "type", str)
    if qtype not in CHOICE_TYPES:
        raise w.error(f"type must be one of {', '.join(CHOICE_TYPES)}, got {qtype!r}")
    choices = read_choices(w, raw, qtype, PRACTICE_RULES)
    return QuizQuestion(qid, qtype, _text(w, raw, "stem"), tuple(choices.options.items()), frozenset(choices.key),
                        _text(w, raw, "explanation"), _keypoints(w, raw))


def _sandbox(where: Where, raw) -> SandboxItem:
    sid = _ident(where, raw, "sandbox")
    w = where.at(sid)
    w.only(raw, {"id", "scenario", "bad", "model", "hint", "situation", "keypoints"})
    return SandboxItem(
        id=sid,
        scenario=_text(w, raw, "scenario"),
        bad=_text(w, raw, "bad"),
        model=_text(w, raw, "model"),
        hint=_text(w, raw, "hint", optional=True),
        situation=_text(w, raw, "situation", optional=True),
        keypoints=_keypoints(w, raw),
    )


def _keypoints(where: Where, raw: dict) -> tuple[str, ...]:
    """The optional ``keypoints: [000-03, …]`` list: seed key-point ids, no repeats."""
    value = raw.get("keypoints", [])
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise where.error("keypoints must be a list of ids such as [000-03, 001-95] "
                          "(quote them if YAML reads them as numbers)")
    bad = [k for k in value if not KEYPOINT_ID.match(k)]
    if bad:
        raise where.error(f"keypoint ids look like 000-03 or 001-95, got {', '.join(map(repr, bad))}")
    if len(set(value)) != len(value):
        raise where.error("a keypoint is listed twice")
    return tuple(value)


__all__ += ["SchemaError"]
