"""Call-level rules (autograder/engine/callrules.py, autograder/engine/rules/calls.yaml): every
rule's example calls, the schema, messages that name the turn, linear time."""
from __future__ import annotations

import shutil

import pytest
import yaml

from autograder import check_call
from autograder.engine.callrules import CALLS_FILE, KINDS, WHYS, call_rules, example_call, load_call_rules
from autograder.engine.schema import SchemaError

RULES = call_rules().rules
EXAMPLES = [(r.id, which, i, ex) for r in RULES for which in ("bad", "good") for i, ex in enumerate(r.examples[which])]


def _fired(rule_id: str, example: dict):
    turns, spec = example_call(example)
    result = check_call(turns, {**spec, "requirements": [rule_id]})
    return [f for f in result.findings if f.rule == rule_id], result


@pytest.mark.parametrize("rule_id, which, i, example", EXAMPLES,
                         ids=[f"{r}-{w}{i}" for r, w, i, _ in EXAMPLES])
def test_every_example_call(rule_id, which, i, example):
    found, result = _fired(rule_id, example)
    if which == "bad":
        assert found, f"{rule_id} should flag:\n{result.walkthrough()}"
        assert not result.passed
    else:
        assert not found, f"{rule_id} should not flag:\n{result.walkthrough()}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_each_rule_has_data_a_teacher_can_read(rule):
    assert rule.kind in KINDS and rule.why in WHYS
    assert rule.examples["bad"] and rule.examples["good"]
    assert rule.source.startswith("种子材料")
    assert "：" in rule.message  # what is wrong: what to do instead
    assert rule.id.split(".")[0] in {"order", "missing", "forbidden", "consistency"}


@pytest.mark.parametrize("rule", [r for r in RULES if "{quote}" in r.message or "{turn}" in r.message],
                         ids=lambda r: r.id)
def test_messages_name_the_turn_and_quote_the_student(rule):
    turns, spec = example_call(rule.examples["bad"][0])
    (f, *_), _ = _fired(rule.id, rule.examples["bad"][0])
    assert f.turn is not None and 1 <= f.turn <= len(turns)
    if "{turn}" in rule.message:
        assert f"第{f.turn}句" in f.message
    assert "{" not in f.message
    if "{quote}" in rule.message:
        quotes = [q.split("”", 1)[0].rstrip("…") for q in f.message.split("“")[1:]]
        assert any(q and q in t for q in quotes for t in turns), (quotes, turns)


def test_the_issue_example_message():
    f = [f for f in check_call(*_hold_without_reason()).findings if f.rule == "order.hold_reason"]
    assert f and f[0].turn == 2
    assert f[0].message.startswith("第2句之前没有说明需要客户等待的原因")


def _hold_without_reason():
    turns = ["您好，华信银行信用卡中心，工号5127，请问有什么可以帮您？", "好的，请您稍等。",
             "这笔年费我需要帮您核对一下，请您稍候片刻。", "感谢您的耐心等待，这笔年费可以申请减免。"]
    spec = {"direction": "inbound", "turns": [
        {"customer": "（电话铃响）"}, {"agent": "opening"}, {"customer": "我的账单多了一笔年费。"},
        {"agent": "free"}, {"customer": "……"}, {"agent": "hold"}, {"agent": "resume_after_hold"}]}
    return turns, spec


def test_fillers_are_counted_across_turns_not_per_turn():
    turns = ["嗯，可以的。", "那个，我帮您查一下。", "然后我看了一下。", "嗯，下个月生效。"]
    spec = {"direction": "inbound", "turns": [{"agent": "free"}] * 4}
    r = check_call(turns, spec)
    assert all(t.passed for t in r.turns)  # one filler a turn is fine alone
    (f,) = [f for f in r.findings if f.rule == "forbidden.fillers_per_call"]
    assert f.turn == 4 and "4次" in f.message and not r.passed
    assert not [f for f in check_call(turns[:3], {**spec, "turns": spec["turns"][:3]}).findings
                if f.rule == "forbidden.fillers_per_call"]


