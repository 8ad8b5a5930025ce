"""Call-center etiquette courseware kit: rewrite checking and kernel-free grading.

``from autograder import check`` stays light (no nbgrader, pandas or
matplotlib): every graded kernel and every practice widget pays its import.
"""
from .engine import Finding, Result, check

__all__ = ["check", "Result", "Finding"]
__version__ = "0.1.0"
