"""The practice widgets themselves (ipywidgets): a quiz and a rewrite sandbox.

They are thin: every decision and every piece of feedback text comes from
:mod:`autograder.widgets.feedback`; the widgets only wire buttons to it.
Tests drive them by setting values and calling ``button.click()``.
"""
from __future__ import annotations

import ipywidgets as W

from .feedback import (
    evaluate_quiz, missing_scenario_html, model_answer_html, quiz_feedback_html,
    quiz_question_html, sandbox_feedback_html, sandbox_intro_html,
)
from .practice import QuizQuestion, QuizSet, SandboxItem, parse_choice

__all__ = ["QuestionWidget", "QuizWidget", "SandboxWidget"]

# Full width without overflow: ipywidgets gives every widget a 2px margin, and
# width 100% plus a horizontal margin spills past the output area's edge.
def _full(**extra) -> W.Layout:
    return W.Layout(width="100%", margin="2px 0", **extra)


class QuestionWidget(W.VBox):
    """One choice question: letters to pick, 提交答案, instant feedback."""

    def __init__(self, question: QuizQuestion, number: int):
        self.question = question
        self.stem = W.HTML(quiz_question_html(question, number), layout=_full())
        if question.type == "single":
            self.choice = W.ToggleButtons(options=list(question.letters), value=None,
                                          style={"button_width": "46px"})
            self.toggles: list[W.ToggleButton] = []
            picker = self.choice
        else:
            self.choice = None
            self.toggles = [W.ToggleButton(description=letter, value=False,
                                           layout=W.Layout(width="46px"))
                            for letter in question.letters]
            picker = W.HBox(self.toggles)
        self.submit_button = W.Button(description="提交答案", button_style="info",
                                      layout=W.Layout(width="100px"))
        self.feedback = W.HTML("", layout=_full())
        self.submit_button.on_click(self._on_submit)
        super().__init__([self.stem, W.HBox([picker, self.submit_button]), self.feedback],
                         layout=W.Layout(width="100%", margin="0 0 4px 0"))

    def selected(self) -> tuple[str, ...]:
        if self.choice is not None:
            return parse_choice(self.choice.value, self.question.letters)
        return tuple(t.description for t in self.toggles if t.value)

    def select(self, answer) -> None:
        """Set the selection as a student would click it (used by tests)."""
        letters = parse_choice(answer, self.question.letters)
        if self.choice is not None:
            self.choice.value = letters[0] if letters else None
        else:
            for t in self.toggles:
                t.value = t.description in letters

    def _on_submit(self, _button=None) -> None:
        verdict = evaluate_quiz(self.question, self.selected())
        self.verdict = verdict
        self.feedback.value = quiz_feedback_html(self.question, verdict)


class QuizWidget(W.VBox):
    """A set of practice questions, each with its own 提交答案 button."""

    def __init__(self, quiz: QuizSet):
        self.quiz = quiz
        self.title = W.HTML(f'<div style="font-size:110%;margin-top:4px"><b>✎ {_esc(quiz.title)}</b>'
                            f'<span style="color:#777">（练习，不计分：选好后点「提交答案」，'
                            f'马上就能看到对错和解析）</span></div>', layout=_full())
        self.questions = [QuestionWidget(q, i + 1) for i, q in enumerate(quiz.questions)]
        super().__init__([self.title, *self.questions],
                         layout=W.Layout(width="100%", border="1px solid #ddd", padding="4px 10px"))


class SandboxWidget(W.VBox):
    """Rewrite a bad utterance; 检查 runs the rule engine and explains every finding."""

    def __init__(self, item: SandboxItem):
        from ..engine import engine

        self.item = item
        self.available = True
        try:
            scenario = engine.get_scenario(item.scenario)
        except engine.UnknownScenario:
            self.available = False
            scenario = None
        self.scenario = scenario
        self.feedback = W.HTML("", layout=_full())
        if scenario is None:
            self.intro = W.HTML(sandbox_intro_html(item, item.id, ""), layout=_full())
            self.text = W.Textarea(disabled=True, layout=_full(height="70px"))
            self.check_button = W.Button(description="检查", disabled=True)
            self.model_button = W.Button(description="看参考说法")
            self.feedback.value = missing_scenario_html(item)
        else:
            self.intro = W.HTML(sandbox_intro_html(item, scenario.title, scenario.situation),
                                layout=_full())
            self.text = W.Textarea(
                placeholder="在这里输入你的规范说法，写完点「检查」",
                layout=_full(height="70px"))
            self.check_button = W.Button(description="检查", button_style="primary", icon="check",
                                         layout=W.Layout(width="100px"))
            self.model_button = W.Button(description="看参考说法", layout=W.Layout(width="110px"))
        self.requirements = ([(r.id, r.name) for r in scenario.requires] if scenario else [])
        self.model = W.HTML("", layout=_full())
        self.check_button.on_click(self._on_check)
        self.model_button.on_click(self._on_model)
        self.result = None
        super().__init__(
            [self.intro, self.text, W.HBox([self.check_button, self.model_button]),
             self.feedback, self.model],
            layout=W.Layout(width="100%", margin="4px 0 8px 0"))

    def _on_check(self, _button=None) -> None:
        if not self.available:
            return
        from ..engine.engine import check

        text = self.text.value
        self.result = check(text, self.item.scenario, original=self.item.bad)
        self.feedback.value = sandbox_feedback_html(self.result, text, self.requirements)

    def _on_model(self, _button=None) -> None:
        self.model.value = "" if self.model.value else model_answer_html(self.item)
        self.model_button.description = "收起参考说法" if self.model.value else "看参考说法"


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
