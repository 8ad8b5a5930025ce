"""Practice quiz: data loading and validation, answer evaluation, feedback HTML, simulated clicks."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.engine.schema import SchemaError
from autograder.widgets import load_practice
from autograder.widgets.feedback import evaluate_quiz, quiz_feedback_html, quiz_question_html
from autograder.widgets.practice import QuizQuestion, parse_choice

COURSE = Path(__file__).resolve().parents[1] / "course"
CHAPTERS = ["ch1_telephone", "ch2_smile", "ch3_complaint", "ch4_price"]


def q(qtype="single", key="B", letters="ABCD", explanation="因为 B 对。"):
    return QuizQuestion(
        id="t1", type=qtype, stem="哪一个对？",
        options=tuple((letter, f"选项{letter}") for letter in letters),
        key=frozenset(key), explanation=explanation)


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("answer, expected", [
    ("B", ("B",)), ("b", ("B",)), ("Ｂ", ("B",)), (" b ", ("B",)),
    ("A,C", ("A", "C")), ("C、A", ("A", "C")), ("ACA", ("A", "C")), (["C", "A"], ("A", "C")),
    ({"D"}, ("D",)), ("", ()), (None, ()), ("Z", ()),
])
def test_parse_choice(answer, expected):
    assert parse_choice(answer, "ABCD") == expected


def test_single_choice_verdicts():
    question = q()
    assert evaluate_quiz(question, "B").status == "correct"
    assert evaluate_quiz(question, "b").correct
    wrong = evaluate_quiz(question, "C")
    assert (wrong.status, wrong.wrong, wrong.missed) == ("wrong", ("C",), ("B",))
    assert evaluate_quiz(question, "BC").status == "wrong"  # two letters on a single choice
    assert evaluate_quiz(question, None).status == "empty"


def test_multiple_choice_verdicts():
    question = q("multiple", key="ACD", letters="ABCDE")
    assert evaluate_quiz(question, "DCA").status == "correct"
    partial = evaluate_quiz(question, "AC")
    assert (partial.status, partial.missed) == ("partial", ("D",))
    wrong = evaluate_quiz(question, "ACDE")  # 错选不得分: any wrong option is wrong
    assert (wrong.status, wrong.wrong) == ("wrong", ("E",))
    assert evaluate_quiz(question, []).status == "empty"


@pytest.mark.slow
@settings(max_examples=examples(200), deadline=None)
@given(st.sets(st.sampled_from("ABCDE"), min_size=2, max_size=5),
       st.lists(st.sampled_from("ABCDEabcde ,、XYZ１"), max_size=12))
def test_verdict_properties(key, typed):
    question = q("multiple", key="".join(key), letters="ABCDE")
    verdict = evaluate_quiz(question, "".join(typed))
    chosen = set(verdict.chosen)
    assert verdict.status in ("correct", "partial", "wrong", "empty")
    assert (verdict.status == "correct") == (chosen == key)
    assert (verdict.status == "wrong") == bool(chosen - key)
    assert set(verdict.wrong) == chosen - key
    if verdict.status == "partial":
        assert chosen < key and set(verdict.missed) == key - chosen


# --------------------------------------------------------------------------- HTML


def test_feedback_html_shows_verdict_key_and_explanation():
    question = q(explanation="B 是规范的做法。")
    right = quiz_feedback_html(question, evaluate_quiz(question, "B"))
    assert "回答正确" in right and "B 是规范的做法" in right and "正确答案" not in right
    wrong = quiz_feedback_html(question, evaluate_quiz(question, "A"))
    assert "不对" in wrong and "正确答案是 <b>B</b>" in wrong and "B 是规范的做法" in wrong
    assert "单选题" in quiz_feedback_html(question, evaluate_quiz(question, "AB"))
    assert "还没有选择" in quiz_feedback_html(question, evaluate_quiz(question, ""))
    multi = q("multiple", key="AB")
    assert "漏了 B" in quiz_feedback_html(multi, evaluate_quiz(multi, "A"))


def test_html_escapes_content():
    question = QuizQuestion("x", "single", "<script>alert(1)</script>",
                            (("A", "<b>a</b>"), ("B", "b"), ("C", "c")), frozenset("A"), "<i>x</i>")
    stem = quiz_question_html(question, 1)
    assert "<script>" not in stem and "&lt;script&gt;" in stem and "&lt;b&gt;a&lt;/b&gt;" in stem
    assert "第1题（单选）" in stem
    assert "&lt;i&gt;" in quiz_feedback_html(question, evaluate_quiz(question, "A"))


# --------------------------------------------------------------------------- data files


def test_course_practice_files_load():
    ids: set[str] = set()
    for chapter in ["00_index", *CHAPTERS]:
        book = load_practice(chapter, base=COURSE)
        assert book.chapter == chapter
        assert book.quizzes and book.sandboxes
        if chapter != "00_index":
            types = {question.type for quiz in book.quizzes.values() for question in quiz.questions}
            assert types == {"single", "multiple"}, chapter
            assert sum(len(quiz.questions) for quiz in book.quizzes.values()) >= 8, chapter
        for quiz in book.quizzes.values():
            for question in quiz.questions:
                assert question.id not in ids, f"question id {question.id} used in two files"
                ids.add(question.id)
                assert len(question.explanation) >= 15, question.id


def test_practice_questions_are_not_the_graded_bank():
    """Practice ids are prefixed so they can never be mistaken for bank items."""
    for chapter in CHAPTERS:
        book = load_practice(chapter, base=COURSE)
        for quiz in book.quizzes.values():
            for question in quiz.questions:
                assert question.id.startswith(("ch1p_", "ch2p_", "ch3p_", "ch4p_")), question.id


GOOD = """
chapter: demo
title: 演示
quizzes:
  - id: quiz1
    title: 小测
    questions:
      - id: q1
        type: single
        stem: 题干
        options: {A: 甲, B: 乙, C: 丙}
        key: A
        explanation: 解析
