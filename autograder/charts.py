"""Old path of :mod:`autograder.teaching.charts`, kept working because copied chapter notebooks run
``from autograder import charts``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .teaching import charts

sys.modules[__name__] = charts
