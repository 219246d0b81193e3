"""Two checkpoints side by side, on the same branch or not: what differs between their states."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.ui.debugger.diff import Diff
from studio.ui.debugger.history import HistoryNode
from studio.ui.widgets.diff_view import DiffView


class ComparePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(
            "Select two checkpoints in the History panel (Ctrl+click) and press Compare."
        )
        self.title.setWordWrap(True)
        self.view = DiffView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

    def compare(self, a: HistoryNode, b: HistoryNode) -> Diff:
        """Show how `b`'s values differ from `a`'s."""
        self.title.setText(f"A: {a.summary()}\nB: {b.summary()}")
        self.view.set_labels("A", "B")
        return self.view.show_diff(a.values, b.values)
