"""The practice sandbox shows each finding's suggestion (the wording to use instead, per scenario)."""
from __future__ import annotations

import html

from autograder import check
from autograder.engine.engine import Finding, Result, get_scenario
from autograder.widgets.feedback import sandbox_feedback_html


def test_a_forbidden_phrase_shows_the_scenario_suggestion():
    text = "我怎么知道？您别问了。"
    r = check(text, "closing")
    f = next(f for f in r.findings if f.rule == "taboo.question")
    assert f.suggestion
    page = sandbox_feedback_html(r, text)
    assert "可以这样说：" + html.escape(f.suggestion) in page


def test_suggestions_differ_by_scenario_for_the_same_global_rule():
    text = "难道您没收到短信吗？"
    got = {key: next(f.suggestion for f in check(text, key).findings if f.rule == "tone.rhetorical")
           for key in ("closing", "complaint_accept", "mishear")}
    assert len(set(got.values())) == 3


def test_missing_element_shows_the_wording_to_add_and_escapes_it():
    finding = Finding("hold.polite", "missing", "缺少礼貌的请求。", None, "请您<b>稍等</b>", "seed")
    page = sandbox_feedback_html(Result(False, 0.5, [finding], "hold"), "我帮您查一下")
    assert "可以这样说：请您&lt;b&gt;稍等&lt;/b&gt;" in page
    assert "<b>稍等</b>" not in page


def test_a_suggestion_already_quoted_in_the_message_is_not_repeated():
    sc = get_scenario("hold")
    finding = Finding("x.y", "forbidden", f"请说“{sc.suggestion}”。", (0, 1), sc.suggestion, "")
    page = sandbox_feedback_html(Result(False, 0.0, [finding], "hold"), "等着")
    assert "可以这样说" not in page
