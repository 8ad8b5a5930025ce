"""printable: what the kit prints cannot control the instructor's terminal."""
from __future__ import annotations

import unicodedata

from autograder.terminal import printable


def test_plain_text_and_line_breaks_are_kept():
    text = "评分完成 graded: 2 notebooks\n  - 2024001/ch1: 第1题：回答正确"
    assert printable(text) == text


def test_control_format_and_surrogate_characters_are_escaped():
    shown = printable("\x1b[2J\x07\r\b\x9b\u202e\u2066\ufeff\udcff\ue000\u2028\x00")
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Zl") for c in shown)
    for escaped in ("\\x1b", "\\x07", "\\x0d", "\\x08", "\\x9b", "\\u202e", "\\u2066", "\\ufeff", "\\xff", "\\ue000",
                    "\\u2028", "\\x00"):
        assert escaped in shown


def test_unusual_spaces_become_plain_spaces():
    assert printable("a\u3000b\u00a0c") == "a b c"
