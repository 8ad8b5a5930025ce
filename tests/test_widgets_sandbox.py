"""Rewrite sandbox: highlighting, feedback HTML, simulated 检查 clicks, the course's sandboxes."""
from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import check
from autograder.engine.engine import Finding, Result, get_scenario, scenarios
from autograder.widgets import load_practice
from autograder.widgets.feedback import highlight_html, sandbox_feedback_html
from autograder.widgets.practice import SandboxItem

COURSE = Path(__file__).resolve().parents[1] / "course"
BOOKS = ["00_index", "ch1_telephone", "ch2_smile", "ch3_complaint", "ch4_price"]
TAG = re.compile(r"<[^>]+>")


def visible(fragment: str) -> str:
    """What a reader sees: tags dropped, entities decoded, [n] markers removed."""
    return html.unescape(re.sub(r"\[\d+\]", "", TAG.sub("", fragment)))


# --------------------------------------------------------------------------- highlighting


def test_highlight_marks_spans_and_numbers_them():
    out = highlight_html("喂，你找谁？", [(0, 1, 1, "forbidden"), (2, 3, 2, "warning")])
    assert out.count("<mark") == 2
    assert re.search(r"<mark[^>]*>喂</mark><sup[^>]*>\[1\]</sup>", out)
    assert re.search(r"<mark[^>]*>你</mark><sup[^>]*>\[2\]</sup>", out)
    assert visible(out) == "喂，你找谁？"


def test_highlight_overlapping_and_out_of_range_spans():
    out = highlight_html("abcdef", [(1, 4, 1, "warning"), (2, 5, 2, "forbidden"), (4, 99, 3, "warning"),
                                    (3, 3, 4, "warning"), (-5, 0, 5, "warning")])
    assert visible(out) == "abcdef"
    assert "[1]" in out and "[2]" in out and "[3]" in out
    assert "[4]" not in out and "[5]" not in out  # empty spans are not marked


def test_highlight_escapes_student_text():
    out = highlight_html("<script>alert('你')</script>", [(15, 16, 1, "forbidden")])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert visible(out) == "<script>alert('你')</script>"


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=40),
       st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45), st.sampled_from(["forbidden", "warning"])),
                max_size=6))
def test_highlight_never_loses_or_alters_text(text, spans):
    marks = [(a, b, i + 1, kind) for i, (a, b, kind) in enumerate(spans)]
    out = highlight_html(text, marks)
    assert "<" not in TAG.sub("", out) and ">" not in TAG.sub("", out)  # all student text escaped
    stripped = re.sub(r"<sup[^>]*>(\[\d+\])+</sup>", "", out)
    assert html.unescape(TAG.sub("", stripped)) == text


# --------------------------------------------------------------------------- feedback HTML


REQS = [("demo.greeting", "问候语"), ("demo.identity", "自报家门"), ("demo.offer", "询问需求")]


def test_feedback_for_a_passing_answer():
    out = sandbox_feedback_html(Result(True, 1.0, [], "demo"), "您好，请问有什么可以帮您？", REQS)
    assert "通过" in out and "未通过" not in out and "100 分" in out
    assert out.count("✔") >= 4  # the verdict and the three requirements


def test_feedback_for_missing_requirements():
    findings = [Finding("demo.identity", "missing", "缺少自报家门：说出公司和工号。", None),
                Finding("casual.filler", "warning", "“嗯”是口头语。", (0, 1))]
    out = sandbox_feedback_html(Result(False, 0.67, findings, "demo"), "嗯，您好，请问有什么可以帮您？", REQS)
    assert "未通过" in out and "67 分" in out and "已做到 2/3 项要求" in out
    assert "✘ 自报家门" in out and "✔ 问候语" in out
    # warnings come before what is missing, and the warning's text is marked with its number
    assert out.index("口头语") < out.index("缺少自报家门")
    assert re.search(r"<mark[^>]*>嗯</mark><sup[^>]*>\[1\]</sup>", out)
    assert "[1] 提醒" in out and "[2] 缺少" in out


def test_feedback_for_a_forbidden_phrase():
    findings = [Finding("demo.greeting", "missing", "缺少问候语。", None),
                Finding("address.wei", "forbidden", "不要用“喂”。", (0, 1))]
    out = sandbox_feedback_html(Result(False, 0.0, findings, "demo"), "喂，找谁？", REQS)
    assert "0 分" in out and "不能说的话" in out
    assert "[1] 不能这样说" in out and "[2] 缺少" in out
    assert re.search(r"<mark[^>]*>喂</mark>", out)


def test_repeated_advice_shares_one_number_in_reading_order():
    findings = [Finding("address.ni", "forbidden", "要用“您”。", (5, 6)),
                Finding("address.ni", "forbidden", "要用“您”。", (2, 3)),
                Finding("address.wei", "forbidden", "不要用“喂”。", (0, 1)),
                Finding("demo.offer", "missing", "缺少询问需求。", None)]
    out = sandbox_feedback_html(Result(False, 0.0, findings, "demo"), "喂，你好，你找谁？", REQS)
    assert re.search(r">喂</mark><sup[^>]*>\[1\]</sup>", out)
    assert len(re.findall(r">你</mark><sup[^>]*>\[2\]</sup>", out)) == 2
    assert out.count("要用“您”") == 1  # said once in the list
    assert "[3] 缺少" in out


