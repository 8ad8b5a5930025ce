"""Reading answers from cell source text: tolerant, never executing anything."""
from __future__ import annotations

import re

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.grading.answers import find_answer, parse_choice, parse_text, read_assignment


# ---------------------------------------------------------------- read_assignment

@pytest.mark.parametrize("source, value", [
    ('第1题 = "C"', "C"),
    ('# 在引号里填写一个字母\n第1题 = ""\n', ""),
    ('第1题 = "A"\n第1题 = "B"', "B"),  # the last assignment wins, as in a kernel
    ("第1题 = 'b'", "b"),
    ('第1题 = “C”', "C"),  # Chinese quotes typed by an input method
    ('第1题 = 「C」', "C"),
    ('第1题 ＝ "C"', "C"),  # full-width equals sign
    ('第１题 = "C"', "C"),  # full-width digit: Python treats it as the same name
    ('第1题 = ["A", "B"]', ["A", "B"]),
    ('第1题 = {"A", "D"}', {"A", "D"}),
    ('第1题: str = "D"', "D"),
    ('第1题 = "C', "C"),  # unterminated one-line string
    ('第13题 = "您好，“小王”为您服务"', "您好，“小王”为您服务"),  # inner Chinese quotes kept
    ('第13题 = "他说"你好"吧"', '他说"你好"吧'),  # unescaped inner ASCII quotes
    ('第13题 = """您好，\n请问有什么可以帮您？"""', "您好，\n请问有什么可以帮您？"),
])
def test_reads_literal_answers(source, value):
    var = re.search(r"第[0-9１]+题", source).group(0).replace("１", "1")
    read = read_assignment(source, var)
    assert read.found and read.error is None
    assert read.value == value


def test_unrelated_cell_is_not_an_answer():
    assert not read_assignment("print('hello')", "第1题").found
    assert not read_assignment('# 第1题 = "B" (a comment)', "第1题").found
    assert not read_assignment('run_test({"var": "第1题"})', "第1题").found


@pytest.mark.parametrize("source, value", [
    ('第1题 = f"C"', "C"),  # an f-string without placeholders is just text
    ('第1题 = F\'A、C\'', "A、C"),
    ('第1题 = f""', ""),
    ('第1题 = "A" + "B"', "AB"),
    ('第1题 = "A" + f"B" + ("C")', "ABC"),
    ('第1题 = ("您好，" + "请问有什么可以帮您？")', "您好，请问有什么可以帮您？"),
    ('第1题 = ("B")', "B"),
    ('第1题 = (\n    "您好，"\n    "这里是客服中心"\n)', "您好，这里是客服中心"),
    ('第1题 = ["A" + "", f"D"]', ["A", "D"]),
    ('第1题 = {f"A", "B"}', {"A", "B"}),
    ('第1题 = “A” + “B”', "AB"),  # Chinese quotes around each part
])
def test_constant_string_expressions_read_as_their_text(source, value):
    read = read_assignment(source, "第1题")
    assert read.found and read.error is None, read.error
    assert read.value == value


@pytest.mark.parametrize("source", [
    '第1题 = f"{答案}"',
    '第1题 = f"A{1}"',
    '第1题 = f"{\'A\'!r}"',
    '第1题 = "A" * 2',
    '第1题 = "A" + 答案',
    '第1题 = "A" + 1',
    '第1题 = b"A" + b"B"',
    '第1题 = ["A", "B" + x]',
    "第1题 = chr(66)",
    "第1题 = answer",
    "第1题 = __import__('os').system('echo pwned')",
    "第1题 = open('/etc/passwd').read()",
])
def test_code_instead_of_a_literal_is_refused_with_a_message(source):
    read = read_assignment(source, "第1题")
    assert read.found and read.value is None
    assert "引号" in read.error and "不会运行代码" in read.error


def test_non_text_literal_is_refused():
    read = read_assignment("第1题 = 3", "第1题")
    assert read.error and "引号" in read.error


def test_unparseable_line_gets_a_fix_message():
    read = read_assignment("第1题 = (", "第1题")
    assert read.found and read.error and "引号要成对" in read.error


def test_reading_never_executes_code(tmp_path):
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\n第1题 = \"A\""
    assert read_assignment(source, "第1题").value == "A"
    assert not marker.exists()


def test_huge_cell_is_refused_quickly():
    read = read_assignment('第1题 = "' + "A" * 300_000 + '"', "第1题")
    assert read.error and "太长" in read.error


# ---------------------------------------------------------------- find_answer

def test_find_answer_takes_the_latest_cell_that_assigns():
    sources = ['第1题 = "A"', "x = 1", '第1题 = "B"', "print(第1题)"]
    assert find_answer(sources, "第1题").value == "B"


