"""Role-play material as data: 情景演练卡, model call scripts and the 禁语 reference card.

The YAML lives beside the chapter notebooks (``course/``):

* ``roleplay/<chapter>.yaml`` — ``chapter``, ``title``, ``cards``: each card has
  ``id``, ``title``, ``customer`` (``situation``, ``mood``, ``wants``,
  ``lines``), ``agent`` (``goal``, ``constraints``) and ``observer`` (checklist
  items ``{text, rule?}``; ``rule`` names the engine rule the item matches).
* ``scripts/<chapter>.yaml`` — ``chapter``, ``title``, ``scripts``: each has
  ``id``, ``title``, ``situation``, ``good`` and ``bad`` (lists of lines).  A
  line is ``who`` (agent | customer) and either ``say`` (words) or ``act``
  (what happens, e.g. "铃响一声内接起电话").  Agent lines carry ``scenario``
  (a scenario key, or null for a line no scenario fits) and, in a good call,
  ``follows`` (the rule the line follows); in a bad call, ``wrong`` (what is
  wrong) and ``flags`` (engine rule ids the line must trigger).
  ``joins_previous: true`` checks the line together with the agent's previous
  line (an opening split by the customer's "是我").
* ``reference/taboo_card.yaml`` — sections of 禁语 by category (each phrase with
  the rule id that flags it and a better wording) and the 服务禁忌 list.

Loading validates the shape and names the file and item on error; whether
the engine agrees with the annotations is checked by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine.schema import Where
from .yamlfields import item_where, load_mapping, nonempty_text

__all__ = [
    "CustomerBrief", "AgentBrief", "CheckItem", "RolePlayCard", "RolePlaySet",
    "CallLine", "CallScript", "ScriptSet", "PhraseItem", "PhraseCategory", "CardSection",
    "TabooItem", "ReferenceCard", "CHAPTERS",
    "load_roleplay", "load_scripts", "load_reference", "course_dir",
]

CHAPTERS = ("ch1_telephone", "ch2_smile", "ch3_complaint", "ch4_price")
SPEAKERS = ("agent", "customer")


def course_dir(base: str | Path | None = None) -> Path:
    """The folder holding roleplay/, scripts/ and reference/: ``base``, else the
    current directory when it has them (a notebook in course/), else ./course
    (the project root).  Never a folder found next to the installed package."""
    if base is not None:
        return Path(base)
    here = Path.cwd()
    if (here / "roleplay").is_dir():
        return here
    if (here / "course" / "roleplay").is_dir():
        return here / "course"
    # never next to the installed package: the kit looks only where the course is
    raise FileNotFoundError(f"找不到 roleplay/ 文件夹（在 {here} 里）：请在课程的 course/ 目录或项目根目录里运行 "
                            "(no roleplay/ here: run from course/ or the project root, or pass the folder)")


# --------------------------------------------------------------------------- role-play cards

@dataclass(frozen=True, slots=True)
class CustomerBrief:
    situation: str
    mood: str
    wants: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgentBrief:
    goal: str
    constraints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckItem:
    text: str
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class RolePlayCard:
    id: str
    title: str
    customer: CustomerBrief
    agent: AgentBrief
    observer: tuple[CheckItem, ...]


@dataclass(frozen=True, slots=True)
class RolePlaySet:
    chapter: str
    title: str
    cards: tuple[RolePlayCard, ...]
    path: Path


_text = nonempty_text  # a card's texts are kept as written, not stripped


def _check_item(where: Where, raw) -> CheckItem:
    if isinstance(raw, str):
        return CheckItem(raw)
    where.only(raw, {"text", "rule"})
    return CheckItem(_text(where, raw, "text"), where.need(raw, "rule", str, optional=True))


def _file(base: str | Path | None, folder: str, name: str) -> tuple[Path, Where, dict]:
    path = course_dir(base) / folder / f"{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"找不到 {path}：请从 course 文件夹里打开本章笔记本。 / not found: {path}")
    where, data = load_mapping(path)
    return path, where, data


def _unique(where: Where, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise where.at(i).error("id used twice")
        seen.add(i)


def load_roleplay(chapter: str, base: str | Path | None = None) -> RolePlaySet:
    """A chapter's 情景演练卡 from ``roleplay/<chapter>.yaml``."""
    path, where, data = _file(base, "roleplay", chapter)
    where.only(data, {"chapter", "title", "cards", "note"})
    cards = []
    for raw in where.need(data, "cards", list):
        w = item_where(where, raw)
        w.only(raw, {"id", "title", "customer", "agent", "observer"})
        cust = w.need(raw, "customer", dict)
        w.only(cust, {"situation", "mood", "wants", "lines"})
        agent = w.need(raw, "agent", dict)
        w.only(agent, {"goal", "constraints"})
        observer = tuple(_check_item(w, x) for x in w.need(raw, "observer", list))
        if not observer:
            raise w.error("the observer checklist is empty")
        cards.append(RolePlayCard(
            id=_text(w, raw, "id"), title=_text(w, raw, "title"),
            customer=CustomerBrief(_text(w, cust, "situation"), _text(w, cust, "mood"),
                                   _text(w, cust, "wants"), tuple(w.strings(cust, "lines"))),
            agent=AgentBrief(_text(w, agent, "goal"), tuple(w.strings(agent, "constraints"))),
            observer=observer))
    _unique(where, [c.id for c in cards])
    return RolePlaySet(where.need(data, "chapter", str), where.need(data, "title", str), tuple(cards), path)


# --------------------------------------------------------------------------- call scripts

@dataclass(frozen=True, slots=True)
class CallLine:
    who: str  # agent | customer
    say: str | None  # the words, or None for an action
    act: str | None
    scenario: str | None = None
    note: str = ""  # good call: the rule followed; bad call: what is wrong
    flags: tuple[str, ...] = ()
    joins_previous: bool = False

    @property
    def spoken_by_agent(self) -> bool:
        return self.who == "agent" and self.say is not None


