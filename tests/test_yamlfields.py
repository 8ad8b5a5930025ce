"""Field readers shared by the course's YAML files (teaching/yamlfields.py)."""
from __future__ import annotations

import pytest

from autograder.engine.schema import SchemaError, Where
from autograder.teaching.yamlfields import item_where, load_mapping, nonempty_text

W = Where("course/x.yaml")


def test_a_file_that_is_not_a_mapping_is_refused_with_its_name(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="list.yaml: expected a mapping at the top level"):
        load_mapping(path)
    path.write_text("title: 电话礼仪\n", encoding="utf-8")
    where, data = load_mapping(path)
    assert data == {"title": "电话礼仪"} and where.path == str(path)


def test_an_item_is_named_by_its_id_or_key_and_otherwise_by_a_question_mark():
    assert item_where(W, {"id": "card1"}).error("x").args[0] == "course/x.yaml: card1: x"
    assert item_where(W, {"key": "greet"}, "key").item == "greet"
    assert item_where(W, {"title": "no id"}).item == "?" and item_where(W, ["not", "a", "mapping"]).item == "?"


def test_a_text_must_say_something_and_is_stripped_only_when_asked():
    assert nonempty_text(W, {"say": " 您好 \n"}, "say") == " 您好 \n"
    assert nonempty_text(W, {"say": " 您好 \n"}, "say", strip=True) == "您好"
    assert nonempty_text(W, {}, "hint", strip=True, optional=True) == ""
    with pytest.raises(SchemaError, match="field 'say' is empty"):
        nonempty_text(W, {"say": "  "}, "say")
    with pytest.raises(SchemaError, match="missing field 'say'"):
        nonempty_text(W, {}, "say")
