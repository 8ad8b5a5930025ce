"""Item 13: an unparsable timestamp.txt counted as on time (late penalty 0).

Stock ``nbgrader autograde`` refuses to grade such a submission.  The kit is
as strict: the submission scores 0, is marked 无法读取 and the summary says
why; a late submission with a real timestamp still gets its penalty.
"""
from __future__ import annotations

import pytest

from attacks import CH1, add_config, assert_honest_untouched, comments, gradebook, nbgrader, submit_honest
from helpers import fill, key_answers, release_notebook, submit

from autograder.grading.grader import UNREADABLE, grade_course

GARBAGE = {
    "words": "three days late, sorry",
    "two_lines": "2026-11-20 10:00:00.000000 UTC\n2027-01-05 10:00:00.000000 UTC",
    "year_99999": "99999-01-01 00:00:00.000000 UTC",
    "binary": b"\xff\xfe\x00\x1b[2J",
}


def _late_course(course):
    add_config(course, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    with gradebook(course) as gb:
        gb.update_or_create_assignment(CH1, duedate="2026-12-31 00:00:00 UTC")


def _plant(course):
    good = fill(release_notebook(course, CH1), key_answers(CH1))
    for name, stamp in GARBAGE.items():
        path = submit(course, name, CH1, good)
        stamp_file = path.parent / "timestamp.txt"
        if isinstance(stamp, bytes):
            stamp_file.write_bytes(stamp)
        else:
            stamp_file.write_text(stamp, encoding="utf-8")
    submit(course, "really_late", CH1, good, timestamp="2027-01-03 10:00:00.000000 UTC")


def test_unparsable_timestamp_is_refused_and_reported(course):
    _late_course(course)
    submit_honest(course)
    _plant(course)
    report = grade_course(course, [CH1], progress=False)
    with gradebook(course) as gb:
        for name in GARBAGE:
            sub = gb.find_submission(CH1, name)
            assert sub.score == 0, name
            assert all(c.auto_comment.startswith(UNREADABLE) and "timestamp.txt" in c.auto_comment
                       for c in gb.find_submission_notebook(CH1, CH1, name).comments), name
            assert any("timestamp.txt" in i.message for i in report.issues if i.student == name), name
        late = gb.find_submission(CH1, "really_late")
        assert late.score > 0 and late.late_submission_penalty == late.score  # the "zero" plugin
        for honest in ("honest_a", "honest_b"):
            assert not gb.find_submission(CH1, honest).late_submission_penalty
    assert "\x1b" not in report.summary()
    assert_honest_untouched(course)


@pytest.mark.slow
def test_stock_nbgrader_refuses_the_same_timestamp(course):
    submit(course, "words", CH1, fill(release_notebook(course, CH1), key_answers(CH1)),
           timestamp=GARBAGE["words"])
    done = nbgrader(course, "autograde", CH1, "--student", "words")
    assert done.returncode != 0 and "Unknown string format" in done.stdout + done.stderr
    grade_course(course, [CH1], progress=False)
    assert any("timestamp.txt" in c for c in comments(course, "words"))
