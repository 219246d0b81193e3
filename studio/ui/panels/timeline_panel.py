"""The last run's timeline: the chart, a totals line, and the executions as a sortable table
(sort by duration or tokens to find the slow or costly step)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.ui.debugger.timeline import RunTimeline, Span
from studio.ui.widgets.timeline_chart import TimelineChart, duration_text, span_text

OUTCOME_COLUMN = 4
COLUMN_WIDTHS = (30, 90, 66, 52)


class _SpanItem(QTreeWidgetItem):
    """Sorts by the numbers behind the text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() else 0
        mine, theirs = (
            self.data(column, Qt.ItemDataRole.UserRole),
            other.data(column, Qt.ItemDataRole.UserRole),
        )
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        return super().__lt__(other)


class TimelinePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.totals = QLabel("No run yet.")
        self.totals.setProperty("role", "hint")
        self.chart = TimelineChart()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.chart)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["#", "Node", "Duration", "Tokens", "Outcome"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(self.table)
        split.setSizes([560, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.totals)
        layout.addWidget(split, 1)
        self._spans: list[Span] | None = None
        self._items: list[_SpanItem] = []

    def show_timeline(self, timeline: RunTimeline) -> None:
        """Show the timeline as it is now: new executions are added, running ones updated."""
        self.chart.set_timeline(timeline)
        if timeline.spans is not self._spans:  # a new run
            self._spans = timeline.spans
            self._items.clear()
            self.table.clear()
        self.table.setSortingEnabled(False)
        for number, span in enumerate(timeline.spans, 1):
            if number <= len(self._items):
                item = self._items[number - 1]
                if item.text(OUTCOME_COLUMN) == "running":
                    self._fill(item, number, span)
            else:
                item = _SpanItem()
                self._fill(item, number, span)
                self._items.append(item)
                self.table.addTopLevelItem(item)
        self.table.setSortingEnabled(True)
        tokens = timeline.tokens
        count = len(timeline.spans)
        runs = f"{count} node execution{'s' if count != 1 else ''}"
        text = f"{runs} in {duration_text(timeline.duration)}"
        if tokens:
            text += f" · {tokens.total} tokens ({tokens.input} in, {tokens.output} out)"
        self.totals.setText(text if count else "No node ran in this run.")

    def nodes_in_order(self) -> list[str]:
        """The nodes of the executions, in the order they started."""
        return [span.node for span in self.chart.timeline.spans]

    @staticmethod
    def _fill(item: QTreeWidgetItem, number: int, span: Span) -> None:
        outcome = (
            "failed"
            if span.failed
            else "interrupted"
            if span.interrupted
            else "done"
            if span.finished
            else "running"
        )
        tokens = span.tokens.total
        texts = [
            str(number),
            span.node,
            duration_text(span.duration) if span.finished else "…",
            str(tokens) if tokens else "",
            outcome,
        ]
        for column, text in enumerate(texts):
            item.setText(column, text)
        item.setToolTip(1, span_text(span))
        for column, key in ((0, number), (2, span.duration), (3, tokens)):
            item.setData(column, Qt.ItemDataRole.UserRole, key)
