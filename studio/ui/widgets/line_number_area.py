"""A line-number gutter for a QPlainTextEdit, painted only for the visible lines.

This is Qt's Code Editor example made reusable: the gutter is a child of the editor that sits
in the editor's left viewport margin, and it paints the numbers of the blocks on screen only,
so a 280,000-line document costs the same to repaint as a 20-line one.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_PADDING = 8


class LineNumberArea(QWidget):
    """The gutter of `editor`; the editor reserves its width with `setViewportMargins`."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        editor.updateRequest.connect(self._on_update_request)

    # Public API

    def width_hint(self) -> int:
        """Pixels needed for the largest line number, with padding either side."""
        digits = len(str(max(1, self._editor.blockCount())))
        return self._editor.fontMetrics().horizontalAdvance("9" * max(digits, 2)) + 2 * _PADDING

    def place(self) -> None:
        """Fit the gutter to the editor's current contents rectangle."""
        rect = self._editor.contentsRect()
        self.setGeometry(QRect(rect.left(), rect.top(), self.width_hint(), rect.height()))

    # Qt overrides

    def sizeHint(self) -> QSize:
        return QSize(self.width_hint(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        editor = self._editor
        palette = editor.palette()
        painter = QPainter(self)
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorRole.Midlight))
        painter.drawLine(
            self.width() - 1, event.rect().top(), self.width() - 1, event.rect().bottom()
        )
        painter.setFont(editor.font())
        current = editor.textCursor().blockNumber()
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        top = round(editor.blockBoundingGeometry(block).translated(offset).top())
        height = editor.fontMetrics().height()
        width = self.width() - _PADDING
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(editor.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber()
                role = (
                    QPalette.ColorRole.Text
                    if number == current
                    else QPalette.ColorRole.PlaceholderText
                )
                painter.setPen(palette.color(role))
                painter.drawText(
                    0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number + 1)
                )
            block = block.next()
            top = bottom
        painter.end()

    # Private slots

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.scroll(0, dy)
        else:
            self.update(0, rect.y(), self.width(), rect.height())
