"""Item 18: robustness — encodings, a non-UTF-8 folder name, invisible characters in an answer.

A notebook saved with a UTF-8 BOM, as UTF-16 or as GBK scored 0 as "not a
notebook"; a folder whose name is not UTF-8 vanished from the gradebook and
export without a word; ``"C\\u200b"`` was unreadable.
"""
from __future__ import annotations

import json
import os

import pytest

from attacks import CH1, assert_honest_untouched, auto_scores, bank_questions, kit, submit_honest
from helpers import fill, key_answers, release_notebook, submit

from autograder.grading.answers import parse_choice
from autograder.grading.grader import grade_course

INVISIBLE = ["\u200b", "\u200e", "\u202e", "\u2061", "\ufe0f", "\u034f", "\U000e0020", "\ue000", "\u180e"]


def _full(course):
    return {q.grade_cell: (None if q.type == "short" else float(q.points)) for q in bank_questions()}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "gbk"])
def test_notebook_in_other_encodings_is_read(course, encoding):
    submit_honest(course)
    nb = fill(release_notebook(course, CH1), key_answers(CH1), short="先问候，再报工号。")
    path = submit(course, "encoded", CH1, nb)
    path.write_bytes(json.dumps(nb, ensure_ascii=False).encode(encoding))
    report = grade_course(course, [CH1], progress=False)
    assert auto_scores(course, "encoded") == _full(course)
    assert not [i for i in report.issues if i.student == "encoded"]
    assert_honest_untouched(course)


def test_non_utf8_folder_name_is_reported_not_dropped(course):
    submit_honest(course)
    folder = os.path.join(os.fsencode(course / "submitted"), b"stu\xff\xfe", CH1.encode())
    os.makedirs(folder)
    nb = fill(release_notebook(course, CH1), key_answers(CH1))
    with open(os.path.join(folder, CH1.encode() + b".ipynb"), "w", encoding="utf-8") as fh:
        json.dump(nb, fh, ensure_ascii=False)
    done = kit("grade", "--course", str(course), "--quiet", CH1)
    assert done.returncode == 0, done.stderr
    assert "stu\\xff\\xfe" in done.stdout and "UTF-8" in done.stdout
    assert_honest_untouched(course)


@pytest.mark.parametrize("mark", INVISIBLE)
def test_invisible_characters_do_not_change_a_choice(mark):
    assert parse_choice("C" + mark, "single", "ABCD").letters == {"C"}
    assert parse_choice("A" + mark + "B" + mark + "D", "multiple", "ABCD").letters == {"A", "B", "D"}


def test_invisible_characters_in_answers_score_like_the_plain_answer(course):
    submit_honest(course)
    answers = key_answers(CH1)
    for i, q in enumerate(q for q in bank_questions() if q.type in ("single", "multiple")):
        letters = json.loads(answers[q.var])
        mark = INVISIBLE[i % len(INVISIBLE)]
        answers[q.var] = json.dumps(mark.join(letters) + mark)
    submit(course, "zwsp", CH1, fill(release_notebook(course, CH1), answers, short="先问候，再报工号。"))
    grade_course(course, [CH1], progress=False)
    assert auto_scores(course, "zwsp") == _full(course)
    assert_honest_untouched(course)
