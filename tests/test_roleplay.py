"""Role-play cards and the 禁语 reference card: data shape, and agreement with the rule engine."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import check
from autograder.engine.engine import rules
from autograder.teaching.roleplay import CHAPTERS, course_dir, load_reference, load_roleplay
from autograder.engine.schema import SchemaError

RULE_IDS = {r.id for r in rules()}
CARD = load_reference()


def _reported(text: str) -> set[str]:
    return {f.rule for f in check(text, "price_objection").findings}


def _said_wrong(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.kind) for f in check(text, "price_objection").findings if f.kind != "missing"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_three_cards_per_chapter_with_all_three_parts(chapter):
    data = load_roleplay(chapter)
    assert data.chapter == chapter and len(data.cards) >= 3
    for card in data.cards:
        assert card.customer.lines and card.agent.constraints
        assert len(card.observer) >= 4, card.id
        # the checklist is drawn from the chapter's rules: most items name one
        assert sum(1 for i in card.observer if i.rule) >= 2, card.id
        for item in card.observer:
            assert item.rule is None or item.rule in RULE_IDS, (card.id, item)


def test_card_ids_are_unique_across_chapters():
    ids = [c.id for ch in CHAPTERS for c in load_roleplay(ch).cards]
    assert len(ids) == len(set(ids))


def test_reference_card_has_the_five_taboo_categories_eight_irritating_phrases_and_fourteen_taboos():
    taboo, irritating = CARD.sections
    assert [c.label for c in taboo.categories] == ["直呼客户", "责问、训斥或反问客户", "态度傲慢、厌烦", "命令客户", "推诿客户"]
    assert [len(c.items) for c in taboo.categories] == [2, 10, 12, 4, 4]  # 没法查/没办法 on two rows
    assert len(irritating.categories[0].items) == 8
    assert len(CARD.taboos) == 14


@pytest.mark.parametrize("item", CARD.phrases(), ids=[i.say for i in CARD.phrases()])
def test_each_phrase_is_flagged_by_its_rule_and_the_better_wording_is_clean(item):
    assert item.rule in RULE_IDS
    assert item.rule in _reported(item.say), item.say
    assert _said_wrong(item.better) == [], item.better


@pytest.mark.parametrize("taboo", [t for t in CARD.taboos if t.example], ids=lambda t: t.dont)
def test_a_taboo_example_is_flagged_by_its_rule(taboo):
    assert taboo.rule in _reported(taboo.example)


def test_the_rule_family_of_each_section_holds_its_phrases():
    by_id = {r.id: r for r in rules()}
    for section in CARD.sections:
        families = {by_id[i.rule].family for c in section.categories for i in c.items}
        assert section.family in families
        assert families <= {section.family, "address"}, (section.key, families)


def _copy_course(tmp_path: Path) -> Path:
    dst = tmp_path / "course"
    for folder in ("roleplay", "scripts", "reference"):
        shutil.copytree(course_dir() / folder, dst / folder)
    return dst


def test_a_broken_card_file_names_the_file_and_the_card(tmp_path):
    base = _copy_course(tmp_path)
    path = base / "roleplay" / "ch1_telephone.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    agent:\n      goal: 回访", "    agnt:\n      goal: 回访", 1),
                    encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        load_roleplay("ch1_telephone", base)
    assert "ch1_telephone.yaml" in str(err.value) and "ch1_rp_busy" in str(err.value)


def test_a_missing_file_says_where_to_open_the_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match="course"):
        load_roleplay("ch1_telephone", tmp_path)


def test_taboo_example_and_rule_go_together(tmp_path):
    base = _copy_course(tmp_path)
    path = base / "reference" / "taboo_card.yaml"
    text = path.read_text(encoding="utf-8").replace(", rule: taboo.question}", "}", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match="go together"):
        load_reference(base)
