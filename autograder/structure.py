"""Old path of :mod:`autograder.grading.structure`, kept working because copied course configs set
``GenerateAssignment.exporter_class = "autograder.structure.GuardedGenerateExporter"``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .grading import structure

sys.modules[__name__] = structure
