"""The rule engine (autograder/engine.py): verdicts, scores, spans, robustness."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder import Finding, Result, check
from autograder.engine import engine
from autograder.engine.engine import MAX_HITS_PER_RULE, UnknownScenario, get_scenario, scenarios
from autograder.engine.schema import SchemaError

ROOT = Path(__file__).resolve().parents[1]

# DESIGN.md, "Rewrite checking: scenario catalogue"
from helpers import DESIGN_KEYS, examples  # noqa: E402  (DESIGN.md's scenario keys, in order)
KEYS = [s.key for s in scenarios()]

GOOD_OPENING = "您好，这里是阳光客服中心，工号1025为您服务，请问有什么可以帮您？"


# ------------------------------------------------------------------ catalogue

def test_every_design_scenario_exists_in_order():
    assert KEYS == DESIGN_KEYS


@pytest.mark.parametrize("key", DESIGN_KEYS)
def test_scenario_has_chinese_title_situation_and_requirements(key):
    sc = get_scenario(key)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in sc.title)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in sc.situation)
    assert sc.requires
    assert all(r.kind == "require" and r.name for r in sc.requires)
    # the global families apply everywhere
    active = {r.id for r in sc.active}
    assert {"address.ni", "address.wei", "taboo.shirk", "irritating.calm_down", "casual.filler"} <= active


def test_price_family_applies_to_price_objection_only():
    assert "price.confront" in {r.id for r in get_scenario("price_objection").active}
    assert "price.confront" not in {r.id for r in get_scenario("opening").active}
    assert not any(f.rule.startswith("price.") for f in check("这已经很便宜了", "opening").findings)
    assert "price.confront" in {f.rule for f in check("这已经很便宜了", "price_objection").findings}


def test_unknown_scenario_lists_valid_keys():
    with pytest.raises(UnknownScenario) as err:
        check("您好", "no_such_scenario")
    assert isinstance(err.value, KeyError)
    text = str(err.value)
    assert "no_such_scenario" in text
    for key in DESIGN_KEYS:
        assert key in text
    assert err.value.valid == DESIGN_KEYS


# ------------------------------------------------------------------ verdicts and scores

def test_good_answer_passes_with_full_score():
    r = check(GOOD_OPENING, "opening")
    assert isinstance(r, Result)
    assert r.passed is True and r.score == 1.0 and r.findings == []
    assert r.scenario == "opening"


def test_score_is_share_of_requirements_met():
    r = check("您好", "opening")  # greeting only: identity and offer missing
    assert r.passed is False
    assert r.score == pytest.approx(1 / 3, abs=1e-3)
    assert {f.rule for f in r.findings} == {"opening.identity", "opening.offer"}
    assert all(f.kind == "missing" and f.span is None for f in r.findings)
    r2 = check("您好，这里是客服中心", "opening")
    assert r2.score == pytest.approx(2 / 3, abs=1e-3) and not r2.passed


def test_error_level_prohibition_zeroes_the_score():
    r = check("喂，" + GOOD_OPENING, "opening")
    assert r.passed is False and r.score == 0.0
    assert [f.rule for f in r.findings] == ["address.wei"]
    assert r.findings[0].kind == "forbidden"


def test_warnings_are_reported_but_do_not_fail():
    r = check("好的好的，" + GOOD_OPENING, "opening")
    assert r.passed is True and r.score == 1.0
    assert [(f.rule, f.kind) for f in r.findings] == [("casual.words", "warning")]


def test_missing_and_forbidden_together():
    r = check("你好", "opening")
    kinds = {(f.rule, f.kind) for f in r.findings}
    assert ("address.ni", "forbidden") in kinds and ("opening.identity", "missing") in kinds
    assert r.score == 0.0


def test_filler_count_escalates_to_an_error_after_three():
    three = "嗯，您好，那个，这里是客服中心，就是说，请问有什么可以帮您？"
    r3 = check(three, "opening")
    assert r3.passed and r3.score == 1.0
    assert [f.rule for f in r3.findings] == ["casual.filler"] * 3
    four = "嗯，您好，那个，这里是客服中心，就是说，然后，请问有什么可以帮您？"
    r4 = check(four, "opening")
    assert not r4.passed and r4.score == 0.0
    (count,) = [f for f in r4.findings if f.rule == "casual.filler_count"]
    assert count.kind == "forbidden"
    assert "4次" in count.message and "3次" in count.message
    assert four[count.span[0]:count.span[1]] == "然后"  # the first filler over the limit


def test_demonstratives_and_real_sequences_are_not_fillers():
    r = check("您好，这个问题我先帮您登记，然后请同事给您回电，那个订单也一并处理。这里是客服中心，请问还有什么可以帮您？",
              "opening")
    assert not [f for f in r.findings if f.rule.startswith("casual.")]


def test_findings_are_reported_once_per_occurrence_up_to_a_limit():
    r = check("你" * 50 + "好", "opening")
    assert sum(f.rule == "address.ni" for f in r.findings) == MAX_HITS_PER_RULE


# ------------------------------------------------------------------ empty, non-Chinese, unchanged

@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000"])
def test_empty_answer_fails_with_a_message(text):
    r = check(text, "closing")
    assert not r.passed and r.score == 0.0
    assert [f.rule for f in r.findings] == ["answer.empty"]
    assert "空" in r.findings[0].message


@pytest.mark.parametrize("text", ["Hello, how can I help you?", "12345", "？？？。。。", "OK!", "😀😀"])
def test_answer_without_chinese_fails(text):
    r = check(text, "opening")
    assert not r.passed and r.score == 0.0
    assert [f.rule for f in r.findings] == ["answer.not_chinese"]
    assert "中文" in r.findings[0].message


def test_unchanged_answer_fails_even_if_reformatted():
    bad = "喂，你找谁？"
    for same in [bad, "喂, 你找谁?", "喂，妳找誰？ "]:
        r = check(same, "opening", original=bad)
        assert not r.passed and r.score == 0.0
        assert "answer.unchanged" in [f.rule for f in r.findings]
        assert "原句" in next(f.message for f in r.findings if f.rule == "answer.unchanged")
    # a real rewrite of the same bad utterance is judged on its own merits
    assert check(GOOD_OPENING, "opening", original=bad).passed


# ------------------------------------------------------------------ spans and messages

def test_spans_quote_the_original_text():
    text = "喂，妳好！請問　你找誰？"
    r = check(text, "opening")
    quoted = {f.rule: [] for f in r.findings}
    for f in r.findings:
        if f.span is not None:
            a, b = f.span
            quoted[f.rule].append(text[a:b])
            assert text[a:b] in f.message  # the message quotes what the student typed
    assert quoted["address.wei"] == ["喂"]
    assert quoted["address.ni"] == ["妳", "你"]


def test_findings_follow_the_text_then_list_what_is_missing():
    r = check("你好，喂，我不知道", "opening")
    spans = [f.span for f in r.findings if f.span is not None]
    assert spans == sorted(spans) and len(spans) == 3
    kinds = [f.kind for f in r.findings]
    assert kinds.index("missing") > max(i for i, k in enumerate(kinds) if k != "missing")


def test_span_of_a_phrase_with_spaces_and_full_width_punctuation():
    text = "不好意思，我 不 清 楚。"
    r = check(text, "cannot_answer_now")
    (f,) = [f for f in r.findings if f.rule == "taboo.shirk"]
    assert text[f.span[0]:f.span[1]] == "我 不 清 楚"
    assert "“我 不 清 楚”" in f.message


def test_message_placeholders_are_not_taken_from_student_text():
    from autograder.engine.engine import _fill

    assert _fill("“{match}”用了{count}次，最多{max}次", "{count}{max}", 5, 3) == "“{count}{max}”用了5次，最多3次"
    assert _fill("不要说“{match}”", "{match}") == "不要说“{match}”"


def test_result_to_dict_shape():
    r = check("喂，你好", "opening")
    d = r.to_dict()
    assert set(d) == {"passed", "score", "findings"}
    json.dumps(d, ensure_ascii=False)
    for f in d["findings"]:
        assert set(f) == {"rule", "kind", "message", "span", "suggestion", "source"}
        assert f["span"] is None or (isinstance(f["span"], list) and len(f["span"]) == 2)
    assert isinstance(r.findings[0], Finding) and r.findings[0] == tuple(r.findings[0])


# ------------------------------------------------------------------ types and robustness

@pytest.mark.parametrize("bad", [None, 42, b"\xe4\xbd\xa0\xe5\xa5\xbd", ["您好"], {"text": "您好"}])
def test_non_str_answer_raises_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        check(bad, "opening")


def test_non_str_original_raises_type_error():
    with pytest.raises(TypeError, match="original"):
        check("您好", "opening", original=123)


@pytest.mark.slow
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), key=st.sampled_from(DESIGN_KEYS))
def test_no_string_crashes_check(text, key):
    r = check(text, key)
    assert 0.0 <= r.score <= 1.0
    assert isinstance(r.passed, bool)
    assert not r.passed or r.score == 1.0
    for f in r.findings:
        assert f.kind in ("missing", "forbidden", "warning")
        if f.span is not None:
            a, b = f.span
            assert 0 <= a <= b <= len(text)


CHUNKS = ["您好", "你", "喂", "，", "。", "？", "！", "……", " ", "\u3000", "我不知道", "不知道您方便吗", "這裡是",
          "客服中心", "工号３５７", "请问有什么可以帮您", "嗯", "那个", "然后", "没办法", "想办法", "迷你", "请您稍等",
          "让您久等了", "两个工作日内", "对不起", "再见", "ｶﾞ", "\ud800", "a", "Z", "{match}", "\\", "("]


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(CHUNKS), max_size=40), key=st.sampled_from(DESIGN_KEYS))
def test_no_mix_of_service_phrases_crashes_check(parts, key):
    text = "".join(parts)
    r = check(text, key)
    assert 0.0 <= r.score <= 1.0
    for f in r.findings:
        if f.span is not None:
            a, b = f.span
            assert 0 <= a < b <= len(text), (text, f)


def test_hundred_thousand_characters_are_judged_correctly():
    sentence = "您好，这里是阳光客服中心，工号1025为您服务，请问有什么可以帮您？"
    long_good = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    long_good = long_good[: long_good.rindex("？") + 1]
    r = check(long_good, "opening", max_length=None)  # the engine itself, without the length cap
    assert {f.rule for f in r.findings} == {"answer.too_long"}  # far longer than a turn, nothing else
    assert all(not req.startswith("opening.") for req in (f.rule for f in r.findings))
    tail = "我不知道！"
    long_bad = long_good + tail
    r = check(long_bad, "opening", max_length=None)
    assert not r.passed and r.score == 0.0
    (f,) = [f for f in r.findings if f.rule == "taboo.shirk"]
    assert long_bad[f.span[0]:f.span[1]] == "我不知道"
    assert f.span[0] == len(long_good)


@pytest.mark.parametrize("text, rule, expected_hits", [
    ("你" * 100_000, "address.ni", MAX_HITS_PER_RULE),
    ("迷你" * 50_000, "address.ni", 0),
    ("……" * 50_000, "address.ni", 0),
])
def test_pathological_long_inputs(text, rule, expected_hits):
    r = check(text, "opening", max_length=None)
    assert sum(f.rule == rule for f in r.findings) == expected_hits
    assert 0.0 <= r.score <= 1.0


def test_filler_count_on_a_long_answer_counts_them_all():
    text = "您好，嗯，" * 20_000
    r = check(text, "opening", max_length=None)
    (f,) = [f for f in r.findings if f.rule == "casual.filler_count"]
    assert f.span == (18, 19)  # the fourth 嗯: the first one over the limit of three
    assert "20000" in f.message


@pytest.mark.parametrize("key", [s.key for s in engine.scenarios()])
def test_an_answer_over_the_length_cap_fails_before_the_engine_runs(key):
    good = engine.get_scenario(key).suggestion or "您好"
    r = check(good + "好" * engine.MAX_ANSWER_CHARS, key)
    assert not r.passed and r.score == 0.0
    assert [f.rule for f in r.findings] == ["answer.over_limit"]
    assert str(engine.MAX_ANSWER_CHARS) in r.findings[0].message


# ------------------------------------------------------------------ light import and the load cache

@pytest.mark.cli
def test_import_stays_light():
    code = ("import sys; from autograder import check; check('您好', 'opening'); "
            "heavy = [m for m in ('nbgrader', 'pandas', 'matplotlib', 'ipywidgets', 'numpy', 'traitlets') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"`from autograder import check` imported: {out.stdout.strip()}"


@pytest.mark.slow
def test_lazy_runtime_load_behaves_like_the_strict_load():
    lazy = engine._build_pack(engine.pack_spec(engine.RULES_DIR, strict=False))
    strict = engine.load_pack()
    for sample in ["喂，你好，我不知道", GOOD_OPENING, "嗯嗯，那个，就是说，然后，您好", "这已经很便宜了"]:
        for key in ("opening", "price_objection"):
            results = [engine.check_normalised(engine.normalise(sample), p.scenarios[key]) for p in (lazy, strict)]
            assert results[0] == results[1]


def test_first_check_compiles_only_the_rules_it_needs():
    pack = engine._build_pack(engine.pack_spec(engine.RULES_DIR, strict=False))
    engine.check_normalised(engine.normalise(GOOD_OPENING), pack.scenarios["opening"])
    patterns = [p for r in pack.all_rules() for p in [r.regex] + [s for _, s in r.scanners]]
    compiled = sum(p._rx is not None for p in patterns)
    assert 0 < compiled < len(patterns) // 3


def test_a_bad_regex_in_a_lazily_loaded_pack_names_its_file_and_rule(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(engine.RULES_DIR, rules)
    with open(rules / "address.yaml", "a", encoding="utf-8") as f:
        f.write("""
  - id: address.broken
    patterns: ['您(好']
    message: “{match}”
    examples: {flag: ['您(好'], ok: ['先生']}
