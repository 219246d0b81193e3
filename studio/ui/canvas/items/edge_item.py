"""An edge on the canvas: the layout's polyline with rounded bends, an arrowhead, and the
branch label of a conditional edge; dashed when a router or Command decides it."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from studio.topology.layout import EdgeRoute
from studio.topology.model import Edge
from studio.ui import theme

ARROW = 8.0
CORNER = 8.0


def _rounded_path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for i in range(1, len(points) - 1):
        before, corner, after = points[i - 1], points[i], points[i + 1]
        into = _towards(corner, before, CORNER)
        out = _towards(corner, after, CORNER)
        path.lineTo(into)
        path.quadTo(corner, out)
    path.lineTo(points[-1])
    return path


def _towards(origin: QPointF, other: QPointF, distance: float) -> QPointF:
    dx, dy = other.x() - origin.x(), other.y() - origin.y()
    length = math.hypot(dx, dy)
    if length == 0:
        return QPointF(origin)
    step = min(distance, length / 2) / length
    return QPointF(origin.x() + dx * step, origin.y() + dy * step)


class EdgeItem(QGraphicsItem):
    def __init__(self, edge: Edge, route: EdgeRoute) -> None:
        super().__init__()
        self.edge = edge
        self.route = route
        points = [QPointF(*p) for p in route.points]
        self._path = _rounded_path(points)
        self._arrow = self._arrowhead(points[-2], points[-1]) if len(points) > 1 else QPolygonF()
        self._label_font = QFont()
        self._label_font.setPointSizeF(8.0)
        self.setZValue(1)
        self.setToolTip(
            f"{edge.source} → {edge.target}" + (" (conditional)" if edge.conditional else "")
        )

    @staticmethod
    def _arrowhead(tail: QPointF, tip: QPointF) -> QPolygonF:
        angle = math.atan2(tip.y() - tail.y(), tip.x() - tail.x())
        left = QPointF(
            tip.x() - ARROW * math.cos(angle - math.pi / 7),
            tip.y() - ARROW * math.sin(angle - math.pi / 7),
        )
        right = QPointF(
            tip.x() - ARROW * math.cos(angle + math.pi / 7),
            tip.y() - ARROW * math.sin(angle + math.pi / 7),
        )
        return QPolygonF([tip, left, right])

    def boundingRect(self) -> QRectF:
        rect = self._path.boundingRect().united(self._arrow.boundingRect())
        if self.edge.label:
            anchor = QPointF(*self.route.label_anchor)
            rect = rect.united(QRectF(anchor.x() - 60, anchor.y() - 10, 120, 20))
        return rect.adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        return stroker.createStroke(self._path)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        colors = theme.current()
        color = colors.color("edge")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, 1.4)
        if self.edge.conditional:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(color)
        painter.drawPolygon(self._arrow)
        if self.edge.label:
            anchor = QPointF(*self.route.label_anchor)
            painter.setFont(self._label_font)
            box = painter.fontMetrics().boundingRect(self.edge.label).adjusted(-4, -1, 4, 1)
            box.moveCenter(anchor.toPoint())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors.color("window"))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(colors.color("muted"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.edge.label)
