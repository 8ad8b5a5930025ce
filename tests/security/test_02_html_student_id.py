"""Item 2: HTML (or any unsafe id) as a student id, planted in the exchange inbound.

A student can create ``inbound/<img src=x onerror=…>+ch1_telephone+<ts>+cafe/``;
``nbgrader collect`` records that id.  The kit never creates, grades or
exports such an id (nor, once a roster exists, an id not on it), reports it,
and writes nothing for it.
"""
from __future__ import annotations

import csv

import pytest

from attacks import CH1, HONEST, assert_honest_untouched, hand_in, honest_notebook, kit, nbgrader, students_in_gradebook
from helpers import key_answers, release_notebook, fill, off_policy_lines

pytestmark = pytest.mark.slow

HTML_ID = "<img src=x onerror=alert(document.domain)>"


def _exported_ids(course, tmp_path) -> list[str]:
    out = tmp_path / "export"
    done = kit("export", "--course", str(course), "--out", str(out), "--no-charts")
    assert done.returncode == 0, done.stderr
    with open(out / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        return [row[0] for row in list(csv.reader(fh))[1:]], done.stdout


def _plant_class(course, inbound):
    for student in HONEST:
        hand_in(inbound, student, honest_notebook(course, student))
    attacker = fill(release_notebook(course, CH1), key_answers(CH1))
    hand_in(inbound, HTML_ID, attacker)
    hand_in(inbound, "a b", attacker)  # a space: not an id the roster or the exchange can carry


def test_html_id_collected_by_nbgrader_is_never_created_graded_or_exported(exchange_course, tmp_path):
    course, inbound = exchange_course
    _plant_class(course, inbound)
    done = nbgrader(course, "collect", CH1)
    assert done.returncode == 0, done.stderr
    assert (course / "submitted" / HTML_ID / CH1).is_dir()  # stock nbgrader collects it under that id

    done = kit("grade", "--course", str(course), "--quiet")
    assert done.returncode == 0, done.stderr
    assert students_in_gradebook(course) == set(HONEST)
    assert not (course / "autograded" / HTML_ID).exists()
    assert HTML_ID in done.stdout and "a b" in done.stdout and "未写入成绩库" in done.stdout
    assert_honest_untouched(course)

    ids, summary = _exported_ids(course, tmp_path)
    assert sorted(ids) == sorted(HONEST)
    assert "<img" not in (tmp_path / "export" / "scores.csv").read_text(encoding="utf-8-sig")


def test_kit_collect_refuses_unsafe_ids(exchange_course):
    course, inbound = exchange_course
    _plant_class(course, inbound)
    done = kit("collect", "--course", str(course), CH1)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(HONEST)
    assert HTML_ID in done.stdout and "未收取" in done.stdout
    assert "refused" in done.stdout and off_policy_lines(done.stdout) == [], done.stdout
    done = kit("grade", "--course", str(course), "--quiet")
    assert done.returncode == 0, done.stderr
    assert students_in_gradebook(course) == set(HONEST)
    assert_honest_untouched(course)


def test_with_a_roster_an_unlisted_id_is_not_created_graded_or_exported(exchange_course, tmp_path):
    course, inbound = exchange_course
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名\nhonest_a,王伟\nhonest_b,李娜\n", encoding="utf-8-sig")
    done = kit("roster", "import", str(roster), "--course", str(course))
    assert done.returncode == 0, done.stderr
    _plant_class(course, inbound)
    hand_in(inbound, "mallory", fill(release_notebook(course, CH1), key_answers(CH1)))  # safe, but not listed
    assert nbgrader(course, "collect", CH1).returncode == 0
    assert (course / "submitted" / "mallory").is_dir()

    done = kit("grade", "--course", str(course), "--quiet")
    assert done.returncode == 0, done.stderr
    assert students_in_gradebook(course) == set(HONEST)
    assert "mallory" in done.stdout and "不在名单中" in done.stdout
    assert not (course / "autograded" / "mallory").exists()
    assert_honest_untouched(course)
    ids, _ = _exported_ids(course, tmp_path)
    assert sorted(ids) == sorted(HONEST)


@pytest.mark.parametrize("bad", ["2024+001", "2024 001", HTML_ID, "a\x1bb", "-rf"])
def test_roster_import_rejects_ids_the_exchange_cannot_carry(course, tmp_path, bad):
    path = tmp_path / "roster.csv"
    path.write_text(f'学号,姓名\nhonest_a,王伟\n"{bad}",坏学号\n', encoding="utf-8-sig")
    done = kit("roster", "import", str(path), "--course", str(course))
    assert done.returncode == 0, done.stderr
    assert "跳过 1 行" in done.stdout and "第3行" in done.stdout
    assert students_in_gradebook(course) == {"honest_a"}