def test_a_forbidden_phrase_in_any_turn_fails_the_call_and_names_it():
    spec = {"direction": "inbound", "turns": [{"agent": "free"}, {"agent": "free"}]}
    r = check_call(["好的，我帮您登记。", "您先等着！"], spec)
    (f,) = [f for f in r.findings if f.rule == "forbidden.anywhere"]
    assert f.turn == 2 and "等着" in f.message and not r.passed


def test_call_rules_are_chosen_by_the_item_and_the_direction():
    turns = ["您好，我是××银行的小李，请问是陈女士吗？", "您的账单可以分期。"]
    outbound = {"direction": "outbound", "turns": [{"agent": "free"}, {"agent": "free"}]}
    assert "missing.convenience" in {f.rule for f in check_call(turns, outbound).findings}
    inbound = {**outbound, "direction": "inbound"}
    assert "missing.convenience" not in {f.rule for f in check_call(turns, inbound).findings}
    only = check_call(turns, {**outbound, "requirements": ["order.greeting_first"]})
    assert only.findings == () and only.passed and only.call_score == 1.0
    with pytest.raises(ValueError, match="order.nonsense"):
        check_call(turns, {**outbound, "requirements": ["order.nonsense"]})


def test_call_score_is_the_share_of_call_rules_met():
    spec = {"direction": "inbound", "turns": [{"agent": "free"}, {"agent": "free"}],
            "requirements": ["order.greeting_first", "forbidden.anywhere"], "weights": {"turns": 0, "call": 1}}
    assert check_call(["您好，××客服中心，工号1。", "好的。"], spec).score == 1.0
    assert check_call(["好的。", "好的。"], spec).score == 0.5
    assert check_call(["好的。", "您先等着！"], spec).score == 0.0
    assert check_call(["", ""], spec).score == 0.0


@pytest.mark.parametrize("edit, words", [
    (lambda d: d["rules"][0].pop("examples"), "examples"),
    (lambda d: d["rules"][0]["examples"].update(good=[]), "good"),
    (lambda d: d["rules"][0].update(kind="sometimes"), "kind"),
    (lambda d: d["rules"][0].update(why="because"), "why"),
    (lambda d: d["rules"][0].update(need=["nothing"]), "nothing"),
    (lambda d: d["elements"].update(bad={"patterns": ["(unclosed"]}), "compile"),
    (lambda d: d["elements"].update(bad={"rules": ["no.such_rule"]}), "no.such_rule"),
    (lambda d: d["rules"].append(dict(d["rules"][0])), "twice"),
])
def test_a_broken_rule_file_is_refused_naming_the_rule(tmp_path, edit, words):
    data = yaml.safe_load(CALLS_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "calls.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchemaError, match=words):
        load_call_rules(path)


def test_the_shipped_file_loads_strictly(tmp_path):
    copy = tmp_path / "calls.yaml"
    shutil.copy(CALLS_FILE, copy)
    assert {r.id for r in load_call_rules(copy).rules} == {r.id for r in RULES}


def test_long_and_pathological_turns_are_checked_in_linear_time():
    """Every call-level pattern sees student text: 10 turns of 20,000
    characters each (repeats that tempt backtracking) finish and are judged
    (a quadratic pattern would take minutes here)."""
    pieces = [p * (20_000 // len(p)) for p in ("等", "今天", "给您回", "嗯，", "是我们", "请您稍", "已经给您",
                                               "明天上午十点前", "再", "……")]
    spec = {"direction": "inbound", "turns": [{"agent": "free"}] * len(pieces)}
    r = check_call(pieces, spec)
    assert all(t.result is not None and not t.passed for t in r.turns)  # each over the length cap
    assert not r.passed
    assert "forbidden.fillers_per_call" in {f.rule for f in r.findings}


def test_walkthrough_names_the_call_level_findings_after_the_turns():
    result = check_call(*_hold_without_reason())
    text = result.walkthrough()
    assert all(t.passed for t in result.turns) and not result.passed  # every turn fine alone
    assert text.index("第4句") < text.index("整通电话：") < text.index("第2句之前没有说明需要客户等待的原因")
    assert "结论：未通过" in text
    d = result.to_dict()
    assert [(f["rule"], f["turn"]) for f in d["findings"]] == [("order.hold_reason", 2)]
