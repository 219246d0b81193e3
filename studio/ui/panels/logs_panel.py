"""The Logs pane: the server's log records and what graphs print, filtered by level, text and
run, with the selected line (and its traceback) in full below the table.

A failed run links here: `show_run` narrows the pane to that run's lines, so its traceback
and the prints that led to it are side by side. Double-clicking a line of a run does the same.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.client.api import ServerEvent
from studio.ui.panels.logs_model import RUN_ID_SHOWN, LogsFilter, LogsModel, log_line

LEVEL_CHOICES = (("All levels", 0), ("Info and up", 1), ("Warnings and up", 2), ("Errors", 3))
COLUMN_WIDTHS = (70, 70, 150, 80)
MIN_WIDTH = 150
"""Narrower than its filter row wants: tabbed with the other bottom panels, a wide minimum
would widen the whole window (a 1440-pixel window grew to 1552)."""
NOT_SERVED = (
    "This server does not publish its log: only lg-studio's runtime does (GET /lg-studio/events)."
)


class LogsPanel(QWidget):
    """A table that follows the newest line unless the user scrolls away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LogsModel(self)
        self.proxy = LogsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.level = QComboBox()
        for label, rank in LEVEL_CHOICES:
            self.level.addItem(label, rank)
        self.level.currentIndexChanged.connect(self._apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: text, logger or run id")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.run_chip = QPushButton()
        self.run_chip.setToolTip("Showing one run's lines: click to show every run's")
        self.run_chip.clicked.connect(lambda: self.show_run(""))
        self.run_chip.hide()
        self.count = QLabel("No lines")
        self.count.setProperty("role", "hint")
        clear = QPushButton("Clear")
        clear.setToolTip("Forget the lines shown so far")
        clear.clicked.connect(self.clear)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        # Fixed widths, as in the Events panel: measuring contents per batch stalls the window.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.doubleClicked.connect(self._on_double_click)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText("Select a line to read it in full, with its traceback.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.level)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.run_chip)
        filters.addWidget(self.count)
        filters.addWidget(clear)
        self.unavailable = QLabel(NOT_SERVED)
        self.unavailable.setProperty("role", "hint")
        self.unavailable.setWordWrap(True)
        self.unavailable.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.unavailable)
        layout.addWidget(split, 1)
        self.setMinimumWidth(MIN_WIDTH)

    # --- public API ---------------------------------------------------------------------

    def add_events(self, events: list[ServerEvent]) -> None:
        lines = [line for event in events if (line := log_line(event)) is not None]
        if not lines:
            return
        scrollbar = self.table.verticalScrollBar()
        following = scrollbar.value() >= scrollbar.maximum() - 2
        self.model.append(lines)
        self._count()
        if following:
            self.table.scrollToBottom()

    def show_run(self, run_id: str) -> None:
        """Show only the lines of `run_id` (all lines when empty)."""
        self.run_chip.setText(f"Run {run_id[:RUN_ID_SHOWN]}  ✕")
        self.run_chip.setVisible(bool(run_id))
        self.proxy.run_id = run_id
        self._apply_filter()
        self.table.scrollToBottom()

    def set_available(self, available: bool) -> None:
        """Whether the server publishes its log at all (only lg-studio does)."""
        self.unavailable.setVisible(not available and self.model.rowCount() == 0)

    def clear(self) -> None:
        self.model.clear()
        self.detail.clear()
        self._count()

    @property
    def shown_lines(self) -> list[str]:
        """The messages the filter lets through, top to bottom: what the user reads."""
        rows = range(self.proxy.rowCount())
        source = [self.proxy.mapToSource(self.proxy.index(row, 0)) for row in rows]
        return [self.model.row_at(index.row()).text for index in source]

    # --- private ------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        rank = self.level.currentData()
        self.proxy.set_filter(
            min_rank=int(rank) if rank is not None else 0,
            needle=self.search.text().strip(),
            run_id=self.proxy.run_id,
        )
        self._count()

    def _count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.count.setText("No lines")
        else:
            self.count.setText(f"{total} lines" if shown == total else f"{shown} of {total}")

    def _on_current(self, current: QModelIndex) -> None:
        if not current.isValid():
            return
        line = self.model.row_at(self.proxy.mapToSource(current).row())
        run = f"  run {line.run_id}" if line.run_id else ""
        header = f"{line.level} {line.source}{run}"
        self.detail.setPlainText("\n".join(p for p in (header, line.text, line.traceback) if p))

    def _on_double_click(self, index: QModelIndex) -> None:
        line = self.model.row_at(self.proxy.mapToSource(index).row())
        if line.run_id:
            self.show_run(line.run_id)
