"""The graph view: zoom (wheel, Ctrl +/-), pan (drag), fit, export to PNG or SVG, and
breakpoints toggled by clicking nodes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QWheelEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsView, QWidget

from studio.topology.model import SEPARATOR
from studio.ui import theme
from studio.ui.canvas.interactions import BreakpointClicks
from studio.ui.canvas.scene import GraphScene
from studio.ui.debugger.breakpoints import Breakpoints

MIN_SCALE = 0.1
MAX_SCALE = 4.0
EXPORT_SCALE = 2.0
MAX_FIT_SCALE = 1.4


class GraphView(QGraphicsView):
    graph_drawn = Signal()
    breakpoint_toggled = Signal(str, str)
    """The user clicked a node to toggle a breakpoint (node id, "before" or "after")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.graph_scene = GraphScene()
        super().__init__(self.graph_scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(theme.current().color("window"))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.graph_scene.graph_drawn.connect(self._on_drawn)
        self.clicks = BreakpointClicks(self.graph_scene)
        self.clicks.toggled.connect(self.breakpoint_toggled)
        self._fresh = True

    # --- public API ---------------------------------------------------------------------

    def show_graph(self, graph: dict[str, Any]) -> None:
        self._fresh = True
        self.graph_scene.show_graph(graph)

    def mark_running(self, node_id: str) -> None:
        self.graph_scene.set_run_state(node_id, "running")

    def mark_finished(self, node_id: str, failed: bool = False) -> None:
        self.graph_scene.set_run_state(node_id, "failed" if failed else "done")

    def reset_marks(self) -> None:
        self.graph_scene.reset_run_states()

    def show_breakpoints(self, breakpoints: Breakpoints) -> None:
        self.graph_scene.set_breakpoints(breakpoints)

    def show_paused(self, nodes: list[str]) -> None:
        """Mark where a paused thread goes next (an empty list clears the marks)."""
        self.graph_scene.set_paused(frozenset(nodes))

    def restyle(self) -> None:
        """Repaint in the current theme's colours (after the user switched themes)."""
        self.setBackgroundBrush(theme.current().color("window"))
        for item in self.graph_scene.items():
            item.update()

    def own_nodes(self) -> list[str]:
        """The graph's own nodes, start included and end not (a subgraph is one node): what
        `as_node` and `goto` may name."""
        topology = self.graph_scene.topology
        if topology is None:
            return []
        names = (node.id.split(SEPARATOR, 1)[0] for node in topology.nodes)
        return [name for name in dict.fromkeys(names) if name != "__end__"]

    def node_position(self, node_id: str, where: str = "before") -> QPoint:
        """Where (in viewport pixels) a click toggles the node's breakpoint: for tests and
        for anyone driving the view."""
        item = self.graph_scene.nodes[node_id]
        rect = item.shape().boundingRect()
        y = rect.center().y() if where == "before" else rect.bottom() - 3
        return self.mapFromScene(item.mapToScene(QPointF(rect.center().x(), y)))

    def fit(self) -> None:
        rect = self.graph_scene.sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > MAX_FIT_SCALE:  # a small graph stays readable, not huge
            self.resetTransform()
            self.scale(MAX_FIT_SCALE, MAX_FIT_SCALE)
            self.centerOn(rect.center())

    def reserve_top(self, height: int) -> None:
        """Keep the top `height` pixels for a widget over the view (the problem banner):
        the viewport starts below it, so nothing drawn hides behind it. A graph that was
        wholly in view is fitted again, so its top (the start node) stays in sight."""
        if height == self.viewportMargins().top():
            return
        whole = self._shows_whole_graph()
        self.setViewportMargins(0, height, 0, 0)
        if whole:
            self.fit()

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(MIN_SCALE / current, min(MAX_SCALE / current, factor))
        self.scale(factor, factor)

    def export_png(self, path: str) -> bool:
        rect = self.graph_scene.sceneRect()
        size = QSize(int(rect.width() * EXPORT_SCALE), int(rect.height() * EXPORT_SCALE))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(theme.current().color("window"))
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        self.graph_scene.render(painter, QRectF(image.rect()), rect)
        painter.end()
        return bool(image.save(path))

    def export_svg(self, path: str) -> bool:
        rect = self.graph_scene.sceneRect()
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(rect.size().toSize())
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("LangGraph graph")
        generator.setDescription("Exported by lg-studio")
        painter = QPainter(generator)
        with self.graph_scene.uncached():  # cached items would land in the SVG as bitmaps
            self.graph_scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
        return True

    # --- Qt overrides -------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.15**steps)
        event.accept()

    # --- private ------------------------------------------------------------------------

    def _shows_whole_graph(self) -> bool:
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        return shown.contains(self.graph_scene.sceneRect())

    def _on_drawn(self) -> None:
        if self._fresh:
            self._fresh = False
            self.fit()
        self.graph_drawn.emit()
