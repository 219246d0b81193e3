"""The red line under a form that says what is wrong, and vanishes when nothing is."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class ProblemLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.hide()

    def show_problem(self, text: str) -> None:
        """Say `text`; an empty text hides the line."""
        self.setText(text)
        self.setVisible(bool(text))
