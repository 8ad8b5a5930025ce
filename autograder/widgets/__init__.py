"""Practice widgets for the course notebooks: a quiz and a rewrite sandbox.

In a chapter notebook::

    from autograder.widgets import load_practice
    练习 = load_practice("ch1_telephone")   # reads practice/ch1_telephone.yaml
    练习.quiz("answering")                  # single / multiple choice, instant feedback
    练习.sandbox("opening")                 # rewrite a bad utterance, 检查 explains
    练习.call("repair_progress")            # a whole call, turn by turn, then as a call

The logic (judging answers, building feedback HTML) lives in
:mod:`.feedback`, :mod:`.practice` and :mod:`.book`, which do not import ipywidgets;
:mod:`.ui` holds the widgets.  ``import autograder`` never imports this
package.
"""
from __future__ import annotations

from .book import PracticeBook, load_practice
from .practice import CallSandboxItem, QuizQuestion, QuizSet, SandboxItem

__all__ = ["load_practice", "PracticeBook", "QuizQuestion", "QuizSet", "SandboxItem", "CallSandboxItem",
           "QuizWidget", "SandboxWidget", "CallSandboxWidget"]


def __getattr__(name: str):  # the ipywidgets classes, imported on first use
    if name in ("QuizWidget", "SandboxWidget", "QuestionWidget"):
        from . import ui

        return getattr(ui, name)
    if name == "CallSandboxWidget":
        from .callui import CallSandboxWidget

        return CallSandboxWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
