"""The kit's chart palette and figure plumbing, shared by the course charts
(:mod:`autograder.teaching.charts`) and the export's charts
(:mod:`autograder.report.charts`).

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot, no
global state but the font registration); matplotlib is imported on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .fonts import use_chinese_font

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["BLUE", "LIGHT", "ORANGE", "RED", "GREEN", "GREY", "INK", "new_figure", "clean_axes"]

# A calm palette that prints well in grey too.
BLUE = "#2f6db5"
LIGHT = "#c9d7ea"
ORANGE = "#e07b24"
RED = "#c0392b"
GREEN = "#2e8b57"
GREY = "#9aa3ad"
INK = "#222222"


def new_figure(width: float, height: float) -> "Figure":
    """An empty figure of ``width`` × ``height`` inches with the Chinese font registered."""
    use_chinese_font()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def clean_axes(ax) -> None:
    """Drop the top and right frame lines."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
