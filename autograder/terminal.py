"""Text for the instructor's terminal: nothing a student typed may control it."""
from __future__ import annotations

import unicodedata

__all__ = ["printable"]

_KEEP = {"\n"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: object) -> str:
    """``text`` with every control, format, surrogate and private-use character shown as an escape.

    Line breaks stay.  ESC, BEL, CR, backspace, bidi overrides and the like
    become visible ``\\x1b``-style text, so they cannot move the cursor, clear
    the screen, set the window title or reorder what the instructor reads.
    """
    text = str(text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _KEEP or ch.isprintable() or (ch == " "):
            out.append(ch)
        elif unicodedata.category(ch) in ("Zs",):
            out.append(" ")
        else:
            out.append(_escape(ch))
    return "".join(out)
