"""The store browser: the server's long-term memory, by namespace.

A tree of namespaces on the left narrows the search to one prefix; the search box ranks items
by meaning when the server has a semantic index (each result then shows its score), and a
filter matches values (`kind=fact`, or JSON with operators). Picking an item opens it in the
editor beside, where it can be changed, saved under another key, or deleted.
"""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import SearchItem
from studio.ui.panels.store_item_editor import StoreItemEditor, namespace_text
from studio.ui.panels.threads_panel import parse_search

DATA_ROLE = Qt.ItemDataRole.UserRole
ALL_NAMESPACES = "All namespaces"
SCORE = 3


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%b %d %H:%M:%S")
    except ValueError:
        return iso


class StorePanel(QWidget):
    """Shows what the session's store service found; sends the user's intents back to it."""

    search_requested = Signal(list, str, object)
    """Search under a namespace prefix, with a query ("" for none) and a filter (or None)."""
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search by meaning (needs the store's semantic index)")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.request_search)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter values: kind=fact")
        self.filter.setClearButtonEnabled(True)
        self.filter.returnPressed.connect(self.request_search)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.request_search)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.namespaces = QTreeWidget()
        self.namespaces.setHeaderLabels(["Namespace"])
        self.namespaces.setUniformRowHeights(True)
        self.namespaces.itemSelectionChanged.connect(self._on_namespace)
        self.items = QTreeWidget()
        self.items.setHeaderLabels(["Key", "Namespace", "Updated", "Score"])
        self.items.setRootIsDecorated(False)
        self.items.setAlternatingRowColors(True)
        self.items.setUniformRowHeights(True)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.items.itemSelectionChanged.connect(self._on_item)
        self.editor = StoreItemEditor()
        search = QHBoxLayout()
        search.addWidget(self.query, 3)
        search.addWidget(self.filter, 2)
        search.addWidget(self.search_button)
        search.addWidget(self.refresh_button)
        split = QSplitter()
        split.addWidget(self.namespaces)
        split.addWidget(self.items)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([150, 470, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(search)
        layout.addWidget(self.hint)
        layout.addWidget(split, 1)
        self.found: list[SearchItem] = []
        self._filling = False
        self.set_namespaces([])

    # --- public API ---------------------------------------------------------------------

    def prefix(self) -> list[str]:
        """The namespace picked in the tree (every namespace when none is)."""
        items = self.namespaces.selectedItems()
        return list(items[0].data(0, DATA_ROLE)) if items else []

    def request_search(self) -> None:
        try:
            wanted = parse_search(self.filter.text())
        except (ValueError, json.JSONDecodeError) as exc:
            self.hint.setText(f"Filter: {exc}")
            return
        self.search_requested.emit(self.prefix(), self.query.text().strip(), wanted or None)

    def set_namespaces(self, namespaces: list[list[str]]) -> None:
        """Show these namespaces as a tree, keeping the one picked if it is still there."""
        keep = self.prefix()
        self._filling = True
        self.namespaces.clear()
        root = QTreeWidgetItem([ALL_NAMESPACES])
        root.setData(0, DATA_ROLE, [])
        self.namespaces.addTopLevelItem(root)
        nodes: dict[tuple[str, ...], QTreeWidgetItem] = {(): root}
        for namespace in sorted(namespaces):
            for depth in range(1, len(namespace) + 1):
                path = tuple(namespace[:depth])
                if path not in nodes:
                    node = QTreeWidgetItem([path[-1]])
                    node.setData(0, DATA_ROLE, list(path))
                    node.setToolTip(0, namespace_text(list(path)))
                    nodes[path[:-1]].addChild(node)
                    nodes[path] = node
        self.namespaces.expandAll()
        (nodes.get(tuple(keep)) or root).setSelected(True)
        self._filling = False

    def set_items(self, items: list[SearchItem], query: str) -> None:
        """Show search results; scores only when the server ranked them by the query."""
        shown = self._identity(self.selected_item())
        self.found = list(items)
        scored = any(item.get("score") is not None for item in items)
        self._filling = True
        self.items.clear()
        for item in items:
            score = item.get("score")
            row = QTreeWidgetItem(
                [
                    item["key"],
                    namespace_text(item["namespace"]),
                    _when(item["updated_at"]),
                    f"{score:.3f}" if score is not None else "",
                ]
            )
            self.items.addTopLevelItem(row)
            row.setSelected(shown is not None and self._identity(item) == shown)
        self.items.setColumnHidden(SCORE, not scored)
        self._filling = False
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        if query and not scored and items:
            count += ": this server has no semantic index, so the query did not rank them"
        self.hint.setText(count)

    def selected_item(self) -> SearchItem | None:
        rows = self.items.selectedItems()
        return self.found[self.items.indexOfTopLevelItem(rows[0])] if rows else None

    def select_item(self, namespace: list[str], key: str) -> None:
        """Pick the row of this item (after it was saved) and show it in the editor."""
        wanted = (tuple(namespace), key)
        for index, item in enumerate(self.found):
            row = self.items.topLevelItem(index)
            if row is not None and self._identity(item) == wanted:
                self.items.setCurrentItem(row)
                return

    # --- private ------------------------------------------------------------------------

    @staticmethod
    def _identity(item: SearchItem | None) -> tuple[tuple[str, ...], str] | None:
        return (tuple(item["namespace"]), item["key"]) if item is not None else None

    def _on_namespace(self) -> None:
        if not self._filling:
            self.editor.show_item(None, self.prefix())
            self.request_search()

    def _on_item(self) -> None:
        if self._filling:
            return
        item = self.selected_item()
        if item is not None:
            self.editor.show_item(item)
