"""A lazy item model over one JSON value: rows are made only for what has been expanded.

A thread's state can hold megabytes and ten thousand messages. Building an item per value up
front (as QStandardItemModel would) costs seconds and hundreds of megabytes; here a node is a
small object made when its parent is expanded (Qt's `canFetchMore`/`fetchMore`), in batches,
so opening any value costs the same as opening its top level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QPalette

from studio.ui.widgets.json_highlighter import scalar_color
from studio.ui.widgets.json_summary import json_type, message_role, one_line, summarize
from studio.ui.widgets.json_text import dump_json

ModelIndex = QModelIndex | QPersistentModelIndex
PathPart = str | int

KEY_COLUMN, VALUE_COLUMN, TYPE_COLUMN = range(3)
HEADERS = ("Key", "Value", "Type")
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data role giving the row's Python value (the whole subtree for containers)."""

_TOOLTIP_CHARS = 2000


class _Node:
    """One row: a value, where it sits, and its children once fetched."""

    __slots__ = ("children", "key", "keys", "parent", "row", "value")

    def __init__(self, value: Any, key: PathPart | None, parent: _Node | None, row: int) -> None:
        self.value = value
        self.key = key
        self.parent = parent
        self.row = row
        self.children: list[_Node] = []
        self.keys: list[Any] | None = None  # a dict's keys, listed once on first fetch

    def size(self) -> int:
        """How many children the value has (0 for scalars and empty containers)."""
        return len(self.value) if _is_container(self.value) else 0

    def fetch(self, count: int) -> list[_Node]:
        """Make the next `count` children and return them."""
        start = len(self.children)
        stop = min(self.size(), start + count)
        if isinstance(self.value, Mapping):
            if self.keys is None:
                self.keys = list(self.value)
            keys = self.keys[start:stop]
            made = [_Node(self.value[key], key, self, start + i) for i, key in enumerate(keys)]
        else:
            made = [_Node(self.value[i], i, self, i) for i in range(start, stop)]
        self.children.extend(made)
        return made


class JsonTreeModel(QAbstractItemModel):
    """Key, value and type columns over a JSON value (dicts, lists and scalars).

    Top-level rows are the root's keys or items; a scalar root is shown as one row. Container
    values are summarised (`{3 keys}`, `[10000 items]`) and message dicts as `ai: Hello…`.
    """

    def __init__(
        self, value: Any = None, parent: QObject | None = None, *, batch_size: int = 2000
    ) -> None:
        super().__init__(parent)
        self._batch_size = batch_size
        self._created = 0
        self._value = value
        self._root = self._make_root(value)

    # Public API

    def set_value(self, value: Any) -> None:
        """Show another value (one model reset; expansion and selection are dropped)."""
        self.beginResetModel()
        self._created = 0
        self._value = value
        self._root = self._make_root(value)
        self.endResetModel()

    def value(self) -> Any:
        """The whole value shown."""
        return self._value

    def value_at(self, index: ModelIndex) -> Any:
        """The value of a row (the whole subtree for containers); the root for invalid."""
        return self._node(index).value if index.isValid() else self.value()

    def path(self, index: ModelIndex) -> list[PathPart]:
        """The JSON path of a row from the root: `["messages", 3, "content"]`."""
        path: list[PathPart] = []
        node: _Node | None = self._node(index) if index.isValid() else None
        while node is not None and node.key is not None:
            path.append(node.key)
            node = node.parent
        path.reverse()
        return path

    def index_for_path(self, path: Sequence[PathPart]) -> QModelIndex:
        """The row at `path`, fetching rows on the way; invalid if there is no such row."""
        index = QModelIndex()
        node = self._root
        for key in path:
            while self.canFetchMore(index) and not any(c.key == key for c in node.children):
                self.fetchMore(index)
            match = next((c for c in node.children if c.key == key), None)
            if match is None:
                return QModelIndex()
            node = match
            index = self.createIndex(node.row, 0, node)
        return index

    def json_at(self, index: ModelIndex) -> str:
        """The value of a row as pretty-printed JSON, as "Copy as JSON" puts it."""
        return dump_json(self.value_at(index))

    def node_count(self) -> int:
        """How many rows have been made so far: proof of laziness, and a memory gauge."""
        return self._created

    # Qt overrides

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row])

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: ModelIndex) -> QModelIndex: ...
    def parent(self, child: ModelIndex | None = None) -> QObject | QModelIndex | None:
        if child is None:
            return super().parent()
        if not child.isValid():
            return QModelIndex()
        up = self._node(child).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.column() > 0:
            return False
        return self._node(parent).size() > 0

    def canFetchMore(self, parent: ModelIndex) -> bool:
        if parent.column() > 0:
            return False
        node = self._node(parent)
        return len(node.children) < node.size()

    def fetchMore(self, parent: ModelIndex) -> None:
        node = self._node(parent)
        start = len(node.children)
        count = min(self._batch_size, node.size() - start)
        if count <= 0:
            return
        self.beginInsertRows(parent, start, start + count - 1)
        self._created += len(node.fetch(count))
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == VALUE_COLUMN:
            return self._tooltip(node.value)
        if role == Qt.ItemDataRole.ForegroundRole and column != KEY_COLUMN:
            palette = QGuiApplication.palette()
            muted = _is_container(node.value) and message_role(node.value) is None
            if column == TYPE_COLUMN or muted:
                return palette.color(QPalette.ColorRole.PlaceholderText)
            return scalar_color(node.value, palette)
        if role == VALUE_ROLE:
            return node.value
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # Private helpers

    def _make_root(self, value: Any) -> _Node:
        root = _Node(value, None, None, 0)
        if _is_container(value):
            self._created += len(root.fetch(self._batch_size))
        else:
            root.children.append(_Node(value, None, root, 0))  # a scalar: one row
            root.value = [value]
            self._created += 1
        return root

    def _node(self, index: ModelIndex) -> _Node:
        if not index.isValid():
            return self._root
        node: _Node = index.internalPointer()
        return node

    def _display(self, node: _Node, column: int) -> str:
        if column == KEY_COLUMN:
            return "" if node.key is None else str(node.key)
        if column == VALUE_COLUMN:
            return summarize(node.value)
        return "message" if message_role(node.value) else json_type(node.value)

    def _tooltip(self, value: Any) -> str | None:
        role = message_role(value)
        if isinstance(value, str) or role is not None:
            text = value if isinstance(value, str) else summarize(value, _TOOLTIP_CHARS)
            return text if len(text) <= _TOOLTIP_CHARS else text[:_TOOLTIP_CHARS] + "…"
        if _is_container(value):
            return None  # rendering a subtree for a tooltip could take seconds
        return one_line(summarize(value), _TOOLTIP_CHARS)


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def path_text(path: Sequence[PathPart]) -> str:
    """A path as code would write it: `messages[3].content`, `["odd key"]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        else:
            text += f"[{dump_json(part)}]"
    return text
