"""A state diff: the list of changed paths, and the selected change's two sides side by side.

Used for "what this step changed" (a checkpoint against its parent) and for comparing any
two checkpoints. Only the selected change is rendered as JSON, never the whole state, so a
diff of a 10 MB state opens as fast as a small one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui import theme
from studio.ui.debugger.diff import Change, Diff, diff_values
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_summary import summarize
from studio.ui.widgets.json_tree_model import path_text

KIND_COLORS = {"added": "done", "removed": "failed", "changed": "active"}
KIND_MARKS = {"added": "+", "removed": "-", "changed": "~"}
ABSENT = "(absent)"
SUMMARY_WIDTH = 80


class DiffView(QWidget):
    """Shows one Diff; the selected row's old and new values are shown in full below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        self.summary.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Path", "Change", "Before", "After"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 180)
        header.resizeSection(1, 90)
        header.resizeSection(2, 200)
        header.setStretchLastSection(True)
        self.table.currentItemChanged.connect(self._on_current)
        self.before_label = QLabel("Before")
        self.after_label = QLabel("After")
        self.before = JsonEditor(read_only=True, line_numbers=False, optional=True)
        self.after = JsonEditor(read_only=True, line_numbers=False, optional=True)
        for editor in (self.before, self.after):
            editor.setLineWrapMode(JsonEditor.LineWrapMode.WidgetWidth)
            editor.setPlaceholderText(ABSENT)
        sides = QSplitter(Qt.Orientation.Horizontal)
        for label, editor in ((self.before_label, self.before), (self.after_label, self.after)):
            side = QWidget()
            column = QVBoxLayout(side)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(label)
            column.addWidget(editor)
            sides.addWidget(side)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(sides)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.diff = Diff(())
        self.clear("Nothing to compare.")

    # --- public API ---------------------------------------------------------------------

    def set_labels(self, before: str, after: str) -> None:
        self.before_label.setText(before)
        self.after_label.setText(after)

    def show_diff(self, old: Any, new: Any) -> Diff:
        """Diff two values and show the result; returns the Diff."""
        self.diff = diff_values(old, new)
        self.table.clear()
        colors = theme.current()
        for change in self.diff.changes:
            item = QTreeWidgetItem(
                [
                    path_text(change.path) or "(whole value)",
                    f"{KIND_MARKS[change.kind]} {change.kind}",
                    ABSENT if change.kind == "added" else summarize(change.old, SUMMARY_WIDTH),
                    ABSENT if change.kind == "removed" else summarize(change.new, SUMMARY_WIDTH),
                ]
            )
            item.setForeground(1, QBrush(colors.color(KIND_COLORS[change.kind])))
            item.setData(0, Qt.ItemDataRole.UserRole, change)
            self.table.addTopLevelItem(item)
        self._summarize()
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        else:
            self._show_sides(None)
        return self.diff

    def clear(self, message: str) -> None:
        self.diff = Diff(())
        self.table.clear()
        self.summary.setText(message)
        self._show_sides(None)

    def paths(self) -> list[str]:
        """The changed paths as shown (`draft.action`, `messages[3]`)."""
        return [path_text(change.path) for change in self.diff.changes]

    # --- private ------------------------------------------------------------------------

    def _summarize(self) -> None:
        count = len(self.diff.changes)
        if not count:
            self.summary.setText("No changes: both states are equal.")
            return
        keys = self.diff.keys()
        more = " (only the first are listed)" if self.diff.truncated else ""
        noun = "change" if count == 1 else "changes"
        self.summary.setText(f"{count} {noun}{more} in {', '.join(keys)}")

    def _on_current(self, item: QTreeWidgetItem | None) -> None:
        change = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self._show_sides(change if isinstance(change, Change) else None)

    def _show_sides(self, change: Change | None) -> None:
        if change is None:
            self.before.setPlainText("")
            self.after.setPlainText("")
            return
        for editor, kind, value in (
            (self.before, "added", change.old),
            (self.after, "removed", change.new),
        ):
            if change.kind == kind:
                editor.setPlainText("")  # shows the "(absent)" placeholder
            else:
                editor.set_value(value)
