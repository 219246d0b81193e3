"""Runs with their status, newest first: of the thread in view, or across the server's recent
threads (issue 6); narrow by status, cancel a pending or running one, follow its events (a run
started by a cron or another client), or go to its thread."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import Run
from studio.ui import theme
from studio.ui.services.runs_service import ACTIVE, Scope

ID_ROLE = Qt.ItemDataRole.UserRole
STATUS_MARKS = {
    "pending": "◌",
    "running": "●",
    "success": "✓",
    "error": "✕",
    "timeout": "⏱",
    "interrupted": "‖",
}
STATUS_COLORS = {"running": "active", "error": "failed", "timeout": "failed", "success": "done"}
SCOPES = (("This thread", "thread"), ("All threads", "all"))
THREAD_COLUMN = 1


def _short(an_id: str) -> str:
    return an_id[:8] + "…" + an_id[-4:]


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%b %d %H:%M:%S")
    except ValueError:
        return iso


class RunsPanel(QWidget):
    """A table of runs; cancel, follow and the scope go out as signals, the session's service
    acts."""

    cancel_requested = Signal(str, str)
    """Cancel this run (its thread's id, its id)."""
    join_requested = Signal(str, str)
    """Follow this run's events (its thread's id, its id)."""
    thread_requested = Signal(str)
    """Show this thread (its id) in the studio: the run picked is of another thread."""
    scope_changed = Signal(str)
    """List the runs of "thread" (the thread in view) or "all" (the recent threads)."""
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.scope_box = QComboBox()
        for label, scope in SCOPES:
            self.scope_box.addItem(label, scope)
        self.scope_box.setToolTip("All threads: the runs of the 50 most recently updated threads")
        self.scope_box.currentIndexChanged.connect(self._on_scope)
        self.status_box = QComboBox()
        self.status_box.addItem("Any status", "")
        for status, mark in STATUS_MARKS.items():
            self.status_box.addItem(f"{mark} {status}", status)
        self.status_box.currentIndexChanged.connect(self._fill)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(
            ["Run", "Thread", "Status", "Created", "Updated", "Double texting"]
        )
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_: self._on_show_thread())
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.join_button = QPushButton("Follow")
        self.join_button.setToolTip("Show this run's events in the Events panel as they arrive")
        self.join_button.clicked.connect(self._on_join)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.thread_button = QPushButton("Show Thread")
        self.thread_button.setToolTip("Select this run's thread (double-click does too)")
        self.thread_button.clicked.connect(self._on_show_thread)
        choices = QHBoxLayout()
        choices.addWidget(self.scope_box)
        choices.addWidget(self.status_box)
        choices.addWidget(self.hint, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.thread_button)
        buttons.addWidget(self.join_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(choices)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.runs: list[Run] = []
        self.thread_id = ""
        self.set_runs("", [])

    # --- public API ---------------------------------------------------------------------

    def scope(self) -> Scope:
        """Whose runs are listed: the thread in view's, or the recent threads'."""
        return cast(Scope, self.scope_box.currentData())

    def set_runs(self, thread_id: str, runs: list[Run]) -> None:
        """Show `runs` (of the scope chosen) while `thread_id` is in view ("" when no thread
        is selected), keeping the one picked."""
        self.thread_id = thread_id
        self.runs = list(runs)
        self._fill()

    def selected_id(self) -> str | None:
        rows = self.table.selectedItems()
        return str(rows[0].data(0, ID_ROLE)) if rows else None

    def select(self, run_id: str) -> None:
        for index in range(self.table.topLevelItemCount()):
            row = self.table.topLevelItem(index)
            if row is not None and row.data(0, ID_ROLE) == run_id:
                self.table.setCurrentItem(row)

    # --- private ------------------------------------------------------------------------

    def _fill(self) -> None:
        """Rebuild the table from the runs that pass the status filter."""
        keep = self.selected_id()
        wanted = self.status_box.currentData()
        shown = [run for run in self.runs if not wanted or run["status"] == wanted]
        self.table.clear()
        colors = theme.current()
        for run in shown:
            status = run["status"]
            row = QTreeWidgetItem(
                [
                    _short(run["run_id"]),
                    _short(run["thread_id"]),
                    f"{STATUS_MARKS.get(status, '')} {status}",
                    _when(run["created_at"]),
                    _when(run["updated_at"]),
                    str(run.get("multitask_strategy") or ""),
                ]
            )
            row.setData(0, ID_ROLE, run["run_id"])
            row.setToolTip(0, run["run_id"])
            row.setToolTip(THREAD_COLUMN, run["thread_id"])
            if status in STATUS_COLORS:
                row.setForeground(2, QBrush(colors.color(STATUS_COLORS[status])))
            self.table.addTopLevelItem(row)
            row.setSelected(run["run_id"] == keep)
        everywhere = self.scope() == "all"
        self.table.setColumnHidden(THREAD_COLUMN, not everywhere)
        self.hint.setText(self._summary(shown, everywhere))
        self._update_buttons()

    def _summary(self, shown: list[Run], everywhere: bool) -> str:
        if not everywhere and not self.thread_id:
            return "Select a thread to see its runs."
        active = sum(run["status"] in ACTIVE for run in shown)
        where = "Recent threads" if everywhere else f"Thread …{self.thread_id[-8:]}"
        return f"{where}: {len(shown)} run{'s' if len(shown) != 1 else ''}" + (
            f", {active} active" if active else ""
        )

    def _selected_run(self) -> Run | None:
        wanted = self.selected_id()
        return next((run for run in self.runs if run["run_id"] == wanted), None)

    def _update_buttons(self) -> None:
        run = self._selected_run()
        active = run is not None and run["status"] in ACTIVE
        self.cancel_button.setEnabled(active)
        self.join_button.setEnabled(active)
        self.thread_button.setEnabled(run is not None and run["thread_id"] != self.thread_id)

    def _on_scope(self) -> None:
        self._fill()
        self.scope_changed.emit(self.scope())

    def _on_cancel(self) -> None:
        run = self._selected_run()
        if run is not None:
            self.cancel_requested.emit(run["thread_id"], run["run_id"])

    def _on_join(self) -> None:
        run = self._selected_run()
        if run is not None:
            self.join_requested.emit(run["thread_id"], run["run_id"])

    def _on_show_thread(self) -> None:
        run = self._selected_run()
        if run is not None and run["thread_id"] != self.thread_id:
            self.thread_requested.emit(run["thread_id"])
