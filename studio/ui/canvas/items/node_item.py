"""A graph node on the canvas: passive, told its state through setters, painted from theme."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from studio.topology.model import SEPARATOR, Node
from studio.ui import theme
from studio.ui.debugger.breakpoints import Where

RunState = Literal["idle", "running", "done", "failed"]

PADDING_X = 18.0
HEIGHT = 34.0
TOOLS_LINE = 15.0
MIN_WIDTH = 84.0
TERMINAL_WIDTH = 96.0
MARKER = 5.5
"""Radius of a breakpoint dot (on the top edge: before; on the bottom edge: after)."""
MARKER_X = 14.0
AFTER_ZONE = 0.3
"""The bottom share of a node where a click sets a break after it, not before."""


def node_font() -> QFont:
    font = QFont()
    font.setPointSizeF(10.0)
    return font


def _small_font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.0)
    return font


def measure(node: Node) -> tuple[float, float]:
    """The size a node needs for its label (and tool list), for the layout to use."""
    if node.is_terminal:
        return (TERMINAL_WIDTH, HEIGHT - 6)
    width = QFontMetricsF(node_font()).horizontalAdvance(node.label) + 2 * PADDING_X
    height = HEIGHT
    if node.tools:
        tools = ", ".join(node.tools)
        width = max(width, QFontMetricsF(_small_font()).horizontalAdvance(tools) + 2 * PADDING_X)
        height += TOOLS_LINE
    return (max(MIN_WIDTH, width), height)


class NodeItem(QGraphicsItem):
    """One node: its label, tools, run state, and flags (unknown targets, breakpoint)."""

    def __init__(self, node: Node, size: tuple[float, float]) -> None:
        super().__init__()
        self.node = node
        self.run_state: RunState = "idle"
        self.breaks: frozenset[Where] = frozenset()
        self.paused = False
        self._hovered = False
        width, height = size
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.setZValue(2)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setToolTip(self._tooltip())

    @property
    def can_break(self) -> bool:
        """Breakpoints apply to the graph's own nodes (not start/end, not inside subgraphs)."""
        return not self.node.is_terminal and SEPARATOR not in self.node.id

    def set_run_state(self, state: RunState) -> None:
        if state != self.run_state:
            self.run_state = state
            self.update()

    def set_breaks(self, breaks: frozenset[Where]) -> None:
        if breaks != self.breaks:
            self.breaks = breaks
            self.update()

    def set_paused(self, paused: bool) -> None:
        """The thread waits to run this node next (a breakpoint or an interrupt)."""
        if paused != self.paused:
            self.paused = paused
            self.update()

    def region_at(self, point: QPointF) -> Where:
        """Which breakpoint a click at `point` (item coordinates) toggles."""
        bottom_zone = self._rect.bottom() - self._rect.height() * AFTER_ZONE
        return "after" if point.y() >= bottom_zone else "before"

    def marker_center(self, where: Where) -> QPointF:
        y = self._rect.top() if where == "before" else self._rect.bottom()
        return QPointF(self._rect.left() + MARKER_X, y)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-12, -8, 8, 8)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 8, 8)
        return path

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        colors = theme.current()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill, border, width = self._colors(colors)
        painter.setBrush(fill)
        pen = QPen(border, width)
        if self.node.orphan and self.run_state == "idle":
            pen.setStyle(Qt.PenStyle.DashLine)  # reached only through an undeclared route
        painter.setPen(pen)
        radius = self._rect.height() / 2 if self.node.is_terminal else 8.0
        painter.drawRoundedRect(self._rect, radius, radius)
        if self.node.kind == "subgraph":
            inner = self._rect.adjusted(3, 3, -3, -3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(inner, radius - 2, radius - 2)
        dim = self.node.is_terminal or (self.node.orphan and self.run_state == "idle")
        painter.setPen(colors.color("muted") if dim else colors.color("node_text"))
        painter.setFont(node_font())
        label_rect = QRectF(self._rect)
        if self.node.tools:
            label_rect.setHeight(HEIGHT)
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, self._display_label())
        if self.node.tools:
            painter.setFont(_small_font())
            painter.setPen(colors.color("muted"))
            tools_rect = QRectF(
                self._rect.left(), self._rect.top() + HEIGHT - 8, self._rect.width(), TOOLS_LINE
            )
            painter.drawText(tools_rect, Qt.AlignmentFlag.AlignCenter, ", ".join(self.node.tools))
        if self.node.unknown_targets:
            self._paint_unknown_targets(painter, colors)
        if self.can_break:
            self._paint_breakpoints(painter, colors)
        if self.paused:
            self._paint_paused(painter, colors)

    # --- Qt overrides -------------------------------------------------------------------

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    # --- private ------------------------------------------------------------------------

    def _display_label(self) -> str:
        if self.node.kind == "start":
            return "start"
        if self.node.kind == "end":
            return "end"
        return self.node.label

    def _colors(self, colors: theme.Theme) -> tuple[QColor, QColor, float]:
        if self.run_state == "running":
            return colors.color("node"), colors.color("active"), 3.0
        if self.run_state == "failed":
            return colors.color("node"), colors.color("failed"), 2.5
        if self.run_state == "done":
            return colors.color("node"), colors.color("done"), 2.0
        if self.node.is_terminal:
            return colors.color("terminal"), colors.color("border"), 1.0
        return colors.color("node"), colors.color("border"), 1.2

    def _paint_unknown_targets(self, painter: QPainter, colors: theme.Theme) -> None:
        """A `?` badge on the top-right corner: the node routes where the graph does not say
        (drawn there so it never covers the edges leaving the node)."""
        badge = QRectF(self._rect.right() - 8, self._rect.top() - 8, 16, 16)
        painter.setPen(QPen(colors.color("active"), 1.2))
        painter.setBrush(colors.color("base"))
        painter.drawEllipse(badge)
        painter.setFont(_small_font())
        painter.setPen(colors.color("active"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "?")

    def _paint_breakpoints(self, painter: QPainter, colors: theme.Theme) -> None:
        """Set breakpoints as red dots on the edge they guard; a hovered node shows faint
        rings where a click would set one."""
        where: Where
        for where in ("before", "after"):
            center = self.marker_center(where)
            if where in self.breaks:
                painter.setPen(QPen(colors.color("base"), 1.5))
                painter.setBrush(colors.color("failed"))
            elif self._hovered:
                painter.setPen(QPen(colors.color("failed"), 1.0, Qt.PenStyle.DotLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                continue
            painter.drawEllipse(center, MARKER, MARKER)

    def _paint_paused(self, painter: QPainter, colors: theme.Theme) -> None:
        """A pause badge on the left edge: the run stopped before this node."""
        badge = QRectF(self._rect.left() - 9, self._rect.center().y() - 9, 18, 18)
        painter.setPen(QPen(colors.color("active"), 1.5))
        painter.setBrush(colors.color("base"))
        painter.drawEllipse(badge)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.color("active"))
        center = badge.center()
        for dx in (-3.5, 1.0):  # the pause sign: two bars (fonts often lack U+23F8)
            painter.drawRect(QRectF(center.x() + dx, center.y() - 4, 2.5, 8))

    def _tooltip(self) -> str:
        lines = [self.node.id]
        if self.node.tools:
            lines.append("Tools: " + ", ".join(self.node.tools))
        if self.node.unknown_targets:
            lines.append(
                "Routes to targets the graph does not declare (a router without a Literal "
                "return type or path map); its possible next nodes are unknown."
            )
        if self.node.orphan:
            lines.append("No declared edge leads here; a router with unknown targets may.")
        if self.node.kind == "subgraph":
            lines.append("A collapsed subgraph: double-click to expand it.")
        if self.can_break:
            lines.append("Click to break before this node; click its bottom edge to break after.")
        return "\n".join(lines)
