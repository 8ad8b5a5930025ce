"""Small notebooks under tests/fixtures/notebooks, each named after the situation it shows."""
from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def fixture_notebook(situation: str):
    """The notebook ``tests/fixtures/notebooks/<situation>.ipynb``, read fresh each time."""
    return nbformat.read(NOTEBOOKS / f"{situation}.ipynb", as_version=4)
