"""Old path of :mod:`autograder.grading.core`, kept working because every released and submitted
exercise notebook runs ``from autograder.autotest import run_test`` in its hidden test cells.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .grading import core

sys.modules[__name__] = core
