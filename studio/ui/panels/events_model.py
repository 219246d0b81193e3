"""The run's event log as a table model that grows in batches.

Rows are appended a batch at a time (one beginInsertRows per frame, not per event) and the
summary of an event is computed only when its row is painted, so a stream of thousands of
events a second costs the UI little.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from studio.client.api import StreamEvent
from studio.ui.panels.rows_model import Index, RowsModel

COLUMNS = ("Time", "Event", "Node", "Data")


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    seconds: float
    event: StreamEvent

    @property
    def node(self) -> str:
        """The node an event concerns, when the event says (updates, tasks, messages)."""
        data = self.event.data
        mode = self.event.mode
        if mode == "updates" and isinstance(data, dict) and len(data) == 1:
            return str(next(iter(data)))
        if mode == "tasks" and isinstance(data, dict):
            return str(data.get("name", ""))
        if mode == "messages" and isinstance(data, list) and len(data) == 2:
            meta = data[1]
            if isinstance(meta, dict):
                return str(meta.get("langgraph_node", ""))
        return ""


def summarize(data: Any, limit: int = 160) -> str:
    text = orjson.dumps(data, default=str).decode() if not isinstance(data, str) else data
    return text if len(text) <= limit else text[: limit - 1] + "…"


class EventsModel(RowsModel[LoggedEvent]):
    """All events of the current run, oldest first."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started = time.monotonic()

    def clear(self) -> None:
        self._started = time.monotonic()
        super().clear()

    def append(self, events: list[StreamEvent]) -> None:
        now = time.monotonic() - self._started
        self._extend([LoggedEvent(now, event) for event in events])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return f"{row.seconds:7.3f}s"
            if column == 1:
                return row.event.event
            if column == 2:
                return row.node
            return summarize(row.event.data)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return summarize(row.event.data, 2000)
        return None


class EventsFilter(QSortFilterProxyModel):
    """Shows the events of one mode and/or one node (empty means all)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = ""
        self._node = ""

    def set_filter(self, mode: str, node: str) -> None:
        self.beginFilterChange()
        self._mode, self._node = mode, node
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, EventsModel)
        logged = model.row_at(source_row)
        if self._mode and logged.event.mode != self._mode:
            return False
        return not self._node or logged.node == self._node
