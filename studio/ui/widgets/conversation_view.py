"""A state's `messages` read as a conversation: one line a message, the selected one in full.

The list model makes rows in batches as the view scrolls (`fetchMore`), and rows have one
height, so a state with ten thousand messages opens as fast as one with ten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.ui import theme
from studio.ui.widgets.json_summary import message_role, message_text, one_line
from studio.ui.widgets.json_text import dump_json

ModelIndex = QModelIndex | QPersistentModelIndex
BATCH = 500
LINE_WIDTH = 240
ROLE_COLORS = {"human": "accent", "ai": "done", "tool": "active", "system": "muted"}


def conversation(values: Any) -> list[Mapping[str, Any]] | None:
    """The messages of a state, when it has a `messages` list of message dicts."""
    if not isinstance(values, Mapping):
        return None
    messages = values.get("messages")
    if not isinstance(messages, Sequence) or isinstance(messages, str) or not messages:
        return None
    if message_role(messages[0]) is None or message_role(messages[-1]) is None:
        return None
    return [m for m in messages if isinstance(m, Mapping)]


def full_text(message: Mapping[str, Any]) -> str:
    """A message as a person reads it: who, what, and the tool calls it makes."""
    role = message_role(message) or "message"
    name = f" ({message['name']})" if message.get("name") else ""
    text = f"{role}{name}\n\n{message_text(message)}"
    calls = message.get("tool_calls")
    if calls:
        text += "\n\nTool calls:\n" + dump_json(calls)
    return text


class ConversationModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages: list[Mapping[str, Any]] = []
        self._shown = 0

    def set_messages(self, messages: list[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._messages = messages
        self._shown = min(BATCH, len(messages))
        self.endResetModel()

    def message(self, row: int) -> Mapping[str, Any]:
        return self._messages[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._shown < len(self._messages)

    def fetchMore(self, parent: ModelIndex) -> None:
        more = min(BATCH, len(self._messages) - self._shown)
        if more > 0:
            self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
            self._shown += more
            self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        message = self._messages[index.row()]
        kind = message_role(message) or "message"
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(f"{kind}: {message_text(message)}", LINE_WIDTH)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(theme.current().color(ROLE_COLORS.get(kind, "text")))
        return None


class ConversationView(QWidget):
    """The messages, and the selected one in full below them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConversationModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a message to read it in full.")
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def set_messages(self, messages: list[Mapping[str, Any]]) -> None:
        self.model.set_messages(messages)
        self.detail.clear()

    def _on_current(self, index: QModelIndex) -> None:
        if index.isValid():
            self.detail.setPlainText(full_text(self.model.message(index.row())))
