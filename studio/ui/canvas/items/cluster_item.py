"""A subgraph drawn expanded: a titled rectangle around its nodes; its title toggles it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from studio.topology.geometry import Rect
from studio.topology.model import Cluster
from studio.ui import theme

HEADER = 22.0


class ClusterItem(QGraphicsItem):
    def __init__(self, cluster: Cluster, rect: Rect) -> None:
        super().__init__()
        self.cluster = cluster
        self._rect = QRectF(*rect)
        self.setZValue(0)
        self.setToolTip(f"Subgraph {cluster.id}: double-click its title to collapse it.")

    def header_rect(self) -> QRectF:
        return QRectF(self._rect.left(), self._rect.top(), self._rect.width(), HEADER)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        colors = theme.current()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colors.color("border"), 1.0))
        painter.setBrush(colors.color("cluster"))
        painter.drawRoundedRect(self._rect, 10, 10)
        font = QFont()
        font.setPointSizeF(8.5)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colors.color("muted"))
        painter.drawText(
            self.header_rect().adjusted(10, 0, -10, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"▾ {self.cluster.label}",
        )
