"""Old path of :mod:`autograder.teaching.fonts`, kept working because copied chapter notebooks run
``from autograder.fonts import use_chinese_font``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .teaching import fonts

sys.modules[__name__] = fonts
