"""The state of the thread in view: its values as a tree, what runs next, and why it waits."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.ui.widgets.json_tree import JsonTreeView


def describe(state: dict[str, Any]) -> str:
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
        self.tree = JsonTreeView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_thread(self, thread: dict[str, Any]) -> None:
        """A failed thread says so first: its error is what the user needs to see."""
        error = thread.get("error")
        if thread.get("status") == "error" and isinstance(error, dict):
            self.summary.setText(
                f"The last run failed: {error.get('error')}: {error.get('message')}"
            )

    def show_state(self, state: dict[str, Any] | None) -> None:
        if state is None:
            self.summary.setText("No thread selected.")
            self.tree.set_value({})
            return
        self.summary.setText(describe(state))
        shown: dict[str, Any] = {"values": state.get("values")}
        if state.get("next"):
            shown["next"] = state["next"]
        if state.get("interrupts"):
            shown["interrupts"] = state["interrupts"]
        self.tree.set_value(shown)
        self.tree.expandToDepth(0)
