"""A message list editor for LangGraph's `messages` channel (`add_messages`).

The schema of a message list is a `oneOf` of a dozen LangChain message classes: far too much
for a form, and most of it server-filled. People type conversations, so this editor offers a
role and a text per message and produces `[{"role": ..., "content": ...}]`, which
`add_messages` accepts. Other keys of messages given to `set_value` (an `id`, a
`tool_call_id`) are kept and sent back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.widgets.field_editor import FieldEditor, text_height
from studio.ui.widgets.json_summary import message_role
from studio.ui.widgets.schema_spec import MESSAGE_ROLES, FieldSpec

_CONTENT_LINES = 3
_IGNORED_KEYS = ("role", "type", "content")


class MessageRow(QFrame):
    """One message: role combo, content text, remove button."""

    def __init__(self, role: str, content: str, extra: Mapping[str, Any]) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.extra = dict(extra)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.role = QComboBox()
        self.role.addItems(list(MESSAGE_ROLES))
        self.role.setCurrentText(role)
        self.content = QPlainTextEdit(content)
        self.content.setPlaceholderText("Message text")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(text_height(self.content, _CONTENT_LINES))
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this message")
        column = QVBoxLayout()
        column.addWidget(self.role)
        column.addStretch(1)
        layout.addLayout(column)
        layout.addWidget(self.content, 1)
        layout.addWidget(self.remove)

    def message(self) -> dict[str, Any]:
        """The message as `add_messages` accepts it."""
        return {
            **self.extra,
            "role": self.role.currentText(),
            "content": self.content.toPlainText(),
        }


class MessageListEditor(FieldEditor):
    """Messages as rows of role + text, with an "Add message" button."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._rows: list[MessageRow] = []
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        column.addLayout(self._rows_layout)
        self.add_button = QPushButton("Add message")
        self.add_button.clicked.connect(self._on_add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self._layout.addLayout(column)

    # Public API

    def rows(self) -> list[MessageRow]:
        """The message rows, in order."""
        return list(self._rows)

    def add_message(
        self, role: str = "human", content: str = "", extra: Mapping[str, Any] | None = None
    ) -> MessageRow:
        """Append a message row."""
        row = MessageRow(role, content, extra or {})
        row.role.currentIndexChanged.connect(self.edited)
        row.content.textChanged.connect(self.edited)
        row.remove.clicked.connect(lambda: self.remove_message(self._rows.index(row)))
        self._rows.append(row)
        self._rows_layout.addWidget(row)
        self.edited.emit()
        return row

    def remove_message(self, index: int) -> None:
        """Remove message `index`."""
        row = self._rows.pop(index)
        self._rows_layout.removeWidget(row)
        row.deleteLater()
        self.edited.emit()

    # FieldEditor

    def value(self) -> list[dict[str, Any]]:
        return [row.message() for row in self._rows]

    def set_value(self, value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise ValueError(f"not a message list: {value!r}")
        parsed = [_parse_message(item) for item in value]  # all or nothing
        self._clear()
        for role, content, extra in parsed:
            self.add_message(role, content, extra)

    def _clear(self) -> None:
        while self._rows:
            self.remove_message(len(self._rows) - 1)

    # Private

    def _on_add_clicked(self) -> None:
        # A conversation alternates: after a human turn, offer the AI's.
        last = self._rows[-1].role.currentText() if self._rows else "ai"
        row = self.add_message("ai" if last == "human" else "human")
        row.content.setFocus()


def _parse_message(item: Any) -> tuple[str, str, dict[str, Any]]:
    """(role, text, other keys) of a message in any form `add_messages` accepts."""
    if isinstance(item, str):
        return "human", item, {}
    if isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(p, str) for p in item):
        role = message_role({"role": item[0], "content": item[1]}) or message_role(
            {"type": item[0], "content": item[1]}
        )
        if role in MESSAGE_ROLES:
            return role, item[1], {}
    if isinstance(item, Mapping):
        role = message_role(item)
        content = item.get("content", "")
        if role in MESSAGE_ROLES and isinstance(content, str):
            extra = {k: v for k, v in item.items() if k not in _IGNORED_KEYS}
            return role, content, extra
    raise ValueError(f"cannot edit this message as role + text: {item!r}")
