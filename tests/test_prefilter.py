"""The prefilter (``engine/prefilter.py``) only skips work: on any text, a
rule it rules out is one whose regex finds nothing (``may_match`` is false
only when ``regex.search`` is None)."""
from __future__ import annotations

from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.engine.engine import _pack
from autograder.engine.text import normalise

RULES = _pack().all_rules()
# random CJK (common and rare), full- and half-width punctuation, letters and digits
NOISE = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                  st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
                  st.sampled_from(list("，。？！、；：“”…—～,.!?;: ~\"'您你我他们的了吗呢吧啊哦嗯好请")),
                  st.characters(min_codepoint=0x20, max_codepoint=0x7E))


def _own_characters(rule) -> list[str]:
    return sorted({ch for ex in rule.examples.flag + rule.examples.ok for ch in ex + normalise(ex).text})


@st.composite
def rule_and_text(draw):
    rule = draw(st.sampled_from(RULES))
    own = _own_characters(rule)
    pieces = st.one_of(st.sampled_from(own), NOISE, st.sampled_from(rule.examples.flag + rule.examples.ok))
    return rule, "".join(draw(st.lists(pieces, min_size=1, max_size=12)))


def _agrees(rule, text: str) -> None:
    if rule.regex.search(text) is None:
        return
    grams = {text[i:i + 2] for i in range(len(text) - 1)}
    assert rule.may_match(text), (rule.id, text)
    assert rule.may_match(text, set(text)), (rule.id, text)  # pairs looked up one by one
    assert rule.may_match(text, set(text), grams), (rule.id, text)


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_and_text())
def test_the_prefilter_never_rules_out_a_text_the_regex_matches(drawn):
    rule, raw = drawn
    _agrees(rule, raw)
    _agrees(rule, normalise(raw).text)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_and_text())
def test_on_a_long_answer_the_prefilter_agrees_too(drawn):
    """Past the pair-set limit scanners are cut by first character (``_split_by_first``)."""
    rule, raw = drawn
    text = normalise(raw).text
    pad = "嗯" * 2100
    for long in (pad + text, text + pad):
        if rule.regex.search(long) is not None:
            assert rule.may_match(long, set(long)), (rule.id, raw)


def test_the_property_is_not_empty():
    """The drawn texts do reach the regexes: every rule's flagged examples match."""
    matched = [r for r in RULES if any(r.regex.search(normalise(ex).text) for ex in r.examples.flag)]
    assert len(matched) > len(RULES) // 2
