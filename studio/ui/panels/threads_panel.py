"""Threads of the graph in view: newest first, with status; search, new and delete."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import Thread

STATUS_MARKS = {"idle": "○", "busy": "●", "interrupted": "‖", "error": "✕"}


def parse_search(text: str) -> dict[str, Any]:
    """`key=value key2=value2`, or a JSON object; values are JSON when they parse as JSON."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise ValueError('Search with a JSON object, e.g. {"user": "ann"}')
        return parsed
    found: dict[str, Any] = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"'{pair}' is not key=value")
        try:
            found[key] = json.loads(value)
        except json.JSONDecodeError:
            found[key] = value
    return found


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%b %d %H:%M:%S")
    except ValueError:
        return iso


class ThreadsPanel(QWidget):
    """Lists threads and asks for changes; the session does the work."""

    thread_selected = Signal(object)
    """The user picked a thread (its id), or None for a new conversation."""
    delete_requested = Signal(str)
    search_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search metadata: user=ann")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search)
        self.search_error = QLabel()
        self.search_error.setProperty("role", "error")
        self.search_error.hide()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Thread", "Status", "Created"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.new_button = QPushButton("New thread")
        self.new_button.clicked.connect(lambda: self.thread_selected.emit(None))
        self.delete_button = QPushButton("Delete")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self._on_delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.search_error)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self._selecting = False

    def set_threads(self, threads: list[Thread], current: str | None) -> None:
        self._selecting = True
        self.tree.clear()
        for thread in threads:
            item = QTreeWidgetItem(
                [
                    thread["thread_id"][:8] + "…" + thread["thread_id"][-4:],
                    f"{STATUS_MARKS.get(thread['status'], '')} {thread['status']}",
                    _when(thread["created_at"]),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, thread["thread_id"])
            item.setToolTip(0, thread["thread_id"])
            self.tree.addTopLevelItem(item)
            if thread["thread_id"] == current:
                item.setSelected(True)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self._selecting = False
        self.delete_button.setEnabled(current is not None)

    def show_current(self, thread_id: str) -> None:
        """Mark the thread the studio shows (picked elsewhere, e.g. in the Runs panel), if it
        is listed, without asking for it again."""
        self._selecting = True
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == thread_id:
                self.tree.setCurrentItem(item)
        self._selecting = False

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return str(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def _on_selection(self) -> None:
        thread_id = self.selected_id()
        self.delete_button.setEnabled(thread_id is not None)
        if not self._selecting and thread_id is not None:
            self.thread_selected.emit(thread_id)

    def _on_delete(self) -> None:
        thread_id = self.selected_id()
        if thread_id is not None:
            self.delete_requested.emit(thread_id)

    def _on_search(self) -> None:
        try:
            wanted = parse_search(self.search.text())
        except (ValueError, json.JSONDecodeError) as exc:
            self.search_error.setText(str(exc))
            self.search_error.show()
            return
        self.search_error.hide()
        self.search_requested.emit(wanted)
