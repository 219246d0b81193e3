"""The state inspector: the thread's status, and the checkpoint picked in the history.

Tabs show the checkpoint's values as a lazy tree, its messages as a chat, what its
step changed (a diff against its parent), and an editor to fork it. Tabs other than the one
in view are refreshed only when opened, so clicking through a long history stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.ui.debugger.history import HistoryNode
from studio.ui.panels.state_editor import StateEditor
from studio.ui.widgets.conversation_view import ConversationView, conversation
from studio.ui.widgets.diff_view import DiffView
from studio.ui.widgets.json_text import dump_json
from studio.ui.widgets.json_tree import JsonTreeView

VALUES_TAB, CONVERSATION_TAB, CHANGES_TAB, EDIT_TAB = range(4)
KEY_WIDTH = 140  # the dock is narrow: leave the values room


def describe(state: Mapping[str, Any]) -> str:
    """One line a person reads first: finished, waiting on an interrupt, or paused before X."""
    next_nodes = state.get("next") or []
    interrupts = state.get("interrupts") or []
    if interrupts:
        return f"Waiting for input: {len(interrupts)} interrupt(s) before {', '.join(next_nodes)}"
    if next_nodes:
        return f"Paused before {', '.join(next_nodes)}"
    if state.get("checkpoint") is None:
        return "No state yet: run the graph to start this thread."
    step = (state.get("metadata") or {}).get("step")
    return f"Finished (step {step})" if step is not None else "Finished"


class StatePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No thread selected.")
        self.summary.setProperty("role", "hint")
        self.summary.setWordWrap(True)
        self.checkpoint = QLabel()
        self.checkpoint.setWordWrap(True)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the values of this checkpoint as JSON")
        self.copy_button.clicked.connect(self.copy_values)
        self.tree = JsonTreeView()
        self.tree.header().resizeSection(0, KEY_WIDTH)
        self.conversation = ConversationView()
        self.changes = DiffView()
        self.changes.set_labels("Before this step", "After this step")
        self.editor = StateEditor()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, "Values")
        self.tabs.addTab(self.conversation, "Chat")
        self.tabs.addTab(self.changes, "Changes")
        self.tabs.addTab(self.editor, "Edit")
        self.tabs.currentChanged.connect(lambda _index: self._refresh_tab())
        self.tabs.setCornerWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.checkpoint)
        layout.addWidget(self.tabs, 1)
        self.node: HistoryNode | None = None
        self._fresh: set[int] = set()
        self._show_node(None)

    # --- public API ---------------------------------------------------------------------

    def show_thread(self, thread: dict[str, Any]) -> None:
        """A failed thread says so first: its error is what the user needs to see."""
        error = thread.get("error")
        if thread.get("status") == "error" and isinstance(error, dict):
            self.summary.setText(
                f"The last run failed: {error.get('error')}: {error.get('message')}"
            )

    def show_state(self, state: dict[str, Any] | None) -> None:
        """The thread's head state: its status line (the checkpoint shown may be another)."""
        if state is None:
            self.summary.setText("No thread selected.")
            self._show_node(None)
            return
        self.summary.setText(describe(state))
        if state.get("checkpoint") is None:
            self._show_node(None)

    def show_checkpoint(self, node: HistoryNode | None) -> None:
        """Inspect this checkpoint (values, conversation, changes, editor)."""
        self._show_node(node)

    def copy_values(self) -> str:
        text = dump_json(self.node.values if self.node is not None else {})
        QGuiApplication.clipboard().setText(text)
        return text

    # --- private ------------------------------------------------------------------------

    def _show_node(self, node: HistoryNode | None) -> None:
        self.node = node
        self._fresh.clear()
        self.copy_button.setEnabled(node is not None)
        self.checkpoint.setText(node.summary() if node is not None else "")
        self.checkpoint.setVisible(node is not None)
        messages = conversation(node.values) if node is not None else None
        self.tabs.setTabEnabled(CONVERSATION_TAB, messages is not None)
        self.tabs.setTabText(CONVERSATION_TAB, f"Chat ({len(messages)})" if messages else "Chat")
        if messages is None and self.tabs.currentIndex() == CONVERSATION_TAB:
            self.tabs.setCurrentIndex(VALUES_TAB)
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        index = self.tabs.currentIndex()
        if index in self._fresh:
            return
        self._fresh.add(index)
        refresh: dict[int, Callable[[], None]] = {
            VALUES_TAB: self._fill_values,
            CONVERSATION_TAB: self._fill_conversation,
            CHANGES_TAB: self._fill_changes,
            EDIT_TAB: lambda: self.editor.set_checkpoint(self.node),
        }
        refresh[index]()

    def _fill_values(self) -> None:
        node = self.node
        shown: dict[str, Any] = {}
        if node is not None:
            shown = {"values": node.values}
            if node.next:
                shown["next"] = list(node.next)
            if node.state.get("interrupts"):
                shown["interrupts"] = node.state["interrupts"]
        self.tree.set_value(shown)
        self.tree.expandToDepth(0)

    def _fill_conversation(self) -> None:
        messages = conversation(self.node.values) if self.node is not None else None
        self.conversation.set_messages(messages or [])

    def _fill_changes(self) -> None:
        node = self.node
        if node is None:
            self.changes.clear("Select a checkpoint to see what its step changed.")
        elif node.parent is None and node.parent_id is not None:
            self.changes.clear("Its parent checkpoint is not loaded: load older checkpoints.")
        else:
            self.changes.show_diff(node.parent.values if node.parent else {}, node.values)
