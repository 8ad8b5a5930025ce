"""Field readers shared by the course's YAML files: practice, role-play cards, scripts, the reference card.

Each file is a mapping at the top level holding lists of items; an item is a
mapping named by its ``id`` (or ``key``) in errors, and most of its fields
are texts that must say something.  Choice questions' options and keys have
their own schema in :mod:`.choices`.  Errors are English (schema errors, for
content authors), raised through :class:`~autograder.engine.schema.Where`.
"""
from __future__ import annotations

from pathlib import Path

from ..engine.schema import Where, load_yaml

__all__ = ["load_mapping", "item_where", "nonempty_text"]


def load_mapping(path: str | Path) -> tuple[Where, dict]:
    """The file's top-level mapping and the place its errors are reported at."""
    where = Where(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise where.error("expected a mapping at the top level")
    return where, data


def item_where(where: Where, raw, name: str = "id") -> Where:
    """Where an item's errors point: its ``name`` field, or "?" when it has none (or is no mapping)."""
    return where.at(str(raw.get(name, "?")) if isinstance(raw, dict) else "?")


def nonempty_text(where: Where, raw: dict, key: str, *, strip: bool = False, optional: bool = False) -> str:
    """``raw[key]``, a text that is not blank (stripped when ``strip``); "" when ``optional`` and absent or blank."""
    value = where.need(raw, key, str, optional=optional, default="")
    if strip:
        value = value.strip()
    if not value.strip() and not optional:
        raise where.error(f"field '{key}' is empty")
    return value