""")
    pack = engine._build_pack(engine.pack_spec(rules, strict=False))
    with pytest.raises(SchemaError, match=r"address.yaml: address.broken: pattern .* does not compile"):
        engine.check_normalised(engine.normalise("您好"), pack.scenarios["opening"])
    with pytest.raises(SchemaError, match=r"address.yaml: address.broken: pattern 1 .* does not compile"):
        engine.load_pack(rules)

# ------------------------------------------------------------------ second generation: structured findings

def _rules(r):
    return {f.rule for f in r.findings}


@pytest.mark.parametrize("text, key", [
    ("您说“你们的快递三天都没动静”，非常抱歉，我马上派人处理，今天下午五点前给您回复。", "complaint_accept"),
    ("您反映的“这事不归你们管”的说法是不对的，非常抱歉，我马上派人处理，今天下午五点前给您回复。", "complaint_accept"),
    ("我绝不会跟您说“不关我的事”。您的问题我需要向相关部门核实，请您留下联系电话，我们两小时内回复您。",
     "cannot_answer_now"),
])
def test_quoted_and_negated_mentions_are_not_the_agents_words(text, key):
    r = check(text, key)
    assert r.passed, r.findings
    assert not {f for f in _rules(r) if f.startswith(("address.", "taboo."))}


def test_a_taboo_the_agent_does_say_in_quotes_still_counts():
    r = check("我只能说“没办法”。", "cannot_answer_now")
    assert "taboo.arrogant" in _rules(r) and r.score == 0.0


def test_a_commitment_made_by_someone_else_is_not_the_agents():
    theirs = check("非常抱歉，他们一般24小时内会处理。", "complaint_accept")
    assert {"complaint_accept.action", "complaint_accept.deadline"} <= _rules(theirs)
    ours = check("非常抱歉，我会督促他们在24小时内处理。", "complaint_accept")
    assert ours.passed


def test_order_constraint_fails_a_pitch_before_asking_if_it_is_convenient():
    late = check("您好，我是电信公司的小李，请问是王先生吗？我们推出了一款新套餐，请问您现在方便吗？", "outbound_opening")
    assert not late.passed
    (f,) = [f for f in late.findings if f.rule == "outbound_opening.order_pitch"]
    assert f.kind == "forbidden" and f.span is not None and f.suggestion
    early = check("您好，我是电信公司的小李，请问是王先生吗？请问您现在方便接听电话吗？想给您介绍一款新套餐。",
                  "outbound_opening")
    assert early.passed


@pytest.mark.parametrize("text, key, typed, intended", [
    ("让您就等了，您的订单明天送达。", "resume_after_hold", "就等", "久等"),
    ("请问您还有其他问题吗？感谢您的来电，再建！", "closing", "再建", "再见"),
    ("我帮您查询一下，请您稍后。", "hold", "稍后", "稍候"),
])
def test_a_typing_slip_of_a_required_phrase_passes_with_a_warning_naming_it(text, key, typed, intended):
    r = check(text, key)
    assert r.passed and r.score == 1.0
    (f,) = [f for f in r.findings if f.rule == "answer.typo"]
    assert f.kind == "warning" and f.suggestion == intended
    a, b = f.span
    assert text[a:b] == typed


def test_one_finding_per_stretch_and_the_whole_phrase_quoted():
    r = check("别催，我正在查呢。", "hold")
    spans = [f.span for f in r.findings if f.span is not None]
    assert len(spans) == len(set(spans))
    assert "hold.command" in _rules(r)  # the specific rule wins over the general tone marker
    q = check("你好，请问有什么可以帮你？", "opening")
    first = next(f for f in q.findings if f.rule == "address.ni")
    assert "“你好”" in first.message  # the phrase, not the lone character


def test_suggestions_are_chosen_per_scenario_and_sources_come_from_the_rule_data():
    text = "我不知道。"
    a = next(f for f in check(text, "closing").findings if f.rule == "taboo.shirk")
    b = next(f for f in check(text, "cannot_answer_now").findings if f.rule == "taboo.shirk")
    assert a.suggestion and b.suggestion and a.suggestion != b.suggestion
    assert a.source == next(r for r in engine.rules() if r.id == "taboo.shirk").source


@pytest.mark.parametrize("key", [s.key for s in engine.scenarios()])
def test_every_missing_finding_carries_a_suggestion(key):
    r = check("好的。", key)
    missing = [f for f in r.findings if f.kind == "missing"]
    assert missing and all(f.suggestion for f in missing)


@pytest.mark.parametrize("text, key, rule", [
    ("这么简单的操作您还要打电话问？我帮您查一下，请您稍等。", "hold", "tone.condescending"),
    ("您该不会是故意弄坏的吧？请您提供相关凭证，我们核实后按规定处理。", "compensation_claim", "tone.insinuate"),
    ("非常抱歉，这是因为您提供的地址不对，我马上派人处理，今天下午五点前回复您。", "complaint_accept",
     "tone.blame_customer"),
    ("非常抱歉，这是快递公司的责任，建议您直接联系他们。", "complaint_accept", "tone.blame_others"),
    ("这个价格已经很良心了，品质很好。", "price_objection", "price.confront"),
    ("Sorry，让您久等了，您的订单明天送达。", "resume_after_hold", "casual.english"),
])
def test_rude_answers_fail_for_their_tone_even_when_every_element_is_present(text, key, rule):
    r = check(text, key)
    assert not r.passed and r.score == 0.0
    assert rule in {f.rule for f in r.findings if f.kind == "forbidden"}
