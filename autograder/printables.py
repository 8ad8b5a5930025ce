"""Old path of :mod:`autograder.teaching.printables`, kept working because copied chapter notebooks
run ``from autograder.printables import show_roleplay`` (and show_scripts, show_reference).

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .teaching import printables

sys.modules[__name__] = printables
