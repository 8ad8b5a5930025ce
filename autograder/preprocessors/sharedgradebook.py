"""Helper: the grading run's open gradebook, if it passed one in resources."""
from __future__ import annotations


def shared_gradebook(resources: dict):
    return (resources.get("autograder") or {}).get("gradebook")


def bind_shared(pp, resources: dict):
    """Set the ids nbgrader's preprocessors keep, and their gradebook, from the run's shared one.

    Returns the shared gradebook, or None when there is none (then the
    preprocessor behaves exactly as nbgrader's own and opens its own).
    """
    gb = shared_gradebook(resources)
    if gb is not None:
        ids = resources["nbgrader"]
        pp.notebook_id = ids["notebook"]
        pp.assignment_id = ids["assignment"]
        pp.student_id = ids.get("student")
        pp.db_url = ids["db_url"]
        pp.gradebook = gb
    return gb
