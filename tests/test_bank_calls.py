"""The bank's whole-call exercises (type ``call``): schema, `bank --json`, and the notebook form they build."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.questionbank.load import load_bank
from autograder.questionbank.build import build_notebook
from autograder.engine.schema import SchemaError

ROOT = Path(__file__).resolve().parents[1]
BANK = load_bank(ROOT / "exercises" / "bank")
CALLS = [q for ch in BANK for q in ch.questions if q.type == "call"]


def test_every_chapter_has_a_call_exercise_after_the_rewrites_and_before_the_short_answer():
    for ch in BANK:
        types = [q.type for q in ch.questions]
        assert "call" in types, ch.assignment
        assert types.index("call") > max(i for i, t in enumerate(types) if t == "rewrite")
        assert types.index("call") < types.index("short")


def test_each_call_has_a_model_line_and_a_bad_line_per_agent_turn():
    for q in CALLS:
        c = q.call
        assert c.agent_turns >= 4, q.id
        assert len(c.model_call) == len(c.bad_call.lines) == c.agent_turns == len(q.turn_vars)
        assert q.turn_vars[0] == f"{q.var}_第1句"
        assert 0 <= c.bad_call.score < 1
        assert q.explanation and q.basis and q.keypoints


@pytest.mark.cli
def test_bank_json_lists_call_items_with_their_turn_variables():
    out = subprocess.run([sys.executable, "-m", "autograder", "bank", "--json"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    items = {d["id"]: d for d in json.loads(out.stdout)}
    assert {d["type"] for d in items.values()} == {"single", "multiple", "rewrite", "call", "short"}
    for q in CALLS:
        d = items[q.id]
        assert d["type"] == "call" and d["direction"] in ("inbound", "outbound")
        assert d["answer_cell"] == f"{q.id}_answer" and d["grade_cell"] == f"{q.id}_test"
        assert d["turn_vars"] == list(q.turn_vars) and d["model_call"] == list(q.call.model_call)
        assert any("customer" in t for t in d["turns"]) and any("agent" in t for t in d["turns"])


def _cells(q):
    ch = next(c for c in BANK if c.number == q.chapter)
    nb = build_notebook(ch)
    by_id = {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]}
    return nb, by_id


@pytest.mark.parametrize("q", CALLS, ids=lambda q: q.id)
def test_the_answer_cell_reads_as_the_call_with_one_answer_line_per_turn(q):
    _, cells = _cells(q)
    source = cells[q.answer_cell]["source"]
    released = source.split("### BEGIN SOLUTION")[0]
    for var in q.turn_vars:
        assert f'{var} = ""\n' in released
    for t in q.call.turns:
        if not t.is_agent:
            assert f"# 客户：{t.customer[0]}" in released
    # the customer's line comes right before the turn that answers it
    first_customer = next(t for t in q.call.turns if not t.is_agent)
    assert released.index(first_customer.customer[0]) < released.index(q.turn_vars[0])
    assert q.call.model_call[0] not in released


@pytest.mark.parametrize("q", CALLS, ids=lambda q: q.id)
def test_the_self_check_knows_no_key(q):
    nb, cells = _cells(q)
    check = next(c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade_id"].endswith("_selfcheck"))
    public = check["source"]
    for line in q.call.model_call:
        assert line not in public
    entry = json.loads(public.split("self_check(", 1)[1].rsplit(")", 1)[0])[q.var]
    assert entry["type"] == "call" and set(entry) == {"type", "direction", "turns"}
    assert [t["agent"] for t in entry["turns"] if "agent" in t] == list(q.call.phases)
    assert not any(line in json.dumps(entry, ensure_ascii=False) for line in q.call.bad_call.lines if line)


# ------------------------------------------------------------------ schema errors a teacher can make


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / "bank", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CH1 = "ch1_telephone.yaml"


@pytest.mark.parametrize("old, new, words", [
    ("    direction: inbound\n    situation: 情境：你是安和电力", "    direction: incoming\n    situation: 情境：你是安和电力",
     ["direction", "inbound", "outbound"]),
    ("      - agent: hold\n", "      - agent: hodl\n", ["第3句", "hodl", "free"]),
    ("      - customer: 户号是62031187。\n", "      - customer: 户号是62031187。\n        agent: free\n",
     ["customer", "agent"]),
    ("      - 让您久等了。您家上个月", "      # - 让您久等了。您家上个月", ["model_call", "4 句", "5 个客服回合"]),
    ("        - 行了，没别的事我先挂了。\n", "", ["bad_call.lines", "4 句"]),
    ("      expect: {score: ", "      expected: {score: ", ["bad_call", "expect"]),
    ("    weights: {turns: 0.7, call: 0.3}\n    model_call:\n      - 您好，安和电力",
     "    weights: {turns: 0.8, call: 0.3}\n    model_call:\n      - 您好，安和电力", ["weights", "等于 1"]),
    ("      - customer: （电话铃响）\n", "      - customer: \"\"\n", ["customer", "不能为空"]),
    ("requirements: [order.greeting_first, ", "requirements: [order.greeting_frist, ",
     ["requirements", "order.greeting_frist", "不存在"]),
    ("call_findings: [order.greeting_first, forbidden.anywhere, missing.closing]",
     "call_findings: [order.greeting_first, forbidden.anywhere, missing.closing, order.calm_first]",
     ["order.calm_first", "requirements"]),
])
def test_a_broken_call_item_gets_a_chinese_message_naming_file_and_item(bank, old, new, words):
    path = bank / CH1
    _edit(path, old, new)
    with pytest.raises(SchemaError) as err:
        load_bank(bank)
    message = str(err.value)
    assert CH1 in message and "ch1_c01" in message, message
    for word in words:
        assert word in message, (word, message)


def test_a_call_placed_after_the_short_answer_is_refused(bank):
    path = bank / CH1
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: ch1_c01")
    end = text.index("  # ---------------------------------------------------------------- 简答题")
    item = text[start:end]
    path.write_text(text[:start] + text[end:] + item, encoding="utf-8")
    with pytest.raises(SchemaError, match="rewrite, call, short"):
        load_bank(bank)
