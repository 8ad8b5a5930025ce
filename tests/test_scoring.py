"""The four multiple-choice presets and single-choice scoring."""
from __future__ import annotations

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.grading.scoring import POLICIES, score_multiple, score_single

KEY = frozenset("ABD")
F = frozenset


def test_single():
    assert score_single(F("C"), "C", 2).points == 2
    assert score_single(F("B"), "C", 2).points == 0
    assert score_single(F("B"), "C", 2).verdict == "wrong"


@pytest.mark.parametrize("policy, chosen, points", [
    ("all_or_nothing", "ABD", 4), ("all_or_nothing", "AB", 0), ("all_or_nothing", "ABDE", 0),
    ("subset_partial", "ABD", 4), ("subset_partial", "AB", 2.67), ("subset_partial", "A", 1.33),
    ("subset_partial", "ABC", 0), ("subset_partial", "C", 0), ("subset_partial", "ABCDE", 0),
    ("subset_fixed", "ABD", 4), ("subset_fixed", "A", 1.6), ("subset_fixed", "AB", 1.6), ("subset_fixed", "ABE", 0),
    # net_correct over A–E: key ABD (k=3), others CE (m=2): +1/3 each right, -1/2 each wrong
    ("net_correct", "ABD", 4), ("net_correct", "AB", 2.67), ("net_correct", "ABDC", 2.0),
    ("net_correct", "AC", 0), ("net_correct", "CE", 0), ("net_correct", "ABCDE", 0),
])
def test_presets(policy, chosen, points):
    mark = score_multiple(F(chosen), KEY, 4, policy=policy, options="ABCDE")
    assert mark.points == points


def test_subset_fixed_share_is_configurable():
    # 新高考: 6 points, a correct subset earns 2 of 6 → share 1/3
    assert score_multiple(F("A"), KEY, 6, policy="subset_fixed", partial=1 / 3).points == 2.0


def test_unknown_policy():
    with pytest.raises(ValueError, match="unknown scoring policy"):
        score_multiple(F("A"), KEY, 4, policy="generous")


key_sets = st.sets(st.sampled_from("ABCDE"), min_size=2, max_size=4).map(frozenset)
choices = st.sets(st.sampled_from("ABCDE"), min_size=1).map(frozenset)


@pytest.mark.slow
@settings(max_examples=examples(400), deadline=None)
@given(key_sets, choices, st.sampled_from(POLICIES), st.sampled_from([1, 2, 3, 4, 5]))
def test_property_presets(key, chosen, policy, points):
    mark = score_multiple(chosen, key, points, policy=policy, options="ABCDE")
    assert 0 <= mark.points <= points
    if chosen == key:
        assert mark.points == points and mark.verdict == "correct"
    else:
        assert mark.points < points
    if chosen - key and policy != "net_correct":
        assert mark.points == 0  # 错选不得分
    if policy == "subset_partial" and chosen < key:
        assert mark.points == round(points * len(chosen) / len(key), 2)
    if policy == "all_or_nothing":
        assert mark.points in (0, points)
    # a superset of a subset never scores more under the subset presets
    if policy in ("subset_partial", "subset_fixed") and chosen < key:
        assert mark.points >= score_multiple(chosen | (F("ABCDE") - key), key, points, policy=policy).points
