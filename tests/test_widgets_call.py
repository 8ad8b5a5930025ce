"""Call sandbox: practice data, walkthrough HTML, simulated clicks, the course's call sandboxes."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import check_call
from autograder.engine.schema import SchemaError
from autograder.widgets import load_practice
from autograder.widgets.callreport import call_feedback_html, phase_title, safe_html

COURSE = Path(__file__).resolve().parents[1] / "course"
CHAPTERS = ["ch1_telephone", "ch2_smile", "ch3_complaint", "ch4_price"]
TAG = re.compile(r"<[^>]+>")


def course_calls() -> list:
    return [item for ch in CHAPTERS for item in load_practice(ch, base=COURSE).calls.values()]


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"\[\d+\]", "", TAG.sub("", fragment)))


# --------------------------------------------------------------------------- the practice data


def test_every_chapter_has_a_call_sandbox_with_a_model_for_each_agent_turn():
    for ch in CHAPTERS:
        book = load_practice(ch, base=COURSE)
        assert book.calls, ch
        for item in book.calls.values():
            assert len(item.model_call) == len(item.agent_turns) >= 3
            assert [t.number for t in item.agent_turns] == list(range(1, len(item.agent_turns) + 1))
            assert item.spec["turns"] and item.spec["direction"] == item.direction


def test_course_call_sandboxes_open_their_direction_properly():
    for item in course_calls():
        first = item.agent_turns[0].phase
        assert first == ("outbound_opening" if item.direction == "outbound" else "opening"), item.id
        assert item.agent_turns[-1].phase == "closing", item.id


def _write(tmp_path: Path, calls_yaml: str) -> Path:
    base = tmp_path / "course"
    (base / "practice").mkdir(parents=True)
    (base / "practice" / "chx.yaml").write_text(
        "chapter: chx\ntitle: 测试\n"
        "quizzes:\n  - id: q\n    title: 小测\n    questions:\n"
        "      - {id: q1, type: single, stem: 题, options: {A: 甲, B: 乙, C: 丙}, key: A, explanation: 因为甲。}\n"
        "sandboxes:\n  - {id: s, scenario: opening, bad: 喂, model: 您好}\n" + calls_yaml, encoding="utf-8")
    return base


GOOD_CALL = """calls:
  - id: c
    title: 通话
    direction: inbound
    situation: 客户来电。
    turns:
      - customer: （电话铃响）
      - agent: opening
      - customer: [我想查话费。, 我想问问话费。]
      - agent: closing
        hint: 道别
    model_call: [您好，请问有什么可以帮您？, 感谢您的来电，再见！]