@dataclass(frozen=True, slots=True)
class CallScript:
    id: str
    title: str
    situation: str
    good: tuple[CallLine, ...]
    bad: tuple[CallLine, ...]


@dataclass(frozen=True, slots=True)
class ScriptSet:
    chapter: str
    title: str
    scripts: tuple[CallScript, ...]
    path: Path


def _line(where: Where, raw, good: bool) -> CallLine:
    note_key = "follows" if good else "wrong"
    where.only(raw, {"who", "say", "act", "scenario", note_key, "flags", "joins_previous"})
    who = where.need(raw, "who", str)
    if who not in SPEAKERS:
        raise where.error(f"who must be one of {', '.join(SPEAKERS)}, got {who!r}")
    say = where.need(raw, "say", str, optional=True)
    act = where.need(raw, "act", str, optional=True)
    if (say is None) == (act is None):
        raise where.error(f"a line has either 'say' or 'act': {raw!r}")
    note = where.need(raw, note_key, str, optional=True, default="")
    if who == "agent" and not note:
        raise where.error(f"agent line {say or act!r} needs '{note_key}'")
    if who == "agent" and say is not None and "scenario" not in raw:
        raise where.error(f"agent line {say!r} needs 'scenario' (a key, or null)")
    flags = tuple(where.strings(raw, "flags", optional=True))
    if good and flags:
        raise where.error("'flags' belongs to the bad call")
    return CallLine(who, say, act, where.need(raw, "scenario", str, optional=True), note, flags,
                    bool(where.need(raw, "joins_previous", bool, optional=True, default=False)))


def load_scripts(chapter: str, base: str | Path | None = None) -> ScriptSet:
    """A chapter's model call scripts from ``scripts/<chapter>.yaml``."""
    path, where, data = _file(base, "scripts", chapter)
    where.only(data, {"chapter", "title", "scripts", "note"})
    scripts = []
    for raw in where.need(data, "scripts", list):
        w = item_where(where, raw)
        w.only(raw, {"id", "title", "situation", "good", "bad"})
        good = tuple(_line(w, x, True) for x in w.need(raw, "good", list))
        bad = tuple(_line(w, x, False) for x in w.need(raw, "bad", list))
        if not any(x.spoken_by_agent for x in good) or not any(x.spoken_by_agent for x in bad):
            raise w.error("both the good and the bad call need agent lines")
        scripts.append(CallScript(_text(w, raw, "id"), _text(w, raw, "title"), _text(w, raw, "situation"),
                                  good, bad))
    _unique(where, [s.id for s in scripts])
    return ScriptSet(where.need(data, "chapter", str), where.need(data, "title", str), tuple(scripts), path)


# --------------------------------------------------------------------------- reference card

@dataclass(frozen=True, slots=True)
class PhraseItem:
    say: str
    rule: str
    better: str


@dataclass(frozen=True, slots=True)
class PhraseCategory:
    label: str
    why: str
    items: tuple[PhraseItem, ...]


@dataclass(frozen=True, slots=True)
class CardSection:
    key: str
    title: str
    family: str  # the rule family that holds these phrases
    categories: tuple[PhraseCategory, ...]


@dataclass(frozen=True, slots=True)
class TabooItem:
    dont: str
    instead: str
    example: str | None = None
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class ReferenceCard:
    title: str
    intro: str
    sections: tuple[CardSection, ...]
    taboos_title: str
    taboos_why: str
    taboos: tuple[TabooItem, ...]
    path: Path

    def phrases(self) -> list[PhraseItem]:
        return [i for s in self.sections for c in s.categories for i in c.items]


def load_reference(base: str | Path | None = None, name: str = "taboo_card") -> ReferenceCard:
    """The 禁语/禁忌 reference card from ``reference/taboo_card.yaml``."""
    path, where, data = _file(base, "reference", name)
    where.only(data, {"title", "intro", "sections", "taboos"})
    sections = []
    for raw in where.need(data, "sections", list):
        w = item_where(where, raw, "key")
        w.only(raw, {"key", "title", "family", "categories"})
        cats = []
        for c in w.need(raw, "categories", list):
            wc = w.at(f"{raw.get('key')}/{c.get('label', '?')}")
            wc.only(c, {"label", "why", "items"})
            items = []
            for it in wc.need(c, "items", list):
                wc.only(it, {"say", "rule", "better"})
                items.append(PhraseItem(_text(wc, it, "say"), _text(wc, it, "rule"), _text(wc, it, "better")))
            if not items:
                raise wc.error("a category needs phrases")
            cats.append(PhraseCategory(_text(wc, c, "label"), _text(wc, c, "why"), tuple(items)))
        sections.append(CardSection(_text(w, raw, "key"), _text(w, raw, "title"), _text(w, raw, "family"),
                                    tuple(cats)))
    tw = where.at("taboos")
    tab = where.need(data, "taboos", dict)
    tw.only(tab, {"title", "why", "items"})
    taboos = []
    for it in tw.need(tab, "items", list):
        tw.only(it, {"dont", "instead", "example", "rule"})
        example, rule = tw.need(it, "example", str, optional=True), tw.need(it, "rule", str, optional=True)
        if (example is None) != (rule is None):
            raise tw.error(f"'example' and 'rule' go together: {it!r}")
        taboos.append(TabooItem(_text(tw, it, "dont"), _text(tw, it, "instead"), example, rule))
    return ReferenceCard(_text(where, data, "title"), _text(where, data, "intro"), tuple(sections),
                         _text(tw, tab, "title"), _text(tw, tab, "why"), tuple(taboos), path)
