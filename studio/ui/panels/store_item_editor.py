"""One store item, editable: its namespace, key, time to live and JSON value."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import StoreItem
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError

SEPARATOR = "."
"""Namespace labels never hold a period (the API refuses them), so a dotted path is exact."""
MAX_TTL_MINUTES = 60 * 24 * 365


def parse_namespace(text: str) -> list[str]:
    """`memories.ann` -> ["memories", "ann"]; blanks around labels are ignored."""
    return [label.strip() for label in text.split(SEPARATOR) if label.strip()]


def namespace_text(namespace: list[str]) -> str:
    return SEPARATOR.join(namespace)


class StoreItemEditor(QWidget):
    """Shows the item picked in the browser, or a blank one to add; asks to save or delete."""

    put_requested = Signal(list, str, dict, object)
    """Save: namespace, key, value, and minutes to live (None: the server's default)."""
    delete_requested = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.namespace = QLineEdit()
        self.namespace.setPlaceholderText("memories.user-1")
        self.key = QLineEdit()
        self.key.setPlaceholderText("a key")
        self.ttl = QSpinBox()
        self.ttl.setRange(0, MAX_TTL_MINUTES)
        self.ttl.setSuffix(" min")
        self.ttl.setSpecialValueText("server default")
        self.ttl.setToolTip("Minutes until the item expires (0: the server's default)")
        self.value = JsonEditor(line_numbers=False)
        self.value.validity_changed.connect(lambda _valid, _message: self._update_buttons())
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.new_button = QPushButton("New")
        self.new_button.setToolTip("Start a new item in the same namespace")
        self.new_button.clicked.connect(self._on_new)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Put the item in the store (replacing one with this key)")
        self.save_button.clicked.connect(self._on_save)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._on_delete)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Namespace", self.namespace)
        form.addRow("Key", self.key)
        form.addRow("Time to live", self.ttl)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        for field in (self.namespace, self.key):
            field.textChanged.connect(lambda _text: self._update_buttons())
        self.show_item(None)

    def show_item(self, item: StoreItem | None, namespace: list[str] | None = None) -> None:
        """Edit `item`, or a blank one in `namespace`."""
        self.problem.hide()
        self.namespace.setText(namespace_text(item["namespace"] if item else namespace or []))
        self.key.setText(item["key"] if item else "")
        self.value.set_value(item["value"] if item else {})
        self.ttl.setValue(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        filled = bool(parse_namespace(self.namespace.text()) and self.key.text().strip())
        self.save_button.setEnabled(filled and self.value.is_valid())
        self.delete_button.setEnabled(filled)

    def _on_new(self) -> None:
        self.show_item(None, parse_namespace(self.namespace.text()))
        self.key.setFocus()

    def _on_save(self) -> None:
        try:
            value: Any = self.value.value()
        except JsonError as error:
            value = error
        if not isinstance(value, dict):
            self.problem.setText("A store item's value is a JSON object: {...}")
            self.problem.show()
            return
        self.problem.hide()
        ttl = self.ttl.value() or None
        self.put_requested.emit(
            parse_namespace(self.namespace.text()), self.key.text().strip(), value, ttl
        )

    def _on_delete(self) -> None:
        self.delete_requested.emit(parse_namespace(self.namespace.text()), self.key.text().strip())
