"""One table of question types: every place that names a type reads it."""
from __future__ import annotations

from autograder.questionbank.build import build_notebook
from autograder.questionbank.load import TYPE_ORDER, load_bank
from autograder.questiontypes import QUESTION_TYPES, TYPE_LABEL

from helpers import EXERCISES


def test_every_bank_type_has_its_names():
    assert set(QUESTION_TYPES) == set(TYPE_ORDER)
    for key, qtype in QUESTION_TYPES.items():
        assert qtype.key == key and qtype.label.endswith("题") and qtype.column.endswith("题") and qtype.tag


def test_built_headings_grading_messages_and_score_columns_use_the_table():
    from autograder.grading.outcome import TYPE_LABEL as grading_labels
    from autograder.report.charts import TYPE_NAME
    from autograder.report.table import TYPE_LABEL as column_labels

    assert grading_labels is TYPE_LABEL
    assert column_labels["call"] == "通话题" and column_labels["single"] == QUESTION_TYPES["single"].column
    assert all(TYPE_NAME[k] == QUESTION_TYPES[k].column for k in TYPE_NAME)
    chapter = load_bank(EXERCISES / "bank")[0]
    headings = "".join("".join(c["source"]) for c in build_notebook(chapter)["cells"] if c["cell_type"] == "markdown")
    for q in chapter.questions:
        assert f"{q.var}（{TYPE_LABEL[q.type]}，" in headings


def test_practice_widgets_tag_choice_questions_with_the_short_name():
    from autograder.widgets.practice import QuizQuestion

    q = QuizQuestion("q1", "multiple", "题干", (("A", "甲"), ("B", "乙"), ("C", "丙")), frozenset("AB"), "说明")
    assert q.type_label == "多选" == QUESTION_TYPES["multiple"].tag
