"""The engine's pre-checks (character pairs, the per-scenario rule index) only
skip work: on any text they agree with plainly running every regex."""
from __future__ import annotations

import random

from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.engine import engine
from autograder.engine.engine import _candidates, _gate, _gate_open, _joined_view, check_normalised
from autograder.engine.text import normalise

PACK = engine._pack()
RULES = PACK.all_rules()
SCENARIOS = list(PACK.scenarios.values())
# text made of the rules' own characters (and their examples), so matches are common
ALPHABET = sorted({ch for r in RULES for ex in r.examples.flag + r.examples.ok for ch in ex} | set("，。？！ 你您我"))
EXAMPLES = [ex for r in RULES for ex in r.examples.flag + r.examples.ok]

texts = st.one_of(
    st.text(alphabet=ALPHABET, min_size=1, max_size=60),
    st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=3).map("，".join),
    st.tuples(st.sampled_from(EXAMPLES), st.randoms()).map(lambda p: _shuffle(*p)),
)


def _shuffle(text: str, rnd: random.Random) -> str:
    chars = list(text)
    i = rnd.randrange(len(chars))
    chars.insert(i, rnd.choice("，我您的了"))
    return "".join(chars)


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_no_scanner_that_matches_is_ever_skipped(raw):
    for view in (normalise(raw).text, normalise(raw).text.replace(",", "")):
        chars, grams = set(view), _pairs(view)
        for rule in RULES:
            for (first, scanner), gate in zip(rule.scanners, rule.gates):
                if scanner.search(view) is None:
                    continue
                assert first is None or not first.isdisjoint(chars), (rule.id, scanner.pattern)
                if gate is not None:
                    assert _gate_open(gate, view, chars, grams), (rule.id, scanner.pattern, view)
                    assert _gate_open(gate, view, chars, None), (rule.id, scanner.pattern, view)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_the_rule_index_keeps_every_rule_that_matches_and_verdicts_agree(raw):
    norm = normalise(raw)
    text = norm.text
    for sc in SCENARIOS:
        maybe = _candidates(sc, set(text), _pairs(text))
        for rule in sc.active + sc.requires:
            if rule.regex.search(text) is not None:
                assert rule.id in maybe, (sc.key, rule.id, text)
        fast = check_normalised(norm, sc)
        assert fast == _reference(norm, sc), (sc.key, raw)


def _reference(norm, sc):
    """The same check with every pre-check switched off: each rule's scanners
    carry no first characters and no gates, so every regex runs."""
    import dataclasses

    def plain(rule):
        return dataclasses.replace(rule, scanners=tuple((None, s) for _, s in rule.scanners),
                                   gates=tuple(None for _ in rule.gates), firsts=None)

    bare = dataclasses.replace(sc, active=tuple(map(plain, sc.active)), requires=tuple(map(plain, sc.requires)),
                               lookup=[])
    return check_normalised(norm, bare)


def test_gates_of_plain_patterns():
    assert _gate("因为[^.!?;]{0,10}您") == (["因为"], [])
    assert _gate("[您你]好") == (["你好", "您好"], [])
    assert _gate("a?b") == ([], ["b"])
    assert _gate(".+") is None
    assert _gate("(?i)ok") is None


def test_a_long_answer_looks_pairs_up_one_by_one_and_agrees():
    norm = normalise("我不知道，您自己上网查，" * 300)
    view = _joined_view(norm)
    assert view is not None and view[1] is None  # over the limit: no pair set
    for sc in SCENARIOS:
        assert check_normalised(norm, sc) == _reference(norm, sc), sc.key


_OLD_REPORTING = __import__("re").compile("(?:说|讲|提到|反映|表示|抱怨)(?![话得的出明清过])[:,]?")


@settings(max_examples=examples(400), deadline=None)
@given(st.text(alphabet="您你户方才前刚直是说讲提到反映表示抱怨话得的出明清过:,客对之一我", max_size=40))
def test_reported_speech_is_found_as_without_the_lookbehind(text):
    from autograder.engine.text import _REPORTER, _REPORTING

    def reported(rx):
        return [m.span() for m in rx.finditer(text) if _REPORTER.search(text, max(0, m.start() - 5), m.start())]

    assert reported(_REPORTING) == reported(_OLD_REPORTING)


def test_a_long_answer_searches_literal_scanners_one_first_character_at_a_time():
    from autograder.engine.engine import _split_by_first

    split = _split_by_first("您好|你好|您早")
    assert [(ch, sc.pattern) for ch, _, sc in split] == [("您", "您好|您早"), ("你", "你好")]
    assert _split_by_first("您好|您早") is None  # one first character: nothing to cut
    assert _split_by_first("[您你]好|请") is None  # not all literal-first
    # every rule, on long answers built from its examples: the split pre-check
    # finds a match exactly when plainly running every scanner does
    pad = "好" * 2100
    for rule in RULES:
        for ex in rule.examples.flag + rule.examples.ok:
            for text in (pad + normalise(ex).text, normalise(ex).text + pad):
                plain = any(sc.search(text) is not None for _, sc in rule.scanners)
                assert rule.may_match(text, set(text)) == plain, (rule.id, ex)
