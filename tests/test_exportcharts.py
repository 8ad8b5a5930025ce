"""The export's difficulty/discrimination chart: nothing clipped at D = 1.0, honest title and caveat."""
from __future__ import annotations

import math

import pytest

from autograder.report.analytics import NEGATIVE_DISCRIMINATION, Flag, Item, ItemStats
from autograder.report.table import ExportResult, ScoreChapter, ScoreTable
from autograder.report.charts import difficulty_discrimination


def _result(points: list[tuple[float, float, bool]], n: int = 30) -> ExportResult:
    """An export with one chapter whose questions sit at (p, D); True marks a flagged question."""
    stats = []
    for i, (p, d, flagged) in enumerate(points, start=1):
        flags = (Flag(NEGATIVE_DISCRIMINATION, "区分度为负"),) if flagged else ()
        stats.append(ItemStats(Item(f"ch1/第{i}题", f"电话礼仪·第{i}题", 2.0, "single", "ABCD", "B"), n, 2 * p, p,
                               None, None, 8, d, None, flags=flags))
    table = ScoreTable("kefu", [ScoreChapter("ch1_telephone", 1, "电话礼仪", ())], [])
    return ExportResult(table, {"ch1_telephone": stats}, [], 0, [])


def _texts(fig) -> str:
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text))


def test_points_at_full_discrimination_and_easiness_are_drawn_whole():
    fig = difficulty_discrimination(_result([(0.5, 1.0, True), (1.0, 0.0, False), (0.0, 0.0, False),
                                             (0.4, 0.3, False)]))
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_window_extent()
    from matplotlib.collections import PathCollection

    markers = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert markers
    for coll in markers:
        radius = math.sqrt(max(coll.get_sizes())) / 2 * fig.dpi / 72 + max(coll.get_linewidths()) * fig.dpi / 72
        for x, y in ax.transData.transform(coll.get_offsets()):
            assert box.x0 <= x - radius and x + radius <= box.x1, (x, radius, box)
            assert box.y0 <= y - radius and y + radius <= box.y1, (y, radius, box)


def test_red_rings_are_mentioned_only_when_drawn():
    plain = difficulty_discrimination(_result([(0.5, 0.5, False), (0.6, 0.4, False)]))
    assert "红圈" not in plain.axes[0].get_title(loc="left")
    assert not any(c.get_label() == "需要检查" for c in plain.axes[0].collections)
    ringed = difficulty_discrimination(_result([(0.5, 0.5, False), (0.6, -0.2, True)]))
    assert "红圈" in ringed.axes[0].get_title(loc="left")
    assert any(c.get_label() == "需要检查" for c in ringed.axes[0].collections)


@pytest.mark.parametrize("n, caveat", [(8, True), (19, True), (20, False), (40, False)])
def test_small_class_gets_a_caveat(n, caveat):
    fig = difficulty_discrimination(_result([(0.5, 0.5, False)], n=n))
    assert ("仅供参考" in _texts(fig)) == caveat
    if caveat:
        assert f"{n} 人" in _texts(fig)
