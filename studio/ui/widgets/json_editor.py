"""A plain-text JSON editor: pygments colours, line numbers, live validity, pretty-printing.

Panels use it wherever a person types or reads raw JSON (run input, state updates, store
values, fallbacks of the schema form). It takes and gives Python values, so callers never
parse text themselves, and it reports validity as a signal so a panel can disable its Submit
button with a reason.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeyEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from studio.ui.widgets.json_highlighter import (
    DARK_STYLE,
    LIGHT_STYLE,
    JsonHighlighter,
    palette_style,
)
from studio.ui.widgets.json_text import INDENT, JsonError, dump_json, parse_json
from studio.ui.widgets.line_number_area import LineNumberArea

# Lines coloured above and below the viewport, so small scrolls never show plain text.
_WINDOW_MARGIN = 200
_ERROR_COLOR = QColor("#e5484d")
_ERROR_LINE_COLOR = QColor(229, 72, 77, 36)  # the error colour, faint enough to read through


class _Unchecked:
    """Marker for text that changed since it was last parsed."""


_UNCHECKED = _Unchecked()


class JsonEditor(QPlainTextEdit):
    """Edits one JSON value as text.

    Validity is checked a short while after the user stops typing (one single-shot timer,
    restarted by each change), not on every keystroke: parsing a 5 MB document takes tens of
    milliseconds, which would make typing stutter.
    """

    validity_changed = Signal(bool, str)
    """The text became valid or invalid JSON, or its error moved: (valid, human message)."""

    light_style = LIGHT_STYLE
    dark_style = DARK_STYLE

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
        line_numbers: bool = True,
        validation_delay_ms: int = 300,
        optional: bool = False,
    ) -> None:
        """`optional`: empty text is valid and means "no value" (`value()` gives None), for
        fields a person may leave blank, such as an interrupt's answer."""
        super().__init__(parent)
        self._optional = optional
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * INDENT)
        self.setReadOnly(read_only)
        self._highlighter = JsonHighlighter(self.document(), self._palette_style())
        self._gutter = LineNumberArea(self)
        self._gutter.setVisible(line_numbers)
        self._state: JsonError | _Unchecked | None = _UNCHECKED
        self._reported: tuple[bool, str] | None = None
        self._coloring = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(validation_delay_ms)
        self._timer.timeout.connect(self._on_timer)
        self.textChanged.connect(self._on_text_changed)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self._highlighter.set_window(0, self._visible_lines() + _WINDOW_MARGIN)
        self._update_gutter()

    # Public API

    def set_value(self, value: Any) -> None:
        """Show `value` pretty-printed (2-space indent); the editor is then valid."""
        self._highlighter.set_window(0, self._visible_lines() + _WINDOW_MARGIN)
        self.setPlainText(dump_json(value))
        self._timer.stop()
        self._set_state(None)

    def value(self) -> Any:
        """The parsed document.

        Raises:
            JsonError: The text is not valid JSON; it says where and why.
        """
        try:
            parsed = self._parse()
        except JsonError as error:
            self._set_state(error)
            raise
        self._set_state(None)
        return parsed

    def is_blank(self) -> bool:
        """Whether the text is empty (or only whitespace)."""
        return not self.toPlainText().strip()

    def is_valid(self) -> bool:
        """Whether the current text parses (checked now if it changed since the last check)."""
        return self.error() is None

    def error(self) -> JsonError | None:
        """What is wrong with the current text, or None when it is valid JSON."""
        if isinstance(self._state, _Unchecked):
            self._check()
        assert not isinstance(self._state, _Unchecked)
        return self._state

    def format_document(self) -> bool:
        """Pretty-print the document in place (one undo step); False if it is invalid."""
        try:
            value = self.value()
        except JsonError:
            return False
        text = dump_json(value)
        if text != self.toPlainText():
            cursor = self.textCursor()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(text)
            self._timer.stop()
            self._set_state(None)
        return True

    def set_line_numbers_visible(self, visible: bool) -> None:
        """Show or hide the line-number gutter."""
        self._gutter.setVisible(visible)
        self._update_gutter()

    def line_numbers_visible(self) -> bool:
        """Whether the line-number gutter is shown."""
        return not self._gutter.isHidden()

    def highlighter(self) -> JsonHighlighter:
        """The syntax highlighter, for callers that restyle or inspect colours."""
        return self._highlighter

    # Qt overrides

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.set_style(self._palette_style())
            self._gutter.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._gutter.place()
        self._color_visible()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.isReadOnly() or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
        elif event.key() == Qt.Key.Key_Tab:
            self.textCursor().insertText(" " * INDENT)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._insert_indented_newline()
        else:
            super().keyPressEvent(event)

    # Private slots

    def _on_text_changed(self) -> None:
        self._state = _UNCHECKED
        self._timer.start()

    def _on_timer(self) -> None:
        if isinstance(self._state, _Unchecked):
            self._check()

    def _on_block_count_changed(self, _count: int) -> None:
        self._update_gutter()
        self._color_visible()

    def _on_update_request(self, _rect: QRect, _dy: int) -> None:
        self._color_visible()

    # Private helpers

    def _parse(self) -> Any:
        if self._optional and self.is_blank():
            return None
        return parse_json(self.toPlainText())

    def _check(self) -> None:
        try:
            self._parse()
        except JsonError as error:
            self._set_state(error)
        else:
            self._set_state(None)

    def _set_state(self, error: JsonError | None) -> None:
        self._state = error
        self._show_error(error)
        report = (error is None, "" if error is None else error.describe())
        if report != self._reported:
            self._reported = report
            self.validity_changed.emit(*report)

    def _show_error(self, error: JsonError | None) -> None:
        if error is None:
            self.setExtraSelections([])
            return
        block = self.document().findBlockByNumber(error.line - 1)
        if not block.isValid():
            block = self.document().lastBlock()
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(block)
        column = min(error.column - 1, max(0, block.length() - 1))
        cursor.setPosition(block.position() + column)
        if column < block.length() - 1:
            cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
        else:  # past the end of the line: mark the line's last character instead
            cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(_ERROR_COLOR)
        fmt.setToolTip(error.describe())
        selection.cursor = cursor
        selection.format = fmt
        line = QTextEdit.ExtraSelection()
        line.cursor = QTextCursor(block)
        line.format = QTextCharFormat()
        line.format.setBackground(_ERROR_LINE_COLOR)
        line.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        self.setExtraSelections([line, selection])

    def _palette_style(self) -> str:
        dark = palette_style(self.palette()) == DARK_STYLE
        return self.dark_style if dark else self.light_style

    def _visible_lines(self) -> int:
        return self.viewport().height() // max(1, self.fontMetrics().lineSpacing()) + 1

    def _color_visible(self) -> None:
        """Move the highlighter's window to the viewport and colour what was skipped."""
        if self._coloring:
            return  # colouring relayouts lines, which asks for another update
        self._coloring = True
        try:
            first = self.firstVisibleBlock().blockNumber()
            last = first + self._visible_lines()
            self._highlighter.set_window(first - _WINDOW_MARGIN, last + _WINDOW_MARGIN)
            self._highlighter.color_window()
        finally:
            self._coloring = False

    def _update_gutter(self) -> None:
        width = self._gutter.width_hint() if self.line_numbers_visible() else 0
        self.setViewportMargins(width, 0, 0, 0)
        self._gutter.place()

    def _insert_indented_newline(self) -> None:
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        indent = line[: len(line) - len(line.lstrip(" "))]
        if line.rstrip().endswith(("{", "[")):
            indent += " " * INDENT
        cursor.insertText("\n" + indent)
        self.setTextCursor(cursor)
