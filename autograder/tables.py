"""Old path of :mod:`autograder.report.frames`, kept working because copied chapter notebooks run
``from autograder.tables import question_scores, rule_findings``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .report import frames

sys.modules[__name__] = frames
