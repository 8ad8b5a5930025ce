"""Call-center etiquette courseware kit: rewrite checking and kernel-free grading.

``from autograder import check`` stays light (no nbgrader, pandas or
matplotlib): every graded kernel and every practice widget pays its import.
``autograder.scores(course_dir)`` (a pandas DataFrame of a course's scores)
is loaded on first use only, and so is ``check_call`` (whole calls).
"""
from .engine.engine import Finding, Result, check

__all__ = ["check", "Result", "Finding", "check_call", "CallResult", "scores"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in ("check_call", "CallResult"):  # whole-call checking (autograder/engine/calls.py)
        from .engine import calls

        return getattr(calls, name)
    if name == "scores":  # pandas and nbgrader load here, not at import
        from .report.frames import scores

        return scores
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
