"""A Gantt chart of a run: one row per node, one bar per execution, tokens on the bar.

Bars are coloured like the canvas (green done, red failed, orange interrupted or still
running); the slowest bar is outlined, so the step to look at stands out without reading.
Painted directly from the RunTimeline; its rows and length are read once per change, not
per bar, so a run of thousands of steps still paints in one pass. Rows have a fixed height
so the chart scrolls in a QScrollArea.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from studio.ui import theme
from studio.ui.debugger.timeline import RunTimeline, Span

ROW = 24.0
BAR = 14.0
LABEL_WIDTH = 150.0
AXIS = 20.0
RIGHT_MARGIN = 16.0
TICK_SPACING = 110.0
"""At least this many pixels between time ticks, so their labels never overlap."""


def duration_text(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def span_text(span: Span) -> str:
    """The bar's tooltip: node, timing, tokens, outcome."""
    lines = [span.node, f"started at {duration_text(span.start)}"]
    lines.append(f"took {duration_text(span.duration)}" if span.finished else "still running")
    tokens = span.tokens
    if tokens:
        lines.append(f"tokens: {tokens.total} ({tokens.input} in, {tokens.output} out)")
    if span.failed:
        lines.append("failed")
    if span.interrupted:
        lines.append("interrupted (waits for input)")
    return "\n".join(lines)


class TimelineChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = RunTimeline()
        self.setMouseTracking(True)
        self.setMinimumHeight(int(AXIS + ROW * 2))

        self._rows: dict[str, int] = {}
        self._duration = 0.0

    def set_timeline(self, timeline: RunTimeline) -> None:
        """Show `timeline` as it is now (call again when it grows)."""
        self.timeline = timeline
        self._rows = {node: row for row, node in enumerate(timeline.nodes())}
        self._duration = timeline.duration
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, int(AXIS + max(1, len(self._rows)) * ROW + 4))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def bar_rect(self, span: Span) -> QRectF:
        """Where a span's bar is drawn (widget coordinates)."""
        row = self._rows.get(span.node, 0)
        scale = self._scale()
        left = LABEL_WIDTH + span.start * scale
        end = span.end if span.end is not None else self._duration
        width = max(3.0, (end - span.start) * scale)
        top = AXIS + row * ROW + (ROW - BAR) / 2
        return QRectF(left, top, width, BAR)

    def span_at(self, point: QPointF) -> Span | None:
        for span in reversed(self.timeline.spans):
            if self.bar_rect(span).adjusted(-2, -4, 2, 4).contains(point):
                return span
        return None

    # --- Qt overrides -------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent):
            span = self.span_at(QPointF(event.pos()))
            if span is not None:
                QToolTip.showText(event.globalPos(), span_text(span), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        colors = theme.current()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), colors.color("base"))
        if not self._rows:
            painter.setPen(colors.color("muted"))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Run the graph to see its timeline."
            )
            return
        self._paint_axis(painter)
        for node, row in self._rows.items():
            top = AXIS + row * ROW
            if row % 2:
                painter.fillRect(QRectF(0, top, self.width(), ROW), colors.color("alternate"))
            painter.setPen(colors.color("text"))
            painter.drawText(
                QRectF(8, top, LABEL_WIDTH - 12, ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                painter.fontMetrics().elidedText(
                    node, Qt.TextElideMode.ElideMiddle, int(LABEL_WIDTH - 12)
                ),
            )
        slowest = max(self.timeline.spans, key=lambda s: s.duration, default=None)
        for span in self.timeline.spans:
            self._paint_bar(painter, span, outlined=span is slowest and span.duration > 0)
        painter.end()

    # --- private ------------------------------------------------------------------------

    def _scale(self) -> float:
        """Pixels per second: the whole run fits the width."""
        width = max(50.0, self.width() - LABEL_WIDTH - RIGHT_MARGIN)
        return width / max(self._duration, 1e-3)

    def _paint_axis(self, painter: QPainter) -> None:
        colors = theme.current()
        painter.setPen(colors.color("muted"))
        total = self._duration
        width = self.width() - LABEL_WIDTH - RIGHT_MARGIN
        intervals = max(1, min(4, int(width // TICK_SPACING)))
        for i in range(intervals + 1):
            at = total * i / intervals
            x = LABEL_WIDTH + at * self._scale()
            painter.drawLine(QPointF(x, AXIS - 4), QPointF(x, self.height()))
            last = i == intervals
            align = Qt.AlignmentFlag.AlignRight if last else Qt.AlignmentFlag.AlignLeft
            box = QRectF(x - 72, 0, 70, AXIS - 4) if last else QRectF(x + 2, 0, 70, AXIS - 4)
            painter.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, duration_text(at))

    def _paint_bar(self, painter: QPainter, span: Span, *, outlined: bool) -> None:
        colors = theme.current()
        name = (
            "failed"
            if span.failed
            else "active"
            if span.interrupted or not span.finished
            else "done"
        )
        rect = self.bar_rect(span)
        painter.setPen(QPen(colors.color("text"), 1.5) if outlined else Qt.PenStyle.NoPen)
        painter.setBrush(colors.color(name))
        painter.drawRoundedRect(rect, 3, 3)
        label = duration_text(span.duration)
        if span.tokens:
            label += f" · {span.tokens.total} tok"
        room = self.width() - rect.right() - 4
        painter.setPen(colors.color("muted"))
        if painter.fontMetrics().horizontalAdvance(label) < room:
            painter.drawText(
                QRectF(rect.right() + 4, rect.top() - 3, room, rect.height() + 6),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )
