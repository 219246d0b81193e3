"""A read-only tree of a JSON value, with copy-as-JSON and copy-path.

The view is thin: everything about the data (laziness, summaries, paths) lives in
`JsonTreeModel`, which is re-exported here so panels import both from one place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from studio.ui.widgets.json_tree_model import (
    KEY_COLUMN,
    TYPE_COLUMN,
    VALUE_COLUMN,
    JsonTreeModel,
    PathPart,
    path_text,
)

__all__ = ["JsonTreeModel", "JsonTreeView"]

_KEY_WIDTH = 200
_TYPE_WIDTH = 80


class JsonTreeView(QTreeView):
    """Shows a `JsonTreeModel`; Ctrl+C and the context menu copy the selected subtree."""

    copied = Signal(str)
    """Text was put on the clipboard (the JSON of a subtree, or a path)."""

    def __init__(self, parent: QWidget | None = None, model: JsonTreeModel | None = None) -> None:
        super().__init__(parent)
        self._model = model if model is not None else JsonTreeModel(parent=self)
        self.setModel(self._model)
        self.setUniformRowHeights(True)  # lets Qt skip measuring every row of big lists
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TYPE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(KEY_COLUMN, _KEY_WIDTH)
        header.resizeSection(TYPE_COLUMN, _TYPE_WIDTH)

        self.copy_json_action = QAction("Copy as JSON", self)
        self.copy_json_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_json_action.setShortcutVisibleInContextMenu(True)
        self.copy_json_action.triggered.connect(self.copy_selection)
        self.copy_path_action = QAction("Copy path", self)
        self.copy_path_action.triggered.connect(self.copy_path)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    # Public API

    def json_model(self) -> JsonTreeModel:
        """The model shown (typed, unlike `model()`)."""
        return self._model

    def set_value(self, value: Any) -> None:
        """Show `value` (see `JsonTreeModel.set_value`)."""
        self._model.set_value(value)

    def value(self) -> Any:
        """The whole value shown."""
        return self._model.value()

    def selected_path(self) -> list[PathPart] | None:
        """The JSON path of the current row, or None when nothing is selected."""
        index = self.currentIndex()
        return self._model.path(index) if index.isValid() else None

    def copy_selection(self) -> str | None:
        """Put the current row's value on the clipboard as pretty JSON; returns the text."""
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self._copy(self._model.json_at(index))

    def copy_path(self) -> str | None:
        """Put the current row's path (`messages[3].content`) on the clipboard."""
        path = self.selected_path()
        return None if path is None else self._copy(path_text(path))

    def context_menu(self) -> QMenu:
        """The menu shown on right-click (built fresh, so it reflects the current row)."""
        menu = QMenu(self)
        has_row = self.currentIndex().isValid()
        for action in (self.copy_json_action, self.copy_path_action):
            action.setEnabled(has_row)
            menu.addAction(action)
        return menu

    # Qt overrides

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QAbstractItemView copies the display text on Ctrl+C; a summary like "{3 keys}" is
        # useless on the clipboard, so copy the subtree instead.
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    # Private slots

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        if index.isValid():
            self.setCurrentIndex(index)
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.viewport().mapToGlobal(position))

    def _on_scrolled(self, _value: int) -> None:
        """Fetch the next batch of a list whose last fetched row has scrolled into view.

        QTreeView does this only for the list that ends the whole tree; a long list followed
        by other rows would otherwise never get past its first batch.
        """
        bottom = self.viewport().height()
        index = self.indexAt(QPoint(1, 1))
        while index.isValid() and self.visualRect(index).top() < bottom:
            probe = index
            while probe.isValid():
                parent = probe.parent()
                last = probe.row() == self._model.rowCount(parent) - 1
                if last and self._model.canFetchMore(parent):
                    self._model.fetchMore(parent)
                    return
                probe = parent
            index = self.indexBelow(index)

    # Private helpers

    def _copy(self, text: str) -> str:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text)
        self.copied.emit(text)
        return text
