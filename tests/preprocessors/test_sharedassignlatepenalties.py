"""SharedAssignLatePenalties: a late submission's penalty, as stock nbgrader records it, reaches the export."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.questionbank.load import load_bank
from autograder.grading.coursedir import course_gradebook
from autograder.grading.grader import grade_course
from autograder.report.export import read_scores

from helpers import EXERCISES, FIXTURES, fill, key_answers, release_notebook, submit
from autograder.grading.coursedir import scripts_env

CH1 = "ch1_telephone"
DUE = "2026-11-20 08:00:00 UTC"
ON_TIME = "2026-11-20 07:59:00.000000 UTC"
LATE = "2026-11-20 10:30:00.000000 UTC"  # 2.5 hours late: 3 points off with the plugin below


def _full_marks() -> float:
    ch = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == CH1)
    return sum(q.points for q in ch.questions if q.type != "short")


@pytest.fixture
def late_course(course: Path) -> Path:
    """The kit's course with a due date, a late-penalty plugin, one submission on time and one late."""
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nimport sys\nsys.path.insert(0, {str(FIXTURES / 'plugins')!r})\n"
                "c.AssignLatePenalties.plugin_class = 'hourly_late_penalty.OnePointPerHourLate'\n")
    with course_gradebook(course) as gb:
        gb.update_or_create_assignment(CH1, duedate=DUE)
    answers = key_answers(CH1)
    submit(course, "on_time", CH1, fill(release_notebook(course, CH1), answers), timestamp=ON_TIME)
    submit(course, "late", CH1, fill(release_notebook(course, CH1), answers), timestamp=LATE)
    return course


def _penalties(course: Path) -> dict[str, tuple[float, float | None]]:
    """{student: (notebook score, late penalty)} from the gradebook."""
    with course_gradebook(course) as gb:
        return {s: (gb.find_submission_notebook(CH1, CH1, s).score,
                    gb.find_submission_notebook(CH1, CH1, s).late_submission_penalty) for s in ("on_time", "late")}


def test_the_kit_records_the_plugins_penalty_and_the_export_subtracts_it(late_course):
    grade_course(late_course, [CH1], progress=False)
    got = _penalties(late_course)
    assert got["late"] == (_full_marks(), 3.0)
    assert got["on_time"] == (_full_marks(), None)
    table = read_scores(late_course)
    rows = {row.id: row.chapters[CH1] for row in table.students}
    assert table.has_penalty
    assert rows["late"].penalty == 3.0 and rows["late"].total == pytest.approx(_full_marks() - 3.0)
    assert rows["on_time"].penalty == 0.0 and rows["on_time"].total == pytest.approx(_full_marks())


def test_regrading_after_the_due_date_moves_drops_the_penalty(late_course):
    grade_course(late_course, [CH1], progress=False)
    with course_gradebook(late_course) as gb:
        gb.update_or_create_assignment(CH1, duedate="2026-11-21 08:00:00 UTC")
    grade_course(late_course, [CH1], progress=False)
    assert _penalties(late_course)["late"] == (_full_marks(), None)


@pytest.mark.slow
def test_stock_nbgrader_autograde_records_the_same_penalty(late_course, tmp_path):
    stock = tmp_path / "stock"
    shutil.copytree(late_course, stock)
    grade_course(late_course, [CH1], progress=False)
    bin_dir = Path(sys.executable).parent
    env = scripts_env()
    env.pop("AUTOGRADER_EXECUTE", None)
    out = subprocess.run([str(bin_dir / "nbgrader"), "autograde", CH1], cwd=stock, env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    assert _penalties(stock) == _penalties(late_course)
    assert _penalties(stock)["late"][1] == 3.0
