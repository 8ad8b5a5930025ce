"""The bundled Chinese font: found with pip alone, registered for matplotlib, no missing glyphs."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import pytest

from autograder.teaching import fonts



glyph_problems = fonts.glyph_problems


def _render(text: str) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 1))
    fig.text(0.05, 0.5, text)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_font_file_ships_with_pip_package():
    path = fonts.font_path()
    assert path.name == "NotoSansSC-Regular.otf"
    assert path.stat().st_size > 1_000_000
    with open(path, "rb") as f:
        assert f.read(4) in (b"OTTO", b"\x00\x01\x00\x00")  # an OpenType font


def test_use_chinese_font_sets_matplotlib_defaults():
    import matplotlib

    name = fonts.use_chinese_font()
    assert name == "Noto Sans SC"
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    assert matplotlib.rcParams["font.sans-serif"][0] == name
    assert matplotlib.rcParams["font.sans-serif"].count(name) == 1
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    # idempotent, and it repairs rcParams that a notebook reset
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    assert fonts.use_chinese_font() == name
    assert matplotlib.rcParams["font.sans-serif"][:2] == [name, "DejaVu Sans"]


def test_chinese_text_resolves_to_noto_and_renders_without_missing_glyphs():
    from matplotlib import font_manager

    fonts.use_chinese_font()
    resolved = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert os.path.samefile(resolved, fonts.font_path())
    with glyph_problems() as problems:
        png = _render("您好，请问有什么可以帮您？−5% 投诉处理")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert problems == []


def test_detector_catches_missing_glyphs_with_the_default_font():
    """Negative control: without our font, the same text must be reported."""
    import matplotlib

    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        with glyph_problems() as problems:
            _render("投诉处理")
    assert any("missing from font" in p for p in problems), problems


FRESH_CACHE_SCRIPT = textwrap.dedent("""
    import logging, sys, warnings
    problems = []
    class Grab(logging.Handler):
        def emit(self, record):
            msg = record.getMessage()
            if "Glyph" in msg or "missing from font" in msg or "findfont" in msg:
                problems.append(msg)
    logging.getLogger("matplotlib").addHandler(Grab())
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    warnings.simplefilter("error")   # any warning, missing glyphs included, is fatal
    from autograder import charts
    import matplotlib
    assert matplotlib.get_cachedir().startswith(sys.argv[1]), matplotlib.get_cachedir()
    for name, make in charts.CHARTS.items():
        png = make().png()
        assert png[:4] == b"\\x89PNG", name
    if problems:
        print("\\n".join(problems))
        sys.exit(1)
    print("ok")
""")


@pytest.mark.cli
def test_charts_render_with_a_fresh_font_cache(tmp_path):
    """As on a fresh machine: a new MPLCONFIGDIR means matplotlib rebuilds its font cache."""
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-c", FRESH_CACHE_SCRIPT, str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("ok")
    assert any(p.name.startswith("fontlist") for p in tmp_path.iterdir())


@pytest.mark.cli
def test_importing_fonts_does_not_import_matplotlib():
    code = "import sys, autograder.fonts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text", ["投诉", "顾客为什么离开", "气息——均匀、流畅", "（约 80% 不再来）"])
def test_course_phrases_have_glyphs(text):
    from matplotlib.font_manager import get_font

    font = get_font(str(fonts.font_path()))
    for ch in text:
        if not ch.isspace():
            assert font.get_char_index(ord(ch)) != 0, f"{ch!r} is not in Noto Sans SC"
