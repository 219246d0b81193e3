"""The event log of the run in view: every streamed event, filterable by mode and node."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.client.api import StreamEvent
from studio.ui.panels.events_model import EventsFilter, EventsModel

ALL = "All"
COLUMN_WIDTHS = (76, 150, 130)


class EventsPanel(QWidget):
    """A table of events that follows the newest one unless the user scrolls away."""

    error_selected = Signal()
    """The user selected the run's `error` event (its log lines are one step away)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EventsModel(self)
        self.proxy = EventsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.mode_filter = QComboBox()
        self.node_filter = QComboBox()
        for combo in (self.mode_filter, self.node_filter):
            combo.addItem(ALL)
            combo.setMinimumContentsLength(12)
            combo.currentTextChanged.connect(self._on_filter_changed)
        self.count = QLabel("No events")
        self.count.setProperty("role", "hint")
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        # Fixed starting widths: sizing columns to their contents re-measures every row on
        # each batch, which stalls the window once a run has streamed thousands of events.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Mode"))
        filters.addWidget(self.mode_filter)
        filters.addWidget(QLabel("Node"))
        filters.addWidget(self.node_filter)
        filters.addStretch(1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self._modes: set[str] = set()
        self._nodes: set[str] = set()

    def clear(self) -> None:
        self.model.clear()
        self._modes.clear()
        self._nodes.clear()
        for combo in (self.mode_filter, self.node_filter):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL)
            combo.blockSignals(False)
        self.proxy.set_filter("", "")
        self.count.setText("No events")

    def add_events(self, events: list[StreamEvent]) -> None:
        scrollbar = self.table.verticalScrollBar()
        following = scrollbar.value() >= scrollbar.maximum() - 2
        start = self.model.rowCount()
        self.model.append(events)
        for row in range(start, self.model.rowCount()):
            logged = self.model.row_at(row)
            self._offer(self.mode_filter, self._modes, logged.event.mode)
            self._offer(self.node_filter, self._nodes, logged.node)
        self.count.setText(f"{self.model.rowCount()} events")
        if following:
            self.table.scrollToBottom()

    @staticmethod
    def _offer(combo: QComboBox, seen: set[str], value: str) -> None:
        if value and value not in seen:
            seen.add(value)
            combo.addItem(value)

    def _on_current(self, current: QModelIndex) -> None:
        if current.isValid():
            row = self.proxy.mapToSource(current).row()
            if self.model.row_at(row).event.event == "error":
                self.error_selected.emit()

    def _on_filter_changed(self) -> None:
        mode = self.mode_filter.currentText()
        node = self.node_filter.currentText()
        self.proxy.set_filter("" if mode == ALL else mode, "" if node == ALL else node)