def test_feedback_escapes_messages_and_text():
    findings = [Finding("x", "forbidden", "<img src=x onerror=alert(1)>", (0, 3))]
    out = sandbox_feedback_html(Result(False, 0.0, findings, "demo"), "<b>", [])
    assert "<img" not in out and "<b>" not in out.replace("<b>你的说法", "").replace("<b>修改建议", "") \
        .replace("<b>✘", "")


def test_empty_answer_shows_engine_message_without_text_line():
    result = check("", "opening")
    out = sandbox_feedback_html(result, "", [])
    assert "未通过" in out and "你的说法" not in out and "空" in out


# --------------------------------------------------------------------------- the widget, clicks simulated


ITEM = SandboxItem(id="t", scenario="opening", bad="喂，找谁？",
                   model="您好，这里是阳光通信客服中心，我是 1024 号客服小李，请问有什么可以帮您？",
                   hint="问候 + 自报家门 + 询问需求")


def test_sandbox_widget_check_click_fail_then_pass():
    from autograder.widgets import SandboxWidget

    w = SandboxWidget(ITEM)
    assert w.available
    scenario = get_scenario("opening")
    assert scenario.title in w.intro.value and "喂，找谁？" in w.intro.value and "提示" in w.intro.value
    assert w.requirements == [(r.id, r.name) for r in scenario.requires]

    w.text.value = "喂，你找谁？"
    w.check_button.click()
    assert w.result is not None and not w.result.passed
    assert "未通过" in w.feedback.value
    assert re.search(r"<mark[^>]*>喂</mark>", w.feedback.value)  # the offending text, highlighted
    assert re.search(r"<mark[^>]*>你</mark>", w.feedback.value)
    for f in w.result.findings:  # every finding's message (the suggested wording) is shown
        assert html.escape(f.message) in w.feedback.value

    w.text.value = ITEM.model
    w.check_button.click()
    assert w.result.passed
    assert "通过" in w.feedback.value and "未通过" not in w.feedback.value

    w.text.value = ITEM.bad  # unchanged: fails (the engine compares with the original)
    w.check_button.click()
    assert not w.result.passed


def test_sandbox_widget_model_answer_toggle():
    from autograder.widgets import SandboxWidget

    w = SandboxWidget(ITEM)
    assert w.model.value == ""
    w.model_button.click()
    assert "参考说法" in w.model.value and "1024" in w.model.value
    assert w.model_button.description == "收起参考说法"
    w.model_button.click()
    assert w.model.value == "" and w.model_button.description == "看参考说法"


def test_sandbox_widget_with_unknown_scenario_explains_instead_of_crashing():
    from autograder.widgets import SandboxWidget

    w = SandboxWidget(SandboxItem(id="x", scenario="no_such_scenario", bad="喂", model="您好"))
    assert not w.available and w.check_button.disabled
    assert "no_such_scenario" in w.feedback.value and "更新" in w.feedback.value
    w.check_button.click()  # nothing happens, nothing raises
    assert w.result is None


def test_sandbox_is_instant():
    import time

    from autograder.widgets import SandboxWidget

    w = SandboxWidget(ITEM)
    w.text.value = "您好，这里是客服中心，请问有什么可以帮您？"
    w.check_button.click()  # warm-up
    start = time.perf_counter()
    for _ in range(20):
        w.check_button.click()
    assert (time.perf_counter() - start) / 20 < 0.05


# --------------------------------------------------------------------------- the course's own sandboxes


def _course_sandboxes() -> list:
    return [pytest.param(item, id=f"{book}:{item.id}")
            for book in BOOKS for item in load_practice(book, base=COURSE).sandboxes.values()]


@pytest.mark.parametrize("item", _course_sandboxes())
def test_course_sandbox_scenario_model_and_bad(item):
    known = [s.key for s in scenarios()]
    assert item.scenario in known, (
        f"practice sandbox {item.id!r} uses scenario {item.scenario!r}, which the rule engine "
        f"does not have (known: {', '.join(known)})")
    good = check(item.model, item.scenario)
    assert good.passed, (item.model, good.findings)
    bad = check(item.bad, item.scenario)
    assert not bad.passed, (item.bad, "the bad utterance should fail")


@pytest.mark.cli
def test_importing_autograder_stays_light():
    code = ("import sys, autograder, autograder.engine.engine; autograder.check('您好', 'opening'); "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'autograder.widgets', 'autograder.charts', 'autograder.teaching.charts') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.cli
def test_practice_module_does_not_import_ipywidgets():
    code = ("import sys, autograder.widgets.feedback, autograder.widgets.practice; "
            "print('ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
