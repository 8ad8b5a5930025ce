"""Item 12: no size or complexity limit on a submission.

A 200 MB notebook cost gigabytes of memory; thousands of parseable junk
cells above the answers were re-parsed for every question.  Now the file
size is capped before reading, each cell is parsed once per submission, and
each submission has a wall-clock limit (``SubmissionLimits`` traitlets) so
the class always finishes.
"""
from __future__ import annotations


from attacks import CH1, add_config, assert_honest_untouched, auto_scores, bank_questions, comments, submit_honest
from helpers import grade_id, fill, key_answers, release_notebook, submit

from autograder.grading import answers
from autograder.grading.grader import UNREADABLE, grade_course


def _junk_cells(n: int, size: int) -> list[dict]:
    names = " ".join(q.var for q in bank_questions())  # every question's name: no cheap skip
    body = "草稿 = [" + "1," * (size // 2) + "]"
    return [{"cell_type": "code", "execution_count": None, "id": f"junk{i}", "metadata": {}, "outputs": [],
             "source": f"# {names}\n{body}"} for i in range(n)]


def _with_junk_above(course, n, size):
    """Junk code cells at the top and the answer cells moved below every test (still read, as documented):
    each question scans every cell above its test without finding its answer."""
    nb = fill(release_notebook(course, CH1), key_answers(CH1), short="先问候，再报工号。")
    moved = [c for c in nb["cells"] if c["cell_type"] == "code" and grade_id(c).endswith("_answer")]
    nb["cells"] = [c for c in nb["cells"] if not any(c is m for m in moved)] + moved
    nb["cells"][1:1] = _junk_cells(n, size)
    return nb


def test_limits_are_configurable_traitlets_with_help():
    from autograder.grading.limits import SubmissionLimits

    limits = SubmissionLimits()
    assert limits.max_notebook_bytes == 20_000_000 and limits.max_seconds > 0
    for name in ("max_notebook_bytes", "max_seconds", "max_timestamp_bytes"):
        trait = SubmissionLimits.class_traits()[name]
        assert trait.metadata.get("config") and trait.help


def test_notebook_over_the_size_limit_is_not_read(course):
    add_config(course, "c.SubmissionLimits.max_notebook_bytes = 2_000_000")
    submit_honest(course)
    big = fill(release_notebook(course, CH1), key_answers(CH1))
    big["cells"][0]["attachments"] = {"x.png": {"image/png": "A" * 3_000_000}}
    submit(course, "big", CH1, big)
    report = grade_course(course, [CH1], progress=False)
    assert all(v == 0 for v in auto_scores(course, "big").values())
    assert any("文件太大" in c and c.startswith(UNREADABLE) for c in comments(course, "big"))
    assert any("文件太大" in i.message for i in report.issues if i.student == "big")
    assert_honest_untouched(course)


def test_each_cell_is_parsed_once_per_submission(course, monkeypatch):
    submit(course, "junk", CH1, _with_junk_above(course, 200, 200))
    calls = []
    real = answers._parse
    monkeypatch.setattr(answers, "_parse", lambda text: calls.append(1) or real(text))
    grade_course(course, [CH1], progress=False)
    code_cells = 200 + 2 * len(bank_questions())
    assert len(calls) <= code_cells, f"{len(calls)} parses for {code_cells} code cells"
    expected = {q.grade_cell: (None if q.type == "short" else float(q.points)) for q in bank_questions()}
    assert auto_scores(course, "junk") == expected  # the junk changes nothing


def test_wall_clock_limit_per_submission_lets_the_class_finish(course):
    add_config(course, "c.SubmissionLimits.max_seconds = 1.0")
    submit(course, "a_slow", CH1, _with_junk_above(course, 100, 50_000))  # 5 MB of junk: seconds to parse
    submit_honest(course)  # graded after it
    report = grade_course(course, [CH1], progress=False)
    assert all(v == 0 for v in auto_scores(course, "a_slow").values())
    assert any("评分超时" in c for c in comments(course, "a_slow"))
    assert any("评分超时" in i.message for i in report.issues if i.student == "a_slow")
    assert_honest_untouched(course)
