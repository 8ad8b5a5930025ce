"""Limits on what one submission may cost, so that a class's grading always finishes."""
from __future__ import annotations

import time

from traitlets import Float, Integer
from traitlets.config import Configurable

__all__ = ["SubmissionLimits", "Deadline", "SubmissionTimeout"]


class SubmissionLimits(Configurable):
    """Set in the course's nbgrader_config.py, e.g. ``c.SubmissionLimits.max_seconds = 60``."""

    max_notebook_bytes = Integer(
        20_000_000,
        help="Largest submitted notebook file the grader reads, in bytes (checked before reading). "
             "A larger file scores 0 as unreadable. An exercise notebook is well under 1 MB.",
    ).tag(config=True)

    max_seconds = Float(
        120.0,
        help="Wall-clock limit for grading one student's submission of one assignment, in seconds. "
             "When it runs out the submission scores 0 as unreadable and the class goes on.",
    ).tag(config=True)

    max_timestamp_bytes = Integer(
        4096,
        help="Largest timestamp.txt the grader reads, in bytes; a larger one cannot be a timestamp.",
    ).tag(config=True)


class SubmissionTimeout(RuntimeError):
    """The wall-clock limit of one submission ran out."""


class Deadline:
    """A point in time after which :meth:`check` raises :class:`SubmissionTimeout`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expires = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.expires:
            raise SubmissionTimeout(f"评分超时（超过 {self.seconds:g} 秒）")
