"""Piece gates (autograder.engine.needles): every needle set they give must
occur in every match, and they must be sharper than one set per scanner."""
from __future__ import annotations

import re

import pytest

from autograder.engine import rules
from autograder.engine.needles import _piece_gates
from autograder.engine.prefilter import _top_level_split


def _open(gates, text: str) -> bool:
    grams = {text[i:i + 2] for i in range(len(text) - 1)}
    return all(set(singles) & set(text) or {pairs[i:i + 2] for i in range(0, len(pairs), 2)} & grams
               for pairs, singles in gates)


def test_every_set_of_a_piece_is_required():
    [(first, gates)] = _piece_gates("您(?:还是|到底)?(?:不|没)(?:明白|懂)")
    assert first == "您"
    # 您 alone no longer opens it: 明白/懂 must occur too
    assert not _open(gates, "您好,请问有什么可以帮您?")
    assert _open(gates, "您没明白")


def test_literals_join_across_lookbehinds_and_fixed_repeats():
    [_, (first, gates)] = _piece_gates("哎|好(?<!\\w[行对])[行对]{2}")
    assert first == "好"
    assert gates == (("好对好行", ""),)


def test_a_single_piece_with_one_needle_set_adds_nothing_to_the_scanner_gate():
    assert _piece_gates("稍等(?:一下)?") is None


def test_one_entry_per_top_level_alternative_and_none_when_case_insensitive():
    assert len(_piece_gates("甲乙|丙(?:丁|戊)|己")) == 3
    assert _piece_gates("(?i)ok|好的") is None


@pytest.mark.parametrize("rule", [r for r in rules() if r.examples.flag][:400], ids=lambda r: r.id)
def test_gates_are_open_on_every_match_of_the_rule_examples(rule):
    # soundness: a piece that matches an example has all its needle sets present
    for _first, scanner in rule.scanners:
        pieces = _piece_gates(scanner.pattern)
        if pieces is None:  # the scanner's own gate (tested in test_prefilter)
            continue
        for piece, (first, gates) in zip(_top_level_split(scanner.pattern), pieces):
            for text in rule.examples.flag + rule.examples.ok:
                for m in re.finditer(piece, text.replace("，", ",").replace("。", ".")):
                    assert first is None or m.group()[:1] in first
                    assert _open(gates, m.group()), (piece, m.group())
