"""Chinese text in matplotlib charts, on a fresh machine with pip alone.

matplotlib ships DejaVu Sans only, which has no Chinese glyphs: labels come
out as empty boxes with "Glyph … missing from font(s)" warnings.  The
``pylopdf-fonts-zh-cn`` package on PyPI carries Noto Sans SC (SIL Open Font
License); :func:`use_chinese_font` registers it with matplotlib's font manager
and makes it the first sans-serif family, with DejaVu Sans kept behind it as
a fallback for anything Noto lacks.

Importing this module is cheap: matplotlib is imported only when a function
runs, so ``import autograder`` never pays for it.
"""
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

__all__ = ["FONT_PACKAGE", "FONT_FILE", "font_path", "use_chinese_font", "glyph_problems"]

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"

_registered: str | None = None


def font_path() -> Path:
    """Path of the bundled Noto Sans SC font file."""
    try:
        path = Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))
    except ModuleNotFoundError as exc:  # pragma: no cover - a broken install
        raise RuntimeError(
            f"the Chinese font package is missing: pip install pylopdf-fonts-zh-cn ({exc})") from exc
    if not path.is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"{FONT_FILE} is not in the {FONT_PACKAGE} package ({path})")
    return path


def use_chinese_font() -> str:
    """Register Noto Sans SC with matplotlib and make it the default font.

    Returns the font's family name.  Safe to call repeatedly: the font file
    is added once per process, but the rcParams are set on every call (a
    notebook may have reset them, e.g. with a style sheet).
    """
    global _registered
    from matplotlib import font_manager, rcParams

    if _registered is None:
        path = str(font_path())
        font_manager.fontManager.addfont(path)
        _registered = font_manager.FontProperties(fname=path).get_name()
    name = _registered
    rcParams["font.family"] = "sans-serif"
    rest = [f for f in rcParams["font.sans-serif"] if f != name]
    rcParams["font.sans-serif"] = [name] + rest
    # the Unicode minus sign (U+2212) is not in every CJK font
    rcParams["axes.unicode_minus"] = False
    return name


def _is_glyph_problem(message: str) -> bool:
    return "Glyph" in message or "missing from font" in message or "findfont" in message


@contextmanager
def glyph_problems() -> Iterator[list[str]]:
    """Collect missing-glyph and font-not-found complaints while drawing.

    matplotlib reports them both as warnings and through its logger; the
    yielded list holds every such message once the block ends.
    """
    found: list[str] = []

    class _Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if _is_glyph_problem(record.getMessage()):
                found.append(record.getMessage())

    handler = _Grab(level=logging.DEBUG)
    logger = logging.getLogger("matplotlib")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
        found.extend(str(w.message) for w in caught if _is_glyph_problem(str(w.message)))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
