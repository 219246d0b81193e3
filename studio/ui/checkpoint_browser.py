"""A window onto a user's own langgraph checkpointer database (a SQLite file or a Postgres
DSN), read-only.

It lists the database's threads and shows the picked one with the debugger's own panels: the
history tree (forks as branches), the state inspector (values, chat, what each step changed)
and the side-by-side compare. Nothing here can change the database; a checkpoint is taken
further by copying its state into the open project, as a new thread to run, edit and fork.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.client.api import ClientError
from studio.client.checkpoint_reader import CheckpointReader, SavedThread
from studio.protocol.schema import Thread
from studio.ui.debugger.history import HistoryNode
from studio.ui.panels.compare_panel import ComparePanel
from studio.ui.panels.history_panel import HistoryPanel
from studio.ui.panels.state_panel import EDIT_TAB, StatePanel
from studio.ui.widgets.node_choice import NodeChoice

logger = logging.getLogger(__name__)
ID_ROLE = Qt.ItemDataRole.UserRole
AUTOMATIC = "(automatic)"
CHECKPOINT_TAB, COMPARE_TAB = range(2)


class CheckpointBrowser(QWidget):
    """Browses one checkpointer database; copying out goes through `copy_requested`."""

    threads_loaded = Signal(list)
    """The database's threads (SavedThreads), newest first."""
    history_loaded = Signal(str)
    """The history of this thread (its id) is shown."""
    copy_requested = Signal(dict, object, dict)
    """Copy these values into the project as a new thread, written as this node (or None),
    with this metadata (where they came from)."""
    error_occurred = Signal(str, str)

    def __init__(self, reader: CheckpointReader, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"{reader.name} (read-only) — lg-studio")
        self.resize(1280, 780)
        self.reader = reader
        self.thread_id: str | None = None
        self.source = QLabel(f"{reader.location} · read-only")
        self.source.setProperty("role", "hint")
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.threads = QTreeWidget()
        self.threads.setHeaderLabels(["Thread", "Checkpoints"])
        self.threads.setRootIsDecorated(False)
        self.threads.setAlternatingRowColors(True)
        self.threads.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.threads.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.threads.header().setStretchLastSection(False)
        self.threads.itemSelectionChanged.connect(self._on_thread)
        self.history = HistoryPanel()
        self.history.replay_button.hide()  # a database has no graph to run
        self.history.hint.setText("Loading the database…")
        self.state = StatePanel()
        self.state.tabs.setTabVisible(EDIT_TAB, False)  # read-only: copy the thread to edit
        self.compare = ComparePanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.state, "Checkpoint")
        self.tabs.addTab(self.compare, "Compare")
        self.as_node = NodeChoice(AUTOMATIC)
        self.as_node.setEditable(True)
        self.as_node.setToolTip(
            "The node of the project's graph the copied state is written as: its edges decide "
            "what runs next in the copy"
        )
        self.copy_button = QPushButton("Copy into Project")
        self.copy_button.setToolTip(
            "Create a thread of the graph in view with the selected checkpoint's values"
        )
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._on_copy)
        self.status = QLabel()
        self.status.setWordWrap(True)
        split = QSplitter()
        split.addWidget(self.threads)
        split.addWidget(self.history)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 4)
        split.setSizes([300, 400, 580])
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(QLabel("As node"))
        actions.addWidget(self.as_node)
        actions.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self.history.checkpoint_selected.connect(self._on_checkpoint)
        self.history.compare_requested.connect(self._on_compare)
        self._project_nodes: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    # --- public API ---------------------------------------------------------------------

    def load(self) -> None:
        """Open the database (in its worker thread) and show its threads."""
        self._spawn(self._load(), "open the checkpoint database")

    def show_thread(self, thread_id: str) -> None:
        self._spawn(self._show_thread(thread_id), "read the thread's history")

    def set_project_nodes(self, nodes: list[str]) -> None:
        """The nodes of the project's graph in view: what a copy can be written as."""
        self._project_nodes = [node for node in nodes if node != "__end__"]
        self._offer_nodes(self.history.history.get(self.history.current_id() or ""))

    def show_copied(self, thread: Thread) -> None:
        graph = (thread.get("metadata") or {}).get("graph_id", "the project")
        self.status.setText(f"Copied into a new thread of {graph}: {thread['thread_id']}")

    # --- Qt overrides -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        for task in self._tasks:
            task.cancel()
        self.reader.close()
        super().closeEvent(event)

    # --- private ------------------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, ClientError):
            self.error_occurred.emit(exc.message, exc.detail)
        elif exc is not None:
            logger.error("Failed to %s", what, exc_info=exc)
            self.error_occurred.emit(f"Could not {what}: {exc}", repr(exc))

    async def _load(self) -> None:
        threads = await self.reader.open()
        self._fill_threads(threads)
        self.threads_loaded.emit(threads)
        if not threads:
            self.history.hint.setText("This database holds no threads.")

    async def _show_thread(self, thread_id: str) -> None:
        states = await self.reader.history(thread_id)
        self.thread_id = thread_id
        self.history.set_history(states, False, None)
        self.state.show_state(dict(states[0]) if states else None)
        self.history.hint.setText(
            f"{len(states)} checkpoints, read-only: select one to inspect it; Ctrl+click a "
            "second to compare. Copy it into the project to run on, edit or fork it."
        )
        self.history_loaded.emit(thread_id)

    def _fill_threads(self, threads: list[SavedThread]) -> None:
        self.threads.clear()
        for thread in threads:
            row = QTreeWidgetItem([thread.thread_id, str(thread.checkpoints)])
            row.setData(0, ID_ROLE, thread.thread_id)
            row.setToolTip(
                0, f"{thread.thread_id}\nLatest checkpoint {thread.latest_checkpoint_id}"
            )
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            self.threads.addTopLevelItem(row)
        first = self.threads.topLevelItem(0)
        if first is not None:
            self.threads.setCurrentItem(first)

    def _offer_nodes(self, node: HistoryNode | None) -> None:
        """Offer the project's nodes, the checkpoint's writer first when the graph has it."""
        writers = node.writers() if node is not None else ()
        self.as_node.set_nodes(self._project_nodes)
        if len(writers) == 1:
            index = self.as_node.findText(writers[0])
            if index < 0:
                self.as_node.addItem(writers[0])
                index = self.as_node.count() - 1
            self.as_node.setCurrentIndex(index)

    def _on_thread(self) -> None:
        rows = self.threads.selectedItems()
        if rows:
            self.show_thread(str(rows[0].data(0, ID_ROLE)))

    def _on_checkpoint(self, node: HistoryNode) -> None:
        self.state.show_checkpoint(node)
        self.tabs.setCurrentIndex(CHECKPOINT_TAB)
        self._offer_nodes(node)
        self.copy_button.setEnabled(isinstance(node.values, dict))

    def _on_compare(self, a: HistoryNode, b: HistoryNode) -> None:
        self.compare.compare(a, b)
        self.tabs.setCurrentIndex(COMPARE_TAB)

    def _on_copy(self) -> None:
        node = self.state.node
        if node is None or not isinstance(node.values, dict):
            return
        origin = {
            "source": self.reader.location,
            "thread_id": self.thread_id,
            "checkpoint_id": node.checkpoint_id,
        }
        self.status.setText("Copying…")
        self.copy_requested.emit(dict(node.values), self.as_node.choice(), {"copied_from": origin})
