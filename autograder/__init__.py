"""Call-center etiquette courseware kit: rewrite checking and kernel-free grading.

``from autograder import check`` stays light (no nbgrader, pandas or
matplotlib): every graded kernel and every practice widget pays its import.
``autograder.scores(course_dir)`` (a pandas DataFrame of a course's scores)
is loaded on first use only.
"""
from .engine import Finding, Result, check

__all__ = ["check", "Result", "Finding", "scores"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "scores":  # pandas and nbgrader load here, not at import
        from .tables import scores

        return scores
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
