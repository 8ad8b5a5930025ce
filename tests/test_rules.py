"""The rule packs (autograder/engine/rules/*.yaml): every example, and the schema."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from autograder.engine.engine import RULES_DIR, load_pack, rules, scenarios
from autograder.engine.schema import SchemaError
from autograder.engine.text import normalise

ALL_RULES = rules()


def _id(rule) -> str:
    return rule.id


# ------------------------------------------------------------------ examples

@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_rule_has_examples_both_ways(rule):
    assert rule.examples.flag, f"{rule.id} has no utterance it must flag"
    assert rule.examples.ok, f"{rule.id} has no utterance it must accept"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_flag_examples_fire(rule):
    missed = [u for u in rule.examples.flag if not rule.fires(u)]
    assert not missed, f"{rule.id} does not flag: {missed}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_id)
def test_ok_examples_do_not_fire(rule):
    wrong = [u for u in rule.examples.ok if rule.fires(u)]
    assert not wrong, f"{rule.id} wrongly flags: {wrong}"


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.kind != "require"], ids=_id)
def test_forbid_message_quotes_and_advises(rule):
    assert "{match}" in rule.message
    # says what to say instead: a suggested wording in quotes, or an instruction
    assert "“" in rule.message.replace("“{match}”", "") or "请" in rule.message


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.kind == "require"], ids=_id)
def test_requirement_has_name_and_example_wording(rule):
    assert rule.name
    assert "“" in rule.message, f"{rule.id}: the message should show a wording to use"


def test_rule_ids_are_unique_and_prefixed_by_family_or_scenario():
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    keys = {s.key for s in scenarios()}
    for r in ALL_RULES:
        assert r.id.split(".")[0] in keys | {"address", "taboo", "irritating", "casual", "price", "tone"}


def test_taboo_categories_are_separate_rules():
    ids = {r.id for r in ALL_RULES}
    assert {"taboo.question", "taboo.arrogant", "taboo.command", "taboo.shirk"} <= ids
    messages = {r.id: r.message for r in ALL_RULES}
    assert "责问" in messages["taboo.question"]
    assert "傲慢" in messages["taboo.arrogant"]
    assert "命令" in messages["taboo.command"]
    assert "推诿" in messages["taboo.shirk"]


@pytest.mark.parametrize("phrase", [
    # the seed's 服务禁语 lists, every one of them
    "您的电话怎么回事？", "我不是跟您说得很清楚了吗？", "谁告诉您的？", "您不明白！",
    "别人跟您说的，别人怎么知道？", "干嘛还不挂机？", "我怎么知道？", "您怎么这样？",
    "刚才跟您说过了，怎么还问？", "现在才说，干嘛不早说？",
    "不行就是不行！", "您问我，我问谁？", "我就这个态度！", "没法查！没办法！", "有意见找领导去！",
    "用不起就别用！", "有什么了不起！", "您到底想怎么样嘛！", "明明就是您不对！", "您有完没完？",
    "没有这项业务就是没有！",
    "电话已接通，快讲话！", "您小声一点行不行，我听得见！", "叫您旁边的人别说话！", "大声点，我听不清！",
    "我不清楚，您找营业厅问去！", "不关我的事！", "这个我没办法！", "这事不归我们管，我不知道！",
    # 容易激怒客户的话
    "明白了吗？", "明白我的意思了吗？", "请诚实回答。", "你难道不知道吗？", "你应该冷静下来！",
    "我告诉你什么来着？", "我们的规定是这样的。", "这不是我的工作。",
])
def test_every_seed_taboo_phrase_is_an_error_in_every_scenario(phrase):
    from autograder import check

    for sc in scenarios():
        result = check(phrase, sc.key)
        assert not result.passed and result.score == 0.0, (sc.key, phrase)
        assert any(f.kind == "forbidden" for f in result.findings), (sc.key, phrase)


@pytest.mark.parametrize("variant", [
    "你的电话怎么回事啊", "我不知道啊", "我也不清楚呀", "这个我也不知道", "不关我事",
    "没办法！！", "您到底想怎样", "有 意 见 找 领 导 去", "大點聲，我聽不清",
])
def test_taboo_variants_with_particles_spacing_and_script(variant):
    from autograder import check

    assert any(f.rule.startswith(("taboo.", "irritating.")) for f in check(variant, "opening").findings), variant


# ------------------------------------------------------------------ schema

SCENARIOS_MIN = """
scenarios:
  - key: demo
    title: 演示
    situation: 演示场景
    requires:
      - id: demo.greeting
        name: 问候语
        patterns: ['您好']
        message: 缺少问候语：请说“您好”。
        examples: {flag: ['请问有什么事'], ok: ['您好']}
