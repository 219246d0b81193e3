"""Approve, edit or reject each action of a human-in-the-loop interrupt.

One box per action request: its name and description, its arguments (editable when the
reviewer chooses "edit"), a choice among the decisions its review config allows, and a
message for a rejection. `value()` is the resume payload the middleware expects.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.debugger.hitl import ActionReview, Decision, decision, response
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError

LABELS: dict[Decision, str] = {
    "approve": "Approve",
    "edit": "Edit",
    "reject": "Reject",
    "respond": "Respond",
}
ARGS_HEIGHT = 110


class ActionReviewBox(QGroupBox):
    """The decision on one action."""

    changed = Signal()

    def __init__(self, review: ActionReview, parent: QWidget | None = None) -> None:
        super().__init__(review.name or "Action", parent)
        self.review = review
        self.description = QLabel(review.description)
        self.description.setWordWrap(True)
        self.description.setProperty("role", "hint")
        self.description.setVisible(bool(review.description))
        self.args = JsonEditor(line_numbers=False)
        self.args.set_value(review.args)
        self.args.setReadOnly(True)
        self.args.setMaximumHeight(ARGS_HEIGHT)
        self.choices = QButtonGroup(self)
        self.buttons: dict[Decision, QRadioButton] = {}
        row = QHBoxLayout()
        for kind in review.allowed:
            button = QRadioButton(LABELS[kind])
            self.buttons[kind] = button
            self.choices.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.message = QLineEdit()
        self.message.setPlaceholderText("Why (sent to the model)")
        self.choices.buttonToggled.connect(self._on_choice)
        layout = QVBoxLayout(self)
        layout.addWidget(self.description)
        layout.addWidget(self.args)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.buttons[review.allowed[0]].setChecked(True)
        self._on_choice()

    def choice(self) -> Decision:
        return next(kind for kind, button in self.buttons.items() if button.isChecked())

    def choose(self, kind: Decision) -> None:
        self.buttons[kind].setChecked(True)

    def value(self) -> dict[str, Any]:
        """This action's decision.

        Raises:
            JsonError: The edited arguments are not a valid JSON object.
        """
        kind = self.choice()
        args = None
        if kind == "edit":
            args = self.args.value()
            if not isinstance(args, dict):
                raise JsonError(1, 1, "The arguments must be a JSON object", self.review.name)
        return decision(self.review, kind, args=args, message=self.message.text().strip())

    def _on_choice(self) -> None:
        kind = self.choice()
        self.args.setReadOnly(kind != "edit")
        self.message.setVisible(kind in ("reject", "respond"))
        self.changed.emit()


class HitlReview(QWidget):
    """The decisions on every action of one HITL request."""

    def __init__(self, reviews: list[ActionReview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes = [ActionReviewBox(review) for review in reviews]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in self.boxes:
            layout.addWidget(box)

    def value(self) -> dict[str, Any]:
        """`{"decisions": [...]}`, one per action, in order.

        Raises:
            JsonError: Edited arguments are invalid.
        """
        return response([box.value() for box in self.boxes])
