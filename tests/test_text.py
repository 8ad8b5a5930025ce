"""Text normalisation (autograder/text.py): what rules see, and the way back."""
from __future__ import annotations

import unicodedata

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.engine.text import has_chinese, normalise


@pytest.mark.parametrize("raw, expected", [
    ("您好，请问有什么可以帮您？", "您好,请问有什么可以帮您?"),          # full-width punctuation
    ("好的。请稍等、谢谢！", "好的.请稍等,谢谢!"),                      # 。、 folded
    ("請問有什麼可以幫您？", "请问有什么可以帮您?"),                      # Traditional → Simplified
    ("請問有甚麼可以幫您", "请问有什么可以帮您"),                          # Taiwan 甚麼 → 什么
    ("您別著急", "您别着急"),                                              # 著急 → 着急
    ("妳好", "你好"),                                                     # variant 妳 → 你
    ("工号：３５７", "工号:357"),                                           # full-width digits
    ("ＯＫ，Hello", "ok,hello"),                                          # full-width and upper-case ASCII
    ("  您 好\t请\n问　有　什么 ", "您好请问有什么"),                       # every kind of whitespace, incl. U+3000
    ("您\u200b好\ufeff，请\u00ad问", "您好,请问"),                          # invisible characters from the web
    ("请稍等……", "请稍等......"),                                          # … expands to three dots
    ("㈱公司", "(株)公司"),                                                # NFKC expansion to several characters
])
def test_normalised_text(raw, expected):
    assert normalise(raw).text == expected


def test_identity_has_no_index_map():
    n = normalise("您好请问有什么可以帮您")
    assert n.index_map is None
    assert n.span(2, 4) == (2, 4)
    assert n.quote(2, 4) == "请问"


@pytest.mark.parametrize("raw, needle", [
    ("喂，妳好，請問找誰？", "妳好"),               # Traditional and full-width: same length
    ("您 好 ， 你 找 谁", "你 找"),                 # spaces inside the match survive in the quote
    ("请稍等……你好", "你好"),                       # after an expanding character
    ("㈱　公司，你们好", "你们"),                    # after ㈱ (3 chars) and an ideographic space
    ("ＡＢＣ你好", "你好"),
    ("  前后有空格的你  ", "你"),
])
def test_spans_point_into_the_original(raw, needle):
    n = normalise(raw)
    target = normalise(needle).text
    start = n.text.index(target)
    a, b = n.span(start, start + len(target))
    assert raw[a:b] == needle
    assert n.quote(start, start + len(target)) == needle


def test_span_of_part_of_an_expansion_covers_the_whole_original_character():
    n = normalise("等等…")
    start = n.text.index(".")
    assert n.quote(start, start + 1) == "…"
    assert n.quote(start, start + 3) == "…"


def test_empty_and_whitespace_only():
    assert normalise("").text == ""
    assert normalise(" \t\u3000\n").text == ""
    assert normalise(" \t\u3000\n").span(0, 0) == (0, 0)


@pytest.mark.parametrize("bad", [None, 123, b"\xe4\xbd\xa0", ["你好"], 3.5])
def test_non_str_raises_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        normalise(bad)


def test_lone_surrogates_and_control_characters_do_not_crash():
    n = normalise("你\ud800好\x00")
    assert n.text == "你好\x00"  # the lone surrogate is dropped like any invisible character
    assert n.quote(1, 2) == "好"


def test_combining_sequences_take_the_exact_path():
    # half-width katakana + voiced mark compose under whole-string NFKC
    n = normalise("ｶﾞ你")
    assert n.text.endswith("你")
    start = n.text.index("你")
    assert n.quote(start, start + 1) == "你"


def test_has_chinese():
    assert has_chinese("你好")
    assert has_chinese("ok 好")
    assert has_chinese("\u3400")  # extension A
    assert not has_chinese("hello, world")
    assert not has_chinese("")
    assert not has_chinese("こんにちは")  # kana only
    assert not has_chinese("😀!!")


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_spans_are_always_valid(raw):
    n = normalise(raw)
    assert n.index_map is None or len(n.index_map) == len(n.text) + 1
    for i in range(len(n.text)):
        a, b = n.span(i, i + 1)
        assert 0 <= a < b <= len(raw)
    if n.text:
        a, b = n.span(0, len(n.text))
        assert 0 <= a < b <= len(raw)
    assert not any(ch.isspace() for ch in n.text)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("您好你請問，。、？！…　 ＡＢａ１２３㈱體验說话ｶﾞ"))))
def test_normalising_twice_changes_nothing(raw):
    once = normalise(raw).text
    assert normalise(once).text == once
    assert unicodedata.is_normalized("NFKC", once) or "ｶ" in raw


@pytest.mark.parametrize("invisible", [
    "\u200e", "\u200f", "\u202a", "\u202c", "\u202e", "\u2061", "\u2062", "\u180e", "\u034f",
    "\ufe0f", "\ufe00", "\U000e0020", "\u3164", "\uffa0", "\u2800", "\ufff9", "\ufffc", "\ufdd0", "\ud800",
])
def test_invisible_and_blank_characters_are_dropped_and_spans_still_point_into_the_original(invisible):
    raw = f"请问{invisible}我怎么{invisible}知道"
    n = normalise(raw)
    assert n.text == "请问我怎么知道"
    start = n.text.index("我怎么知道")
    assert n.quote(start, start + 5) == f"我怎么{invisible}知道"


@pytest.mark.parametrize("sep", ["·", "_", "*", "~", "😀", "★", "・", "＿", "—"])
def test_decorative_separators_between_han_characters_are_dropped(sep):
    assert normalise(f"我怎么{sep}知道").text == "我怎么知道"
    assert normalise(f"ok{sep}好").text == f"ok{normalise(sep).text}好"  # not between two Han characters


@pytest.mark.parametrize("raw, unsaid", [
    ("您说“你们的快递三天都没动静”，我马上处理", ["“你们的快递三天都没动静”"]),
    ("您反映的「你們客服態度差」的問題我已經記錄", ["「你们客服态度差」"]),
    ("我绝不会跟您说“这不归我们管”", ["“这不归我们管”"]),
    ("我们不会说这不归我们管，我马上处理", ["这不归我们管"]),
    ("您说你们的快递三天都没动静，非常抱歉", ["你们的快递三天都没动静"]),
    ("我只能说“没办法”", []),                     # the agent does say it
    ("我跟您讲“不行就是不行”", []),
    ("您说得对，我马上处理", []),
    ("您说话声音太小了", []),
])
def test_quoted_and_negated_mentions_are_decided_in_normalisation(raw, unsaid):
    n = normalise(raw)
    got = [n.text[a:b] for a, b in n.unsaid]
    assert got == [normalise(u).text for u in unsaid]


@pytest.mark.slow  # every code point, twice: seconds
def test_the_quick_whitespace_test_agrees_with_the_whitespace_pattern_on_every_character():
    from autograder.engine.text import _WHITESPACE, _has_space

    every = "".join(map(chr, range(0x110000)))
    # the pattern is one character class: it matches exactly the code points its runs cover
    spaces = {cp for m in _WHITESPACE.finditer(every) for cp in range(*m.span())}
    assert {" ", "\u3000", "\u200b", "\ufeff"} <= {chr(cp) for cp in spaces}
    wrong = [hex(cp) for cp in range(0x110000)
             for text in (chr(cp), "你" + chr(cp) + "好")
             if _has_space(text) != (cp in spaces)]
    assert not wrong
