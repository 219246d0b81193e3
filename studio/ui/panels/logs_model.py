"""The server's log and the graphs' output as one table, and the filter over it.

Log records and printed lines are one kind of row here (a `LogLine`): a person reading the
pane wants the `print` next to the warning it explains. Printed lines rank as INFO (stdout)
and WARNING (stderr) for the level filter. Rows come in batches; the oldest are dropped past
`MAX_LINES`, so a graph printing in a loop cannot grow the studio without bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush

from studio.client.api import ServerEvent
from studio.ui import theme
from studio.ui.panels.rows_model import Index, RowsModel

COLUMNS = ("Time", "Level", "Source", "Run", "Message")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
RANKS = {name: rank for rank, name in enumerate(LEVELS)} | {"STDOUT": 1, "STDERR": 2}
LEVEL_COLORS = {"WARNING": "active", "ERROR": "failed", "CRITICAL": "failed", "STDERR": "active"}
MAX_LINES = 20_000
RUN_ID_SHOWN = 8


@dataclass(frozen=True, slots=True)
class LogLine:
    """One log record or one printed line."""

    time: float
    level: str
    """A logging level name, or STDOUT / STDERR for printed lines."""
    source: str
    """The logger's name, or the graph output's stream."""
    text: str
    run_id: str | None = None
    traceback: str = ""

    @property
    def rank(self) -> int:
        return RANKS.get(self.level, 1)

    def matches(self, needle: str) -> bool:
        """Whether `needle` (lower case) occurs in the message, source or run id."""
        return any(needle in part.lower() for part in (self.text, self.source, self.run_id or ""))


def log_line(event: ServerEvent) -> LogLine | None:
    """The row for a `log` or `output` event of the server's stream (None for others)."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    run_id = data.get("run_id")
    run_id = str(run_id) if run_id else None
    seconds = float(data.get("time") or time.time())
    if event.event == "log":
        return LogLine(
            seconds,
            str(data.get("level") or "INFO"),
            str(data.get("logger") or ""),
            str(data.get("message") or ""),
            run_id,
            str(data.get("traceback") or ""),
        )
    if event.event == "output":
        stream = str(data.get("stream") or "stdout")
        return LogLine(seconds, stream.upper(), stream, str(data.get("text") or ""), run_id)
    return None


class LogsModel(RowsModel[LogLine]):
    """Every line kept, oldest first."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None, max_lines: int = MAX_LINES) -> None:
        super().__init__(parent)
        self._max = max_lines

    def append(self, lines: list[LogLine]) -> None:
        lines = lines[-self._max :]
        self._drop_oldest(len(self._rows) + len(lines) - self._max)
        self._extend(lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return time.strftime("%H:%M:%S", time.localtime(line.time))
            if column == 1:
                return line.level.lower() if line.level.startswith("STD") else line.level
            if column == 2:
                return line.source
            if column == 3:
                return (line.run_id or "")[:RUN_ID_SHOWN]
            first = line.text.split("\n", 1)[0]
            return f"{first}  ⤷ traceback" if line.traceback else first
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 3:
                return line.run_id
            if column == 4:
                return "\n".join(part for part in (line.text, line.traceback) if part)
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 4):
            color = LEVEL_COLORS.get(line.level)
            return QBrush(theme.current().color(color)) if color else None
        return None


class LogsFilter(QSortFilterProxyModel):
    """Lines at or above a level, containing a text, of one run (empty: any)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.min_rank = 0
        self.needle = ""
        self.run_id = ""

    def set_filter(self, *, min_rank: int, needle: str, run_id: str) -> None:
        self.beginFilterChange()
        self.min_rank, self.needle, self.run_id = min_rank, needle.lower(), run_id
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, LogsModel)
        line = model.row_at(source_row)
        if line.rank < self.min_rank:
            return False
        if self.run_id and line.run_id != self.run_id:
            return False
        return not self.needle or line.matches(self.needle)
