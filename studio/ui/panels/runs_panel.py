"""The runs of the thread in view: every run with its status, newest first; cancel a pending
or running one, or follow its events (a run started by a cron or another client)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
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

ID_ROLE = Qt.ItemDataRole.UserRole
ACTIVE = frozenset({"pending", "running"})
STATUS_MARKS = {
    "pending": "◌",
    "running": "●",
    "success": "✓",
    "error": "✕",
    "timeout": "⏱",
    "interrupted": "‖",
}
STATUS_COLORS = {"running": "active", "error": "failed", "timeout": "failed", "success": "done"}


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%b %d %H:%M:%S")
    except ValueError:
        return iso


class RunsPanel(QWidget):
    """A table of runs; cancel and follow go out as signals, the session's service acts."""

    cancel_requested = Signal(str)
    """Cancel this run (its id)."""
    join_requested = Signal(str)
    """Follow this run's events (its id)."""
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Run", "Status", "Created", "Updated", "Double texting"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.join_button = QPushButton("Follow")
        self.join_button.setToolTip("Show this run's events in the Events panel as they arrive")
        self.join_button.clicked.connect(self._on_join)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.join_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.runs: list[Run] = []
        self.set_runs("", [])

    # --- public API ---------------------------------------------------------------------

    def set_runs(self, thread_id: str, runs: list[Run]) -> None:
        """Show the runs of `thread_id` ("" when no thread is selected), keeping the one
        picked."""
        keep = self.selected_id()
        self.runs = list(runs)
        self.table.clear()
        colors = theme.current()
        for run in runs:
            status = run["status"]
            row = QTreeWidgetItem(
                [
                    run["run_id"][:8] + "…" + run["run_id"][-4:],
                    f"{STATUS_MARKS.get(status, '')} {status}",
                    _when(run["created_at"]),
                    _when(run["updated_at"]),
                    str(run.get("multitask_strategy") or ""),
                ]
            )
            row.setData(0, ID_ROLE, run["run_id"])
            row.setToolTip(0, run["run_id"])
            if status in STATUS_COLORS:
                row.setForeground(1, QBrush(colors.color(STATUS_COLORS[status])))
            self.table.addTopLevelItem(row)
            row.setSelected(run["run_id"] == keep)
        if not thread_id:
            self.hint.setText("Select a thread to see its runs.")
        else:
            active = sum(run["status"] in ACTIVE for run in runs)
            self.hint.setText(
                f"Thread …{thread_id[-8:]}: {len(runs)} run{'s' if len(runs) != 1 else ''}"
                + (f", {active} active" if active else "")
            )
        self._update_buttons()

    def selected_id(self) -> str | None:
        rows = self.table.selectedItems()
        return str(rows[0].data(0, ID_ROLE)) if rows else None

    def select(self, run_id: str) -> None:
        for index in range(self.table.topLevelItemCount()):
            row = self.table.topLevelItem(index)
            if row is not None and row.data(0, ID_ROLE) == run_id:
                self.table.setCurrentItem(row)

    # --- private ------------------------------------------------------------------------

    def _selected_run(self) -> Run | None:
        wanted = self.selected_id()
        return next((run for run in self.runs if run["run_id"] == wanted), None)

    def _update_buttons(self) -> None:
        run = self._selected_run()
        active = run is not None and run["status"] in ACTIVE
        self.cancel_button.setEnabled(active)
        self.join_button.setEnabled(active)

    def _on_cancel(self) -> None:
        run_id = self.selected_id()
        if run_id is not None:
            self.cancel_requested.emit(run_id)

    def _on_join(self) -> None:
        run_id = self.selected_id()
        if run_id is not None:
            self.join_requested.emit(run_id)
