"""Old path of :mod:`autograder.grading.selfcheck`, kept working because released exercise notebooks
run ``from autograder.selfcheck import self_check``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .grading import selfcheck

sys.modules[__name__] = selfcheck
