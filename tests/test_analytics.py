"""Item analysis, score summaries and rule frequencies on small hand-made data with known answers."""
from __future__ import annotations

import math

import pytest

from autograder.report.analytics import KEY_LESS_POPULAR, NEGATIVE_DISCRIMINATION, UNUSED_DISTRACTOR, CallCheck, Item, RewriteCheck, cronbach_alpha, difficulty_level, discrimination_level, item_analysis, pearson, rule_frequency, summarise

STUDENTS = [f"s{i:02d}" for i in range(1, 11)]


def _scores(**columns: list) -> dict[str, dict[str, float | None]]:
    return {s: {k: v[i] for k, v in columns.items()} for i, s in enumerate(STUDENTS)}


# Ten students, three items.  Totals: 4 4 3 3 2 2 1 0 0 0, so the upper 27 % (3 students)
# are s01–s03 and the lower 27 % are s08–s10.
A = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
B = [1, 1, 0, 1, 0, 1, 0, 0, 0, 0]
C = [2, 2, 2, 1, 1, 1, 1, 0, 0, 0]
ITEMS = [Item("A", "第1题", 1), Item("B", "第2题", 1), Item("C", "第3题", 2)]


def _by_key(stats):
    return {st.item.key: st for st in stats}


def test_difficulty_is_mean_over_full_marks():
    st = _by_key(item_analysis(ITEMS, _scores(A=A, B=B, C=C)))
    assert st["A"].p == pytest.approx(0.5)
    assert st["B"].p == pytest.approx(0.4)
    assert st["C"].mean == pytest.approx(1.0) and st["C"].p == pytest.approx(0.5)
    assert all(s.n == 10 for s in st.values())


def test_discrimination_by_upper_and_lower_27_percent():
    st = _by_key(item_analysis(ITEMS, _scores(A=A, B=B, C=C)))
    assert st["A"].group_size == 3
    assert st["A"].upper_mean == 1 and st["A"].lower_mean == 0
    assert st["A"].discrimination == pytest.approx(1.0)
    assert st["B"].upper_mean == pytest.approx(2 / 3, abs=1e-4)  # s01, s02 right, s03 wrong
    assert st["B"].discrimination == pytest.approx(2 / 3, abs=1e-4)
    assert st["C"].discrimination == pytest.approx(1.0)  # (2 − 0) / 2 full marks


def test_point_biserial_is_item_against_the_rest():
    st = _by_key(item_analysis(ITEMS, _scores(A=A, B=B, C=C)))
    # rest score for A = B + C = 3 3 2 2 1 2 1 0 0 0: r = 4 / sqrt(2.5 × 12.4)
    assert st["A"].point_biserial == pytest.approx(4 / math.sqrt(31), abs=1e-4)
    rest = [b + c for b, c in zip(B, C)]
    assert st["A"].point_biserial == pytest.approx(pearson(A, rest), abs=1e-4)


def test_no_flags_on_healthy_items():
    assert all(not st.flags for st in item_analysis(ITEMS, _scores(A=A, B=B, C=C)))


def test_negative_discrimination_is_flagged():
    good = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    bad = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]  # the weaker students get it right
    items = [Item("g1", "第1题", 1), Item("g2", "第2题", 1), Item("g3", "第3题", 1), Item("bad", "第4题", 1)]
    st = _by_key(item_analysis(items, _scores(g1=good, g2=good, g3=good, bad=bad)))
    assert st["bad"].discrimination == pytest.approx(-1.0)
    assert st["bad"].point_biserial == pytest.approx(-1.0)
    assert [f.code for f in st["bad"].flags] == [NEGATIVE_DISCRIMINATION]
    assert "为负" in st["bad"].flags[0].message
    assert not st["g1"].flags


def _choice_stats(answers, key="B", kind="single", min_responses=10):
    item = Item("q", "第1题", 2, kind, "ABCD", key)
    scores = {s: {"q": 2.0 if a == key else 0.0} for s, a in zip(STUDENTS, answers)}
    return item_analysis([item], scores, {"q": answers}, min_responses=min_responses)[0]


