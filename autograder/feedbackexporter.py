"""Old path of :mod:`autograder.grading.feedbackexporter`, kept working because copied course
configs set ``GenerateFeedback.exporter_class = "autograder.feedbackexporter.FeedbackExporter"``.

This module makes the old name the same module object as the new one (so
code that sets an attribute here, as a notebook might, sees the real module).
"""
import sys

from .grading import feedbackexporter

sys.modules[__name__] = feedbackexporter