sandboxes:
  - id: s1
    scenario: opening
    bad: 喂？
    model: 您好，请问有什么可以帮您？
"""


def _write(tmp_path, text):
    (tmp_path / "practice").mkdir(exist_ok=True)
    (tmp_path / "practice" / "demo.yaml").write_text(text, encoding="utf-8")


def test_load_by_name_and_by_path(tmp_path):
    _write(tmp_path, GOOD)
    book = load_practice("demo", base=tmp_path)
    assert book.get_quiz("quiz1").questions[0].key == frozenset("A")
    assert load_practice(tmp_path / "practice" / "demo.yaml").chapter == "demo"
    assert "演示" in repr(book)
    with pytest.raises(KeyError, match="quiz1"):
        book.get_quiz("nope")
    with pytest.raises(KeyError, match="s1"):
        book.get_sandbox("nope")


def test_keypoints_are_optional_and_read_in_order(tmp_path):
    _write(tmp_path, GOOD)
    book = load_practice("demo", base=tmp_path)
    assert book.get_quiz("quiz1").questions[0].keypoints == ()
    assert book.get_sandbox("s1").keypoints == ()
    cited = GOOD.replace("explanation: 解析", "explanation: 解析\n        keypoints: [002-14, 000-03, 001-124]")
    cited = cited.replace("bad: 喂？", "bad: 喂？\n    keypoints: [000-06]")
    _write(tmp_path, cited)
    book = load_practice("demo", base=tmp_path)
    assert book.get_quiz("quiz1").questions[0].keypoints == ("002-14", "000-03", "001-124")
    assert book.get_sandbox("s1").keypoints == ("000-06",)


def test_every_course_practice_question_cites_keypoints():
    for chapter in CHAPTERS:
        book = load_practice(chapter, base=COURSE)
        for quiz in book.quizzes.values():
            for question in quiz.questions:
                assert question.keypoints, f"{chapter}: {question.id} cites no seed key point"
        for item in book.sandboxes.values():
            assert item.keypoints, f"{chapter}: sandbox {item.id} cites no seed key point"


def test_missing_file_message_is_helpful(tmp_path):
    with pytest.raises(FileNotFoundError, match="course 文件夹"):
        load_practice("ch9_nothing", base=tmp_path)


@pytest.mark.parametrize("old, new, message", [
    ("key: A", "key: E", "q1: key 'E' is not among the options"),
    ("key: A", "key: AB", "q1: a single-choice key is exactly one letter"),
    ("type: single", "type: multiple", "q1: a multiple-choice key has at least two letters"),
    ("type: single", "type: essay", "q1: type must be one of"),
    ("options: {A: 甲, B: 乙, C: 丙}", "options: {A: 甲, C: 乙, B: 丙}", "q1: options must be 3 to 6, lettered"),
    ("explanation: 解析", "explanation: ''", "q1: field 'explanation' is empty"),
    ("explanation: 解析", "explanation: 解析\n        hint: x", "q1: unknown field(s) hint"),
    ("id: s1", "id: quiz1\n    oops: 1", "quiz1: unknown field(s) oops"),
    ("    model: 您好，请问有什么可以帮您？\n", "", "s1: missing field 'model'"),
    ("id: q1", "id: q 1", "q 1: ids use ASCII"),
    ("explanation: 解析", "explanation: 解析\n        keypoints: 000-03", "q1: keypoints must be a list"),
    ("explanation: 解析", "explanation: 解析\n        keypoints: [3-1]", "q1: keypoint ids look like 000-03"),
    ("explanation: 解析", "explanation: 解析\n        keypoints: [000-03, 000-03]", "q1: a keypoint is listed twice"),
    ("bad: 喂？", "bad: 喂？\n    keypoints: [0]", "s1: keypoints must be a list"),
])
def test_schema_errors_name_file_and_item(tmp_path, old, new, message):
    assert old in GOOD
    _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SchemaError) as err:
        load_practice("demo", base=tmp_path)
    assert "demo.yaml" in str(err.value)
    assert message in str(err.value)


def test_duplicate_question_ids_rejected(tmp_path):
    doubled = GOOD.replace("sandboxes:", """  - id: quiz2
    title: 第二组
    questions:
      - id: q1
        type: single
        stem: 又一题
        options: {A: 甲, B: 乙, C: 丙}
        key: B
        explanation: 解析