"""


def test_a_call_item_loads_into_the_bank_shape(tmp_path):
    book = load_practice("chx", base=_write(tmp_path, GOOD_CALL))
    item = book.get_call("c")
    assert item.phases() == ["opening", "closing"]
    assert item.turns[2].customer == "我想查话费。"  # the first variant is shown
    assert item.spec["turns"][2] == {"customer": ["我想查话费。", "我想问问话费。"]}
    assert item.spec["turns"][3] == {"agent": "closing", "hint": "道别"}
    assert "1 个通话练习" in repr(book)
    with pytest.raises(KeyError, match="通话练习"):
        book.get_call("nope")


@pytest.mark.parametrize("change, message", [
    (("model_call: [您好，请问有什么可以帮您？, 感谢您的来电，再见！]", "model_call: [您好]"),
     "model_call has 1 lines but the call has 2 agent turns"),
    (("direction: inbound", "direction: sideways"), "direction must be one of inbound, outbound"),
    (("      - customer: （电话铃响）", "      - {customer: 喂, agent: opening}"), "either 'customer' or 'agent'"),
    (("      - agent: closing\n        hint: 道别", "      - agent: closing\n        tip: 道别"), "unknown field"),
    (("    situation: 客户来电。\n", ""), "missing field 'situation'"),
])
def test_bad_call_items_name_the_file_and_the_item(tmp_path, change, message):
    base = _write(tmp_path, GOOD_CALL.replace(*change))
    with pytest.raises(SchemaError) as err:
        load_practice("chx", base=base)
    assert "chx.yaml: c:" in str(err.value) and message in str(err.value)


# --------------------------------------------------------------------------- the course's calls, judged


@pytest.mark.parametrize("item", course_calls(), ids=lambda i: i.id)
def test_model_call_scores_full_marks(item):
    result = check_call(list(item.model_call), item.spec)
    assert result.passed and result.score == pytest.approx(1.0), result.walkthrough()
    assert not result.findings


@pytest.mark.parametrize("item", course_calls(), ids=lambda i: i.id)
def test_an_empty_turn_scores_zero_and_the_rest_is_still_judged(item):
    lines = list(item.model_call)
    lines[1] = ""
    result = check_call(lines, item.spec)
    assert result.turns[1].score == 0 and result.turns[1].result is None
    assert all(t.score == pytest.approx(1.0) for i, t in enumerate(result.turns) if i != 1)
    assert result.score < 1.0
    out = call_feedback_html(result)
    assert "第2句" in out and "没有写" in out and "有 1 句没有写" in out


@pytest.mark.parametrize("item", course_calls(), ids=lambda i: i.id)
def test_a_rude_turn_fails_that_turn(item):
    lines = list(item.model_call)
    lines[0] = "喂，" + lines[0].replace("您", "你")
    result = check_call(lines, item.spec)
    assert result.turns[0].score < 1.0 and not result.passed
    out = call_feedback_html(result)
    assert re.search(r"<mark[^>]*>喂</mark>", out)


@pytest.mark.parametrize("item", course_calls(), ids=lambda i: i.id)
def test_closing_too_early_is_a_call_level_finding(item):
    """Every turn can be fine alone; said in the wrong order the call fails as a call."""
    lines = list(item.model_call)
    lines[-1], lines[-2] = lines[-2], lines[-1]
    result = check_call(lines, item.spec)
    assert not result.passed
    early = [f for f in result.findings if f.rule == "order.no_early_closing"]
    assert early and early[0].turn == len(lines) - 1
    out = call_feedback_html(result)
    call_part = out[out.index("整通电话</b>"):]
    assert html.escape(early[0].message) in call_part and f"（第{len(lines) - 1}句）" in call_part
    assert "必须改" in call_part


# --------------------------------------------------------------------------- walkthrough HTML


def test_walkthrough_shows_every_turn_then_the_call_findings():
    item = course_calls()[2]  # the complaint call: six agent turns
    lines = list(item.model_call)
    lines[2] = "等着。"
    result = check_call(lines, item.spec)
    out = call_feedback_html(result)
    positions = [out.index(f"第{n}句") for n in range(1, len(lines) + 1)]
    assert positions == sorted(positions)
    assert out.index("逐句点评") < positions[0] and out.index("整通电话</b>") > positions[-1]
    assert phase_title("hold") in out and phase_title("free").startswith("自由应答")
    for verdict in result.turns:
        assert f"{round(verdict.score * 100)} 分" in out
        for f in (verdict.result.findings if verdict.result else ()):
            assert html.escape(f.message) in out
    for f in result.findings:
        assert html.escape(f.message) in out


def test_student_text_is_escaped_and_the_html_is_sanitised():
    item = course_calls()[0]
    lines = list(item.model_call)
    lines[1] = '<img src=x onerror=alert(1)><script>alert("你")</script>'
    out = call_feedback_html(check_call(lines, item.spec))
    assert "<img" not in out and "<script" not in out and "onerror=alert" not in visible(out).replace(lines[1], "")
    assert lines[1] in visible(out)  # shown as text, not lost


def test_safe_html_keeps_only_known_tags_and_styles():
    out = safe_html('<div style="color:red;position:fixed" onclick="x()">a<script>b</script>'
                    '<a href="javascript:y()">c</a><mark>d</mark></div>')
    assert out == '<div style="color:red">ac<mark>d</mark></div>'


TYPED = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=30)


@pytest.mark.slow
@settings(max_examples=examples(150), deadline=None)
@given(TYPED)
def test_any_typed_turn_is_shown_as_typed(text):
    """Whatever a student types (tags, entities, quotes) comes back as the same visible text, never as markup."""
    item = course_calls()[0]
    lines = list(item.model_call)
    lines[1] = text
    out = call_feedback_html(check_call(lines, item.spec))
    shown = re.search(r"第2句.*?你写的：(.*?)</div>", out, re.S)
    if text.strip():
        assert shown and visible(shown.group(1)) == re.sub(r"\[\d+\]", "", text)
    else:
        assert "没有写" in out


# --------------------------------------------------------------------------- the widget, clicks simulated


def test_widget_shows_customer_lines_and_one_box_per_agent_turn():
    item = load_practice("ch2_smile", base=COURSE).calls["call_plan_change"]
    w = load_practice("ch2_smile", base=COURSE).call("call_plan_change")
    assert len(w.boxes) == len(item.agent_turns)
    shown = "".join(getattr(c, "value", "") for c in w.children if hasattr(c, "value") and isinstance(c.value, str))
    for t in item.turns:
        assert html.escape(t.customer or t.hint) in shown
    assert item.situation in w.intro.value and "通话练习" in w.intro.value


def test_widget_check_then_model_call():
    from autograder.widgets import CallSandboxWidget

    item = load_practice("ch3_complaint", base=COURSE).calls["call_missed_repair"]
    w = CallSandboxWidget(item)
    w.model_button.click()  # before any try: no model call, a word on why
    assert "先自己写一遍" in w.model.value and item.model_call[0] not in w.model.value

    w.fill(["喂，你好。"] + [""] * (len(w.boxes) - 1))
    w.check_button.click()
    assert w.result is not None and not w.result.passed
    assert "还没有通过" in w.feedback.value and f"有 {len(w.boxes) - 1} 句没有写" in w.feedback.value

    w.model_button.click()
    assert "参考通话" in w.model.value and html.escape(item.model_call[-1]) in w.model.value
    assert html.escape(item.turns[2].customer) in w.model.value
    assert w.model_button.description == "收起参考通话"

    w.fill(item.model_call)
    w.check_button.click()
    assert w.result.passed and "整通电话通过" in w.feedback.value
    assert w.model.value  # stays open
    w.model_button.click()
    assert w.model.value == "" and w.model_button.description == "看参考通话"


def test_widget_with_an_unknown_phase_explains_instead_of_crashing(tmp_path):
    base = _write(tmp_path, GOOD_CALL.replace("agent: closing", "agent: no_such_phase"))
    w = load_practice("chx", base=base).call("c")
    w.fill(["您好，请问有什么可以帮您？", "再见！"])
    w.check_button.click()
    assert w.result is None and "暂时无法检查" in w.feedback.value
    w.model_button.click()
    assert "先自己写一遍" in w.model.value


def test_practice_calls_do_not_give_away_the_graded_calls():
    """The model calls students see in the course are not the bank's keys."""
    from autograder.questionbank.load import load_bank

    bank = [q for ch in load_bank(COURSE.parent / "exercises" / "bank") for q in ch.questions
            if q.type == "call"]
    keys = {line for q in bank for line in q.call.model_call}
    situations = {q.text for q in bank}
    for item in course_calls():
        assert not keys & set(item.model_call), item.id
        assert item.situation not in situations, item.id
