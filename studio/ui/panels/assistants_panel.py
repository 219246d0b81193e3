"""Which graph and assistant the studio shows, and that assistant's configuration."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from studio.protocol.schema import Assistant
from studio.ui.widgets.json_editor import JsonEditor


def _label(assistant: Assistant) -> str:
    if assistant["name"] == assistant["graph_id"]:
        return assistant["graph_id"]
    return f"{assistant['graph_id']} · {assistant['name']}"


class AssistantsPanel(QWidget):
    """A picker over the server's assistants, and the chosen one's config."""

    assistant_selected = Signal(str)
    """The user picked an assistant (its id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = QComboBox()
        self.picker.currentIndexChanged.connect(self._on_picked)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setProperty("role", "hint")
        self.config = JsonEditor()
        self.config.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.picker)
        layout.addWidget(self.description)
        layout.addWidget(QLabel("Configuration"))
        layout.addWidget(self.config, 1)
        self._filling = False

    def set_assistants(self, assistants: list[Assistant]) -> None:
        self._filling = True
        self.picker.clear()
        for assistant in assistants:
            self.picker.addItem(_label(assistant), assistant["assistant_id"])
        self._filling = False

    def show_assistant(self, assistant: Assistant | None) -> None:
        if assistant is None:
            self.description.clear()
            self.config.set_value({})
            return
        index = self.picker.findData(assistant["assistant_id"])
        if index >= 0 and index != self.picker.currentIndex():
            self._filling = True
            self.picker.setCurrentIndex(index)
            self._filling = False
        self.description.setText(assistant.get("description") or "")
        self.description.setVisible(bool(assistant.get("description")))
        self.config.set_value(
            {
                "config": assistant["config"],
                "context": assistant["context"],
                "metadata": assistant["metadata"],
            }
        )

    def _on_picked(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.assistant_selected.emit(str(self.picker.itemData(index, Qt.ItemDataRole.UserRole)))
