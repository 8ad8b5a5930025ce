"""The call sandbox widget (ipywidgets): write every agent turn, 检查整通电话, see the walkthrough.

Thin like the other widgets: judging is the engine's ``check_call``, text is
:mod:`.callfeedback`.  Tests drive it by setting ``boxes[i].value`` and
calling ``check_button.click()``.
"""
from __future__ import annotations

import ipywidgets as W

from .callreport import (
    agent_label_html, call_error_html, call_feedback_html, call_intro_html, customer_line_html,
    model_call_html, model_call_locked_html,
)
from .callpractice import CallSandboxItem

__all__ = ["CallSandboxWidget"]


def _full(**extra) -> W.Layout:
    return W.Layout(width="100%", margin="2px 0", **extra)


class CallSandboxWidget(W.VBox):
    """A whole call: customer lines shown, one text box per agent turn, a walkthrough on 检查."""

    def __init__(self, item: CallSandboxItem):
        self.item = item
        self.result = None
        self.tried = False
        self.intro = W.HTML(call_intro_html(item), layout=_full())
        self.boxes: list[W.Textarea] = []
        rows: list[W.Widget] = [self.intro]
        for turn in item.turns:
            if not turn.is_agent:
                rows.append(W.HTML(customer_line_html(turn), layout=_full()))
                continue
            box = W.Textarea(placeholder=f"坐席第{turn.number}句：在这里写你要说的话",
                             layout=_full(height="52px"))
            self.boxes.append(box)
            rows += [W.HTML(agent_label_html(turn), layout=_full()), box]
        self.check_button = W.Button(description="检查整通电话", button_style="primary", icon="check",
                                     layout=W.Layout(width="140px"))
        self.model_button = W.Button(description="看参考通话", layout=W.Layout(width="120px"))
        self.feedback = W.HTML("", layout=_full())
        self.model = W.HTML("", layout=_full())
        self.check_button.on_click(self._on_check)
        self.model_button.on_click(self._on_model)
        rows += [W.HBox([self.check_button, self.model_button]), self.feedback, self.model]
        super().__init__(rows, layout=W.Layout(width="100%", margin="4px 0 8px 0",
                                               border="1px solid #ddd", padding="4px 10px"))

    def lines(self) -> list[str]:
        return [b.value for b in self.boxes]

    def fill(self, lines) -> None:
        """Type ``lines`` into the boxes in order (used by tests)."""
        for box, text in zip(self.boxes, lines):
            box.value = text

    def _on_check(self, _button=None) -> None:
        from ..engine.calls import check_call

        try:
            self.result = check_call(self.lines(), self.item.spec)
        except ValueError as err:  # an unknown scenario or rule in the practice file
            self.result = None
            self.feedback.value = call_error_html(str(err))
            return
        self.tried = True
        self.feedback.value = call_feedback_html(self.result)
        if self.model.value:  # an open model call stays below the fresh walkthrough
            self.model.value = model_call_html(self.item)

    def _on_model(self, _button=None) -> None:
        if not self.tried:
            self.model.value = model_call_locked_html()
            return
        showing = self.model_button.description == "收起参考通话"
        self.model.value = "" if showing else model_call_html(self.item)
        self.model_button.description = "看参考通话" if showing else "收起参考通话"