sandboxes:""")
    _write(tmp_path, doubled)
    with pytest.raises(SchemaError, match="q1: question id used twice"):
        load_practice("demo", base=tmp_path)


# --------------------------------------------------------------------------- widgets (simulated clicks)


def test_quiz_widget_single_choice_click():
    from autograder.widgets import QuizWidget
    from autograder.widgets.practice import QuizSet

    quiz = QuizWidget(QuizSet("s", "小测", (q(), q("multiple", key="AC"))))
    single, multiple = quiz.questions
    assert "小测" in quiz.title.value and "第2题（多选）" in multiple.stem.value
    single.submit_button.click()
    assert "还没有选择" in single.feedback.value
    single.choice.value = "C"  # as a student's click sets it
    single.submit_button.click()
    assert "不对" in single.feedback.value and single.verdict.status == "wrong"
    single.select("b")
    single.submit_button.click()
    assert "回答正确" in single.feedback.value


def test_quiz_widget_multiple_choice_click():
    from autograder.widgets import QuizWidget
    from autograder.widgets.practice import QuizSet

    quiz = QuizWidget(QuizSet("s", "小测", (q("multiple", key="AC"),)))
    question = quiz.questions[0]
    assert [t.description for t in question.toggles] == ["A", "B", "C", "D"]
    question.toggles[0].value = True  # A
    question.submit_button.click()
    assert "部分正确" in question.feedback.value and "漏了 C" in question.feedback.value
    question.toggles[2].value = True  # + C
    question.submit_button.click()
    assert "回答正确" in question.feedback.value
    question.toggles[1].value = True  # + B: a wrong option
    question.submit_button.click()
    assert "不对" in question.feedback.value and question.selected() == ("A", "B", "C")


def test_every_course_quiz_builds_and_accepts_its_key():
    from autograder.widgets import QuizWidget

    for chapter in ["00_index", *CHAPTERS]:
        book = load_practice(chapter, base=COURSE)
        for quiz_id in book.quizzes:
            widget = book.quiz(quiz_id)
            assert isinstance(widget, QuizWidget)
            for question_widget in widget.questions:
                question_widget.select(question_widget.question.key_text)
                question_widget.submit_button.click()
                assert "回答正确" in question_widget.feedback.value, question_widget.question.id
