"""Reading a call answer turn by turn, as data: tolerant spellings, unreadable turns, code never run."""
from __future__ import annotations

import unicodedata

from autograder.grading.callanswers import read_call

SPEC = {"var": "第5题", "turns": [{"customer": "（电话铃响）"}, {"agent": "opening"}, {"customer": "我想查话费。"},
                                 {"agent": "hold"}, {"agent": "resume_after_hold"}, {"agent": "closing"}]}
CELL = '''# 客户：（电话铃响）
第5题_第1句 = "您好，这里是客服中心，工号3号为您服务，请问有什么可以帮您？"
# 客户：我想查话费。
第5题_第2句 = "我帮您查询一下，请您稍等，好吗？"
第5题_第3句 = "让您久等了。"
第5题_第4句 = "请问您还有其他问题吗？感谢您的来电，再见！"
'''


def _texts(reads):
    return [r.text for r in reads]


def test_every_turn_is_read_in_order():
    reads = read_call(SPEC, [CELL])
    assert [r.number for r in reads] == [1, 2, 3, 4]
    assert _texts(reads)[2] == "让您久等了。" and not any(r.problem for r in reads)


def test_chinese_quotes_and_a_missing_closing_quote_read_like_the_canonical_answer():
    cell = CELL.replace('"我帮您查询一下，请您稍等，好吗？"', "“我帮您查询一下，请您稍等，好吗？”")
    cell = cell.replace('"让您久等了。"', '"让您久等了。')
    reads = read_call(SPEC, [cell])
    # a cell that does not parse is read line by line from its NFKC form; the engine normalises the same way
    assert [unicodedata.normalize("NFKC", t) for t in _texts(reads)] == \
        [unicodedata.normalize("NFKC", t) for t in _texts(read_call(SPEC, [CELL]))]


def test_an_unreadable_turn_is_empty_with_a_message_and_the_others_are_read():
    cell = CELL.replace('第5题_第3句 = "让您久等了。"', "第5题_第3句 = 让您久等了")
    reads = read_call(SPEC, [cell])
    assert reads[2].text == "" and "第5题_第3句" in reads[2].problem and "引号" in reads[2].problem
    assert reads[0].text.startswith("您好") and reads[3].text.startswith("请问")


def test_a_list_instead_of_a_sentence_is_an_unreadable_turn():
    reads = read_call(SPEC, [CELL.replace('"让您久等了。"', '["让您久等了。"]')])
    assert reads[2].text == "" and "一句话" in reads[2].problem


def test_an_empty_turn_is_empty_without_a_problem():
    reads = read_call(SPEC, [CELL.replace('"让您久等了。"', '""')])
    assert reads[2].empty and not reads[2].problem


def test_a_deleted_answer_line_is_not_found():
    reads = read_call(SPEC, [CELL.replace('第5题_第4句 = "请问您还有其他问题吗？感谢您的来电，再见！"\n', "")])
    assert not reads[3].found and "找不到" in reads[3].problem and reads[0].found


def test_the_answer_cell_moved_below_its_test_is_still_read():
    reads = read_call(SPEC, ["x = 1"], later=[CELL])
    assert _texts(reads) == _texts(read_call(SPEC, [CELL]))


def test_code_in_a_turn_is_read_as_text_or_refused_and_never_run(tmp_path):
    target = tmp_path / "pwned"
    as_text = f"import os; os.system('touch {target}')"
    cell = CELL.replace('"让您久等了。"', repr(as_text)).replace(
        '"请问您还有其他问题吗？感谢您的来电，再见！"', f"open({str(target)!r}, 'w').write('x')")
    cell += f"\n__import__('os').system('touch {target}')\n"
    reads = read_call(SPEC, [cell])
    assert reads[2].text == as_text  # a string is only a string
    assert reads[3].text == "" and "不会运行代码" in reads[3].problem
    assert not target.exists()
