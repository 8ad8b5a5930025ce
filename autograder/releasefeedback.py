"""Old path of :mod:`autograder.classroom.releasefeedback`, kept working because copied course
configs set ``ExchangeFactory.release_feedback = "autograder.releasefeedback.SafeReleaseFeedback"``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .classroom import releasefeedback

sys.modules[__name__] = releasefeedback