def test_find_answer_reports_a_deleted_answer_cell():
    read = find_answer(["x = 1"], "第1题")
    assert not read.found and "找不到" in read.error


def test_a_later_unreadable_attempt_hides_an_earlier_answer():
    read = find_answer(['第1题 = "A"', '第1题 = "A" + B'], "第1题")
    assert read.error  # the latest intent cannot be read: no silent fallback to "A"


# ---------------------------------------------------------------- parse_choice

SPELLINGS_OF_ABD = ["ABD", "abd", "A,B,D", "A、B、D", "A，B，D", "A B D", "ＡＢＤ", "DBA", "AABDD",
                    ["A", "B", "D"], ("D", "A", "B"), {"A", "B", "D"}, "[A][B][D]", "A、B和D", "答案：ABD"]


@pytest.mark.parametrize("value", SPELLINGS_OF_ABD)
def test_every_spelling_of_a_multiple_choice_reads_the_same(value):
    choice = parse_choice(value, "multiple", "ABCDE")
    assert choice.error is None and choice.letters == frozenset("ABD")


@pytest.mark.parametrize("value", ["C", "c", "C.", "（C）", "(C)", " C ", "Ｃ", "选C", "C。"])
def test_single_choice_spellings(value):
    assert parse_choice(value, "single", "ABCD").letters == frozenset("C")


def test_single_choice_with_two_letters_says_so():
    choice = parse_choice("AB", "single", "ABCD")
    assert choice.error == "单选题只能填写一个字母，你填了「AB」。"


def test_letter_outside_the_options():
    choice = parse_choice("E", "single", "ABCD")
    assert "「E」不是本题的选项" in choice.error and "A–D" in choice.error


def test_words_are_not_letters():
    choice = parse_choice("我觉得是第三个", "single", "ABCD")
    assert choice.error and "只填写选项字母" in choice.error


@pytest.mark.parametrize("value", ["", "  ", None, [], "、"])
def test_empty_answer_is_unanswered(value):
    choice = parse_choice(value, "multiple", "ABCD")
    assert choice.empty and choice.error


def test_parse_text():
    assert parse_text("您好") == ("您好", None)
    assert parse_text(["您好"])[1] is not None
    assert parse_text(None)[1] is not None


letters = st.sets(st.sampled_from("ABCDE"), min_size=1)
separators = st.sampled_from(["", ",", "、", " ", "，", ";"])


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None)
@given(letters, separators, st.booleans(), st.booleans(), st.randoms())
def test_property_any_spelling_of_the_same_set_reads_the_same(chosen, sep, lower, fullwidth, rnd):
    order = sorted(chosen)
    rnd.shuffle(order)
    text = sep.join(order)
    if lower:
        text = text.lower()
    if fullwidth:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)
    assert parse_choice(text, "multiple", "ABCDE").letters == frozenset(chosen)
    assert parse_choice(order, "multiple", "ABCDE").letters == frozenset(chosen)


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=40))
def test_property_no_text_crashes_the_reader(text):
    choice = parse_choice(text, "multiple", "ABCD")
    assert (choice.error is None) == bool(choice.letters)
    source = f"第1题 = {text!r}"
    assert read_assignment(source, "第1题").value == text
    read_assignment(text, "第1题")  # arbitrary source text: never raises


# ---------------------------------------------------------------- parsed once, invisible characters


def test_answer_cells_are_parsed_once_for_any_number_of_questions(monkeypatch):
    from autograder.grading import answers

    cells = answers.answer_cells([f'第{i}题 = "A"\n# 第1题 第2题 第3题' for i in range(1, 4)] + ["x = 1"] * 50)
    calls = []
    real = answers._parse
    monkeypatch.setattr(answers, "_parse", lambda text: calls.append(text) or real(text))
    for _ in range(3):
        for i in range(1, 4):
            assert find_answer(cells, f"第{i}题").value == "A"
    assert len(calls) == 3  # the cells that mention a question, once each; "x = 1" never


def test_unparsable_line_reader_keeps_its_behaviour():
    assert read_assignment('第1题 = "C   \nprint(', "第1题").value == "C"
    assert read_assignment('第1题 = “C”  \t\n(', "第1题").value == "C"
    assert read_assignment('第1题   =   \n(', "第1题").error


def test_invisible_characters_are_dropped_from_answers():
    from autograder.grading.answers import visible

    assert visible("C\u200b\u200e\ufe0f\U000e0020\ue000") == "C"
    assert parse_choice("\u202eC", "single", "ABCD").letters == {"C"}
    assert parse_text("您好\u200b，请问") == ("您好，请问", None)
