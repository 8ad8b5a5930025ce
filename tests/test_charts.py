"""Course charts: Chinese labels render with the bundled font, no missing glyphs, right figures."""
from __future__ import annotations

import os
import re

import pytest

from autograder.teaching import charts, fonts

HAN = re.compile(r"[\u4e00-\u9fff]")


glyph_problems = fonts.glyph_problems


def _texts(fig) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text().strip()]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_chart_renders_chinese_without_missing_glyphs(name, tmp_path):
    from matplotlib import font_manager

    with glyph_problems() as problems:
        chart = charts.CHARTS[name]()
        path = chart.save(tmp_path / f"{name}.png")
    assert problems == [], problems
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert chart._repr_png_()[:4] == b"\x89PNG"

    chinese = [t for t in _texts(chart.figure) if HAN.search(t.get_text())]
    assert len(chinese) >= 3, "the chart should carry Chinese labels"
    for t in chinese:  # every Chinese label is drawn with Noto Sans SC
        resolved = font_manager.findfont(t.get_fontproperties())
        assert os.path.samefile(resolved, fonts.font_path()), (t.get_text(), resolved)
    assert "图表" in repr(chart)


def test_price_highlight_variant_and_bad_argument():
    with glyph_problems() as problems:
        chart = charts.customers_leave(highlight="price")
        chart.png()
    assert problems == []
    assert any("15%" in t.get_text() for t in _texts(chart.figure))
    with pytest.raises(ValueError):
        charts.customers_leave(highlight="nonsense")
    with pytest.raises(ValueError):
        charts.call_timeline(hold_seconds=5)


def test_figures_match_the_training_material():
    assert [v for _, v, _ in charts.LEAVE_REASONS] == [45, 20, 15, 15, 5]
    assert sum(v for _, v, _ in charts.LEAVE_REASONS) == 100
    assert sum(v for _, v, g in charts.LEAVE_REASONS if g == "service") == 65
    assert [item for item, _ in charts.VOICE_STANDARDS] == ["气息", "语音", "语调", "语速", "音量", "语气"]
    iceberg = " ".join(t.get_text() for t in _texts(charts.complaint_iceberg().figure))
    for figure in ("4 位", "96 位", "90 位"):
        assert figure in iceberg
    outcomes = " ".join(t.get_text() for t in _texts(charts.complaint_outcomes().figure))
    for figure in ("8–16", "20 人以上", "12", "98%"):
        assert figure in outcomes
    timeline = " ".join(t.get_text() for t in _texts(charts.call_timeline(60).figure))
    assert "第 15 秒" in timeline and "第 45 秒" in timeline and "铃响一声" in timeline


def test_charts_do_not_use_pyplot_state():
    import sys

    before = "matplotlib.pyplot" in sys.modules
    charts.voice_standards().png()
    if not before:
        assert "matplotlib.pyplot" not in sys.modules