def test_option_counts_blank_and_unreadable():
    st = _choice_stats(["B", "B", "A", "C", "D", "B", "", None, "A", "B"])
    assert st.option_counts == {"A": 2, "B": 4, "C": 1, "D": 1}
    assert (st.answered, st.empty, st.unreadable) == (8, 1, 1)
    assert not st.flags


def test_unused_distractor_is_flagged():
    st = _choice_stats(["B"] * 6 + ["A"] * 2 + ["C"] * 2)
    assert st.option_counts["D"] == 0
    codes = [f.code for f in st.flags]
    assert codes == [UNUSED_DISTRACTOR]
    assert "D" in st.flags[0].message


def test_unused_distractor_needs_enough_answers():
    st = _choice_stats(["B", "B", "A", "C"])  # 4 answers: nobody choosing D means little
    assert UNUSED_DISTRACTOR not in [f.code for f in st.flags]
    st = _choice_stats(["B", "B", "A", "C"], min_responses=4)
    assert UNUSED_DISTRACTOR in [f.code for f in st.flags]


def test_key_chosen_less_than_a_distractor_is_flagged():
    st = _choice_stats(["A"] * 5 + ["B"] * 3 + ["C", "D"])
    assert [f.code for f in st.flags] == [KEY_LESS_POPULAR]
    assert "B" in st.flags[0].message and "A" in st.flags[0].message


def test_multiple_choice_counts_each_letter_and_flags_a_weak_key_letter():
    # key AC: C is chosen by 3, the distractor B by 5
    answers = ["AC", "AB", "AB", "ABC", "A", "AB", "BC", "A", "AD", "A"]
    st = _choice_stats(answers, key="AC", kind="multiple")
    assert st.option_counts == {"A": 9, "B": 5, "C": 3, "D": 1}
    assert [f.code for f in st.flags] == [KEY_LESS_POPULAR]
    assert "C" in st.flags[0].message


def test_missing_scores_are_left_out_not_zero():
    scores = _scores(A=A, B=B, C=C)
    scores["s01"]["A"] = None  # e.g. waiting for a manual grade
    scores["s11"] = {"A": None, "B": None, "C": None}  # submitted nothing
    st = _by_key(item_analysis(ITEMS, scores))
    assert st["A"].n == 9 and st["A"].p == pytest.approx(4 / 9, abs=1e-4)
    assert st["B"].n == 10


def test_degenerate_input_gives_none_not_errors():
    assert item_analysis([], {}) == []
    st = item_analysis([Item("x", "第1题", 0)], {"s1": {"x": 0.0}})[0]
    assert st.p is None and st.discrimination is None and st.point_biserial is None
    st = item_analysis([Item("x", "第1题", 1)], {"s1": {"x": 1.0}, "s2": {"x": 1.0}, "s3": {"x": 1.0}})[0]
    assert st.p == 1 and st.discrimination == 0 and st.point_biserial is None  # no variance
    assert pearson([1, 2], [1, 2]) is None


def test_levels():
    assert [difficulty_level(p) for p in (0.9, 0.5, 0.1, None)] == ["易", "中", "难", ""]
    assert discrimination_level(0.45) == "优" and discrimination_level(0.35) == "良"
    assert discrimination_level(0.25).startswith("尚可") and discrimination_level(0.1).startswith("差")


def test_summary_of_scores():
    s = summarise("第1章", [10, 20, None, 30], 40)
    assert (s.enrolled, s.submitted) == (4, 3)
    assert s.mean == 20 and s.sd == 10 and s.median == 20 and (s.minimum, s.maximum) == (10, 30)
    assert s.score_rate == 0.5
    assert s.pass_rate == pytest.approx(1 / 3, abs=1e-4)  # only 30/40 = 75 % passes
    assert s.excellent_rate == 0
    assert s.bands["中等 70–79"] == 1 and s.bands["不及格 <60"] == 2
    empty = summarise("第2章", [None, None], 40)
    assert empty.submitted == 0 and empty.mean is None


def test_cronbach_alpha():
    # item variances 1/3 and 1/3, total variance 1: alpha = 2 × (1 − 2/3)
    assert cronbach_alpha([[1, 1], [0, 0], [1, 0]]) == pytest.approx(2 / 3, abs=1e-4)
    assert cronbach_alpha([[1, 1]]) is None
    assert cronbach_alpha([[1], [0]]) is None


