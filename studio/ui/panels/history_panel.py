"""Every checkpoint of the thread in view, as a tree whose branches are forks.

Rows run oldest to newest; a checkpoint with several children shows the later ones as
branches nested under it. Each row says its step and what wrote it, what runs next (‖ when
an interrupt waits), and when. Selecting a row shows that checkpoint; two selected rows can
be compared; any row can be replayed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import ThreadState
from studio.ui import theme
from studio.ui.debugger.history import History, HistoryNode, Lane, age

ID_ROLE = Qt.ItemDataRole.UserRole
BRANCH_MARK = "↳ "
HEAD_MARK = "● "


def _time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return iso


def _next_text(node: HistoryNode) -> str:
    if not node.next:
        return "—" if node.parent is not None or node.step is not None else ""
    text = "→ " + ", ".join(node.next)
    count = node.interrupt_count
    return text + (f"  ‖ {count}" if count else "")


class HistoryPanel(QWidget):
    """The checkpoint tree; intents go out as signals, the session does the work."""

    checkpoint_selected = Signal(object)
    """A checkpoint was picked (its HistoryNode, linked to its parent)."""
    compare_requested = Signal(object, object)
    """Compare these two HistoryNodes (older first)."""
    replay_requested = Signal(str)
    """Run again from this checkpoint id."""
    older_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = History([])
        self.hint = QLabel("Select a thread to see its checkpoints.")
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.older_button = QPushButton("Load older checkpoints")
        self.older_button.hide()
        self.older_button.clicked.connect(self.older_requested)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Checkpoint", "Next", "Time"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setIndentation(14)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.resizeSection(1, 100)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.replay_button = QPushButton("Replay from here")
        self.replay_button.setToolTip(
            "Run the graph again from the selected checkpoint: the new steps form a branch"
        )
        self.replay_button.clicked.connect(self._on_replay)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Select two checkpoints (Ctrl+click) to compare them")
        self.compare_button.clicked.connect(self._on_compare)
        buttons = QHBoxLayout()
        buttons.addWidget(self.replay_button)
        buttons.addWidget(self.compare_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.hint)
        layout.addWidget(self.older_button)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._filling = False
        self._update_buttons()

    # --- public API ---------------------------------------------------------------------

    def set_history(self, states: list[ThreadState], more: bool, focus: str | None) -> None:
        """Show these checkpoints; select `focus` (else keep the selection, else the head)."""
        keep = focus or self.current_id()
        self.history = History(states)
        self._filling = True
        self.tree.clear()
        self._items = {}
        head = self.history.head
        for lane in self.history.lanes():
            self._add_lane(lane, None, head)
        self.tree.expandAll()
        self._filling = False
        self.older_button.setVisible(more)
        count = len(self.history)
        self.hint.setText(
            f"{count} checkpoint{'s' if count != 1 else ''}: select one to inspect or edit it; "
            "Ctrl+click a second to compare."
            if count
            else "No checkpoints yet: run the graph on this thread."
        )
        target = self._items.get(keep or "") or (
            self._items.get(head.checkpoint_id) if head else None
        )
        if target is not None:
            self.tree.setCurrentItem(target)
            self.tree.scrollToItem(target)
        else:
            self._update_buttons()

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    def select(self, checkpoint_id: str, *, add: bool = False) -> None:
        """Select a checkpoint's row (added to the selection with `add`, as Ctrl+click)."""
        item = self._items[checkpoint_id]
        if add:
            item.setSelected(True)
        else:
            self.tree.setCurrentItem(item)

    def row_ids(self) -> list[str]:
        """Checkpoint ids in the order the rows show them (depth first)."""
        found: list[str] = []
        rows = QTreeWidgetItemIterator(self.tree)
        while rows.value():
            found.append(str(rows.value().data(0, ID_ROLE)))
            rows += 1
        return found

    def item(self, checkpoint_id: str) -> QTreeWidgetItem | None:
        return self._items.get(checkpoint_id)

    # --- private ------------------------------------------------------------------------

    def _add_lane(
        self, lane: Lane, parent: QTreeWidgetItem | None, head: HistoryNode | None
    ) -> None:
        for position, node in enumerate(lane.nodes):
            item = self._make_item(node, branch=parent is not None and position == 0, head=head)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            for branch in lane.forks.get(node.checkpoint_id, []):
                self._add_lane(branch, item, head)

    def _make_item(
        self, node: HistoryNode, *, branch: bool, head: HistoryNode | None
    ) -> QTreeWidgetItem:
        mark = HEAD_MARK if node is head else BRANCH_MARK if branch else ""
        item = QTreeWidgetItem(
            [mark + node.label(), _next_text(node), _time(node.state.get("created_at"))]
        )
        item.setData(0, ID_ROLE, node.checkpoint_id)
        item.setToolTip(1, item.text(1))
        colors = theme.current()
        if node.interrupt_count:
            item.setForeground(1, QBrush(colors.color("active")))
        if node.source in ("update", "fork"):
            item.setForeground(0, QBrush(colors.color("accent")))
        if node is head:
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
        run = node.metadata.get("run_id")
        item.setToolTip(
            0,
            "\n".join(
                line
                for line in (
                    f"Checkpoint {node.checkpoint_id}",
                    f"Created {node.state.get('created_at')}",
                    f"Source: {node.source}" if node.source else "",
                    f"Run: {run}" if run else "",
                    "The thread's latest checkpoint" if node is head else "",
                )
                if line
            ),
        )
        self._items[node.checkpoint_id] = item
        return item

    def _selected_nodes(self) -> list[HistoryNode]:
        nodes = [self.history.get(str(i.data(0, ID_ROLE))) for i in self.tree.selectedItems()]
        return [n for n in nodes if n is not None]

    def _update_buttons(self) -> None:
        selected = self._selected_nodes()
        self.replay_button.setEnabled(len(selected) == 1)
        self.compare_button.setEnabled(len(selected) == 2)

    def _on_selection(self) -> None:
        self._update_buttons()
        if self._filling:
            return
        item = self.tree.currentItem()
        node = self.history.get(str(item.data(0, ID_ROLE))) if item is not None else None
        if node is not None and item is not None and item.isSelected():
            self.checkpoint_selected.emit(node)

    def _on_replay(self) -> None:
        selected = self._selected_nodes()
        if len(selected) == 1:
            self.replay_requested.emit(selected[0].checkpoint_id)

    def _on_compare(self) -> None:
        selected = self._selected_nodes()
        if len(selected) == 2:
            older, newer = sorted(selected, key=age)
            self.compare_requested.emit(older, newer)
