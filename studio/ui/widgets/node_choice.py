"""A pick of one of the graph's nodes, or none (its first entry names what none means)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget


class NodeChoice(QComboBox):
    def __init__(self, none_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._none_label = none_label
        self.set_nodes([])

    def set_nodes(self, nodes: list[str]) -> None:
        self.clear()
        self.addItem(self._none_label)
        self.addItems(nodes)

    def choice(self) -> str | None:
        """The node picked (or typed, when editable); None for the first entry or blank."""
        text = self.currentText().strip()
        return None if not text or text == self._none_label else text