def test_rule_frequency_counts_answers_phrases_and_examples():
    checks = [
        RewriteCheck("第1章", "s2", "第14题", "你好，你找谁", (("address.ni", "forbidden", "不要用你", (0, 1)),
                                                        ("address.ni", "forbidden", "不要用你", (3, 4)),
                                                        ("opening.identity", "missing", "缺少自报家门", None))),
        RewriteCheck("第1章", "s1", "第14题", "喂，你好", (("address.ni", "forbidden", "不要用你", (2, 3)),
                                                    ("taboo.wei", "forbidden", "不要说喂", (0, 1)))),
        RewriteCheck("第2章", "s1", "第3题", "您好，这里是客服中心", ()),
    ]
    stats, checked = rule_frequency(checks, {"opening.identity": "自报家门"})
    assert checked == 3
    by = {s.rule: s for s in stats}
    assert stats[0].rule == "address.ni"
    assert by["address.ni"].answers == 2  # twice in one answer counts once
    assert by["address.ni"].by_chapter == {"第1章": 2}
    assert by["address.ni"].top_phrases() == [("你", 2)]
    assert by["address.ni"].example == "喂，你好"  # first by (chapter, student)
    assert by["address.ni"].example_student == "s1"
    assert by["opening.identity"].kind == "missing" and by["opening.identity"].label == "自报家门"
    assert by["opening.identity"].phrases == {}
    assert by["taboo.wei"].top_phrases() == [("喂", 1)]


# --------------------------------------------------------------------------- whole calls


def test_turn_items_are_ranked_by_the_given_totals_not_their_own_sum():
    # one turn, scored 0..1; the ranking comes from the chapter totals (the reverse of the turn here)
    turn = [0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1]
    totals = dict(zip(STUDENTS, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]))
    (own,) = item_analysis([Item("T", "第5题·第1句", 1.0, "call_turn")], _scores(T=turn))
    (ranked,) = item_analysis([Item("T", "第5题·第1句", 1.0, "call_turn")], _scores(T=turn), totals=totals)
    assert own.discrimination == pytest.approx(1.0)  # against itself: perfectly "discriminating"
    assert ranked.discrimination == pytest.approx(-1.0)  # against the chapter: strong students fail it
    assert ranked.p == pytest.approx(sum(turn) / 10)
    assert ranked.point_biserial == pytest.approx(pearson(turn, list(totals.values())), abs=1e-4)
    assert any(f.code == NEGATIVE_DISCRIMINATION for f in ranked.flags)
    # a student without a total is left out
    (fewer,) = item_analysis([Item("T", "t", 1.0)], _scores(T=turn), totals={**totals, "s10": None})
    assert fewer.n == 9


def test_a_call_check_feeds_turn_findings_and_call_rules_to_the_rule_statistics():
    call = CallCheck("第1章 电话礼仪", "s01", "电话礼仪·第5题", "ch1/ch1/q5", ("喂，你好。", "", "再见。"),
                     (0.0, 0.0, 0.5), 0.2,
                     (("order.greeting_first", "error", "第1句没有先问候。", 1),
                      ("order.no_early_closing", "warning", "事情没办完就道别。", None)))
    checks = call.rewrite_checks([(("address.wei", "forbidden", "不要说喂", (0, 1)),), (), ()])
    assert [c.question for c in checks] == ["电话礼仪·第5题·第1句", "电话礼仪·第5题·第3句", "电话礼仪·第5题"]
    assert checks[-1].text == "第1句：喂，你好。\n第2句：\n第3句：再见。"
    stats, checked = rule_frequency(checks)
    assert checked == 3
    by_rule = {st.rule: st for st in stats}
    assert by_rule["address.wei"].phrases == {"喂": 1} and by_rule["address.wei"].kind == "forbidden"
    assert by_rule["order.greeting_first"].kind == "call_error"
    assert by_rule["order.greeting_first"].kind_label == "整通电话·必须改"
    assert by_rule["order.no_early_closing"].kind_label == "整通电话·提醒"
    assert by_rule["order.greeting_first"].example_question == "电话礼仪·第5题"
