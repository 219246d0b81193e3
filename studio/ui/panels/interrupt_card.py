"""One pending interrupt: who raised it, its id, its value, and the answer to resume it with.

A HITL request (`action_requests` + `review_configs`) is answered with approve / edit /
reject controls; any other value with a JSON answer, plus one-click answers when the value
lists its `options`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.debugger.hitl import read_request
from studio.ui.widgets.hitl_review import HitlReview
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError, dump_compact

VALUE_HEIGHT = 130
ANSWER_HEIGHT = 80


class InterruptCard(QFrame):
    """Shows one interrupt and collects its answer."""

    def __init__(self, interrupt: Mapping[str, Any], node: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        self.interrupt_id = str(interrupt.get("id", ""))
        value = interrupt.get("value")
        title = QLabel(f"<b>{node or 'interrupt'}</b> asks:")
        ident = QLabel(f"id {self.interrupt_id}")
        ident.setProperty("role", "hint")
        ident.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        ident.setToolTip("The interrupt's id: the key of its answer when several are pending")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(ident)
        reviews = read_request(value)
        self.review: HitlReview | None = None
        self.value_view: JsonEditor | None = None
        self.answer: JsonEditor | None = None
        if reviews is not None:
            self.review = HitlReview(reviews)
            layout.addWidget(self.review)
            return
        self.value_view = JsonEditor(read_only=True, line_numbers=False)
        self.value_view.setLineWrapMode(JsonEditor.LineWrapMode.WidgetWidth)
        self.value_view.set_value(value)
        lines = self.value_view.blockCount() + 1
        fitted = lines * self.value_view.fontMetrics().lineSpacing() + 12
        self.value_view.setFixedHeight(min(VALUE_HEIGHT, fitted))
        layout.addWidget(self.value_view)
        self.answer = JsonEditor(line_numbers=False, optional=True)
        self.answer.setPlaceholderText('The answer, as JSON: "approve", {"decision": "reject"}')
        self.answer.setMinimumHeight(ANSWER_HEIGHT // 2)
        self.answer.setMaximumHeight(ANSWER_HEIGHT)
        answer_row = QHBoxLayout()
        answer_row.addWidget(QLabel("Answer"))
        options = value.get("options") if isinstance(value, Mapping) else None
        if isinstance(options, list) and 0 < len(options) <= 6:
            for option in options:
                button = QPushButton(str(option))
                button.setToolTip(f"Answer {dump_compact(option)}")
                button.clicked.connect(lambda _=False, o=option: self.set_answer(o))
                answer_row.addWidget(button)
        answer_row.addStretch(1)
        layout.addLayout(answer_row)
        layout.addWidget(self.answer)

    def set_answer(self, value: Any) -> None:
        if self.answer is not None:
            self.answer.set_value(value)

    def value(self) -> Any:
        """The answer to resume with.

        Raises:
            JsonError: The answer is not valid JSON (it names this interrupt).
        """
        if self.review is not None:
            return self.review.value()
        assert self.answer is not None
        if self.answer.is_blank():
            raise JsonError(1, 1, "Type an answer first", f"interrupt {self.interrupt_id[:8]}")
        try:
            return self.answer.value()
        except JsonError as exc:
            raise exc.in_field(f"interrupt {self.interrupt_id[:8]}") from None