"""


def _pack_dir(tmp_path: Path, family: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "scenarios.yaml").write_text(SCENARIOS_MIN, encoding="utf-8")
    (d / "fam.yaml").write_text(textwrap.dedent(family), encoding="utf-8")
    return d


GOOD_RULE = """
family: fam
rules:
  - id: fam.one
    patterns: ['喂']
    message: 不要说“{match}”，请说“您好”。
    examples: {flag: ['喂'], ok: ['您好']}
"""


def test_minimal_pack_loads(tmp_path):
    pack = load_pack(_pack_dir(tmp_path, GOOD_RULE))
    assert list(pack.scenarios) == ["demo"]
    assert [r.id for r in pack.scenarios["demo"].active] == ["fam.one"]


@pytest.mark.parametrize("family, complaint", [
    # a rule without examples fails loading
    ("""
     family: fam
     rules:
       - id: fam.noexamples
         patterns: ['喂']
         message: 不要说“{match}”。
     """, "missing field 'examples'"),
    ("""
     family: fam
     rules:
       - id: fam.halfexamples
         patterns: ['喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂']}
     """, "needs examples"),
    ("""
     family: fam
     rules:
       - id: fam.badkind
         kind: forbidd
         patterns: ['喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "kind must be one of"),
    ("""
     family: fam
     rules:
       - id: fam.badlevel
         level: fatal
         patterns: ['喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "level must be one of"),
    ("""
     family: fam
     rules:
       - id: fam.badregex
         patterns: ['您好', '(喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "pattern 2"),
    ("""
     family: fam
     rules:
       - id: fam.badunless
         patterns: ['喂']
         unless: ['喂[养']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "unless pattern 1"),
    ("""
     family: fam
     rules:
       - id: fam.noquote
         patterns: ['喂']
         message: 不要说喂。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "{match}"),
    ("""
     family: fam
     rules:
       - id: fam.empty
         patterns: ['(?:喂)?']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "empty string"),
    ("""
     family: fam
     rules:
       - id: fam.macro
         patterns: ['{nosuchmacro}喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "unknown macro {nosuchmacro}"),
    ("""
     family: fam
     rules:
       - id: other.prefix
         patterns: ['喂']
         message: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "must start with 'fam.'"),
    ("""
     family: fam
     rules:
       - id: fam.typo
         patterns: ['喂']
         mesage: 不要说“{match}”。
         examples: {flag: ['喂'], ok: ['您好']}
     """, "unknown field(s) mesage"),
])
def test_schema_errors_name_file_and_rule(tmp_path, family, complaint):
    d = _pack_dir(tmp_path, family)
    with pytest.raises(SchemaError) as err:
        load_pack(d)
    message = str(err.value)
    assert "fam.yaml" in message
    rid = re.search(r"id: (\S+)", family).group(1)
    assert rid in message
    assert complaint in message


def test_duplicate_rule_ids_are_rejected(tmp_path):
    family = GOOD_RULE + """
  - id: fam.one
    patterns: ['嘿']
    message: 不要说“{match}”。
    examples: {flag: ['嘿'], ok: ['您好']}
"""
    with pytest.raises(SchemaError, match="fam.one"):
        load_pack(_pack_dir(tmp_path, family))


def test_scenario_with_unknown_family_is_rejected(tmp_path):
    d = _pack_dir(tmp_path, GOOD_RULE)
    text = (d / "scenarios.yaml").read_text(encoding="utf-8").replace(
        "    situation: 演示场景\n", "    situation: 演示场景\n    families: [nosuch]\n")
    (d / "scenarios.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match=r"scenarios.yaml: demo: unknown rule family 'nosuch'"):
        load_pack(d)


def test_requirement_without_examples_names_scenarios_file_and_id(tmp_path):
    d = _pack_dir(tmp_path, GOOD_RULE)
    text = (d / "scenarios.yaml").read_text(encoding="utf-8").replace(
        "        examples: {flag: ['请问有什么事'], ok: ['您好']}\n", "")
    (d / "scenarios.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match=r"scenarios.yaml: demo.greeting: missing field 'examples'"):
        load_pack(d)


def test_macros_file_and_local_macros(tmp_path):
    d = _pack_dir(tmp_path, """
        family: fam
        macros:
          greet: '{you}好'
        rules:
          - id: fam.one
            patterns: ['{greet}吗']
            message: 不要说“{match}”，请说“您好”。
            examples: {flag: ['你好吗', '您好吗'], ok: ['您好']}
        """)
    (d / "_macros.yaml").write_text("macros:\n  you: '您|你'\n", encoding="utf-8")
    pack = load_pack(d)
    (rule,) = pack.families["fam"]
    assert rule.fires("你好吗") and rule.fires("您好吗") and not rule.fires("您好")


def test_phrases_are_literal_and_normalised(tmp_path):
    d = _pack_dir(tmp_path, """
        family: fam
        rules:
          - id: fam.one
            phrases: ['說個價?']
            message: 不要说“{match}”。
            examples: {flag: ['说个价？'], ok: ['说个价格表', '說個价']}
        """)
    (rule,) = load_pack(d).families["fam"]
    assert rule.fires("多少钱？說個價？")
    assert not rule.fires("说个价")  # the ? is literal, not a quantifier


def test_shipped_rule_files_are_all_loaded():
    families = {p.stem for p in RULES_DIR.glob("*.yaml")} - {"scenarios", "calls", "_macros", "_homophones"}
    assert families == {"address", "taboo", "irritating", "casual", "price", "tone"}
    copy = load_pack(RULES_DIR)
    assert {r.id for r in copy.all_rules()} == {r.id for r in ALL_RULES}


def test_scanners_start_with_a_literal_or_a_class():
    """Speed discipline: every pattern the engine scans a long answer with
    opens with a literal, a class or a mandatory group of those, so its
    possible first characters are known (an answer without them skips it) and
    the regex engine skips ahead.  A leading optional group or look-behind
    hides them: put the look-behind after the first character (喂(?<![投]喂))."""
    slow = [f"{r.id}: {scanner.pattern[:60]}" for r in ALL_RULES for first, scanner in r.scanners
            if first is None and not scanner.pattern.startswith("^")]  # anchored: tried at the start only
    assert not slow, "patterns without known first characters:\n" + "\n".join(slow)


def test_scanner_first_characters_are_sound():
    """The first-character sets used to skip a rule never skip a real match."""
    for r in ALL_RULES:
        for u in r.examples.flag + r.examples.ok:
            text = normalise(u).text
            for first, scanner in r.scanners:
                m = scanner.search(text)
                if m and first is not None:
                    assert text[m.start()] in first, (r.id, u, scanner.pattern)


def test_copy_of_rules_with_a_new_rule_changes_the_engine(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR, d)
    with open(d / "address.yaml", "a", encoding="utf-8") as f:
        f.write(textwrap.indent(textwrap.dedent("""
            - id: address.laoban
              level: warning
              patterns: ['老板']
              message: 称呼“{match}”太随便，请称呼“先生/女士”。
              examples: {flag: ['老板您好'], ok: ['先生您好']}
            """), "  "))
    pack = load_pack(d)
    assert "address.laoban" in {r.id for r in pack.scenarios["opening"].active}


# ------------------------------------------------------------------ second-generation rule data

ORDERS = [(sc.key, o) for sc in scenarios() for o in sc.orders]


@pytest.mark.parametrize("key, order", ORDERS, ids=[o.id for _, o in ORDERS])
def test_order_constraint_examples(key, order):
    from autograder import check

    for text in order.examples.flag:
        assert order.id in {f.rule for f in check(text, key).findings}, text
    for text in order.examples.ok:
        assert order.id not in {f.rule for f in check(text, key).findings}, text


def test_suggestion_overrides_name_real_scenarios():
    keys = {s.key for s in scenarios()}
    for r in ALL_RULES:
        assert {k for k, _ in r.suggestions} <= keys, r.id


def test_every_rule_says_where_it_comes_from():
    missing = [r.id for r in ALL_RULES if not r.source]
    assert not missing
    assert all(s.source and s.suggestion for s in scenarios())


def test_tone_rules_are_built_from_frames_and_report_as_forbidden():
    from autograder import check

    tone = [r for r in ALL_RULES if r.kind == "tone"]
    assert len(tone) >= 8
    for r in tone:
        r2 = check(r.examples.flag[0], "hold")
        assert any(f.kind == "forbidden" and f.source for f in r2.findings), r.id


def test_a_frame_is_a_list_of_markers_in_clause_order(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR, d)
    (d / "zz.yaml").write_text(textwrap.dedent("""\
        family: zz
        title: t
        source: s
        rules:
          - id: zz.frame
            frames: [['难道', '吗']]
            message: 不要说“{match}”。
            examples: {flag: ['难道您不知道吗'], ok: ['难道。您知道吗']}
        """), encoding="utf-8")
    (rule,) = load_pack(d).families["zz"]
    assert rule.kind == "tone"
    assert rule.fires("难道您不知道吗") and not rule.fires("难道。您知道吗")  # not across a sentence


def test_frames_only_in_tone_rules_and_actor_only_in_requirements(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR, d)
    (d / "zz.yaml").write_text(textwrap.dedent("""\
        family: zz
        title: t
        rules:
          - id: zz.bad
            kind: forbid
            frames: [['难道', '吗']]
            message: 不要说“{match}”。
            examples: {flag: ['难道吗'], ok: ['好']}
        """), encoding="utf-8")
    with pytest.raises(SchemaError, match="zz.bad: 'frames' belong to kind: tone"):
        load_pack(d)
