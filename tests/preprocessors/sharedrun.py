"""Run one preprocessor on a real course's gradebook: on the grader's shared session, or as stock nbgrader does."""
from __future__ import annotations

from pathlib import Path

from autograder.grading.coursedir import course_gradebook, load_config, quiet_nbgrader_warnings
from autograder.grading.session import NotebookView, SourceCache

CH1 = "ch1_telephone"


def db_url(course: Path) -> str:
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(course)).db_url


def ids(course: Path, student: str) -> dict:
    return {"student": student, "assignment": CH1, "notebook": CH1, "db_url": db_url(course)}


def add_submission(course: Path, student: str) -> None:
    with quiet_nbgrader_warnings(), course_gradebook(course) as gb:
        gb.update_or_create_student(student)
        gb.update_or_create_submission(CH1, student)
        gb.db.commit()


def run_shared(course: Path, pp, nb, student: str):
    """``pp`` on the grader's shared gradebook session (one commit at the end, as the grader does)."""
    with quiet_nbgrader_warnings(), course_gradebook(course) as gb:
        view = NotebookView(gb, SourceCache(gb), CH1, CH1, student)
        resources = {"nbgrader": ids(course, student), "autograder": {"gradebook": view},
                     "unique_key": CH1, "output_files_dir": None}
        nb, _ = pp(nb, resources)
        gb.db.commit()
    return nb


def run_stock(course: Path, pp, nb, student: str):
    """``pp`` with nbgrader's resources only: it opens its own gradebook, as under ``nbgrader autograde``."""
    with quiet_nbgrader_warnings():
        nb, _ = pp(nb, {"nbgrader": ids(course, student), "unique_key": CH1, "output_files_dir": None})
    return nb


def as_notebook(nb: dict):
    """A notebook dict (sources as lists, as on disk) as nbformat reads it (sources as strings)."""
    import json

    import nbformat

    return nbformat.reads(json.dumps(nb, ensure_ascii=False), as_version=4)
