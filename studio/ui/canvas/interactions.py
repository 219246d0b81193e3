"""Mouse gestures on the graph, kept out of the scene and its items.

A click (press and release on the same node without dragging) toggles a breakpoint: before
the node, or after it when the click lands near its bottom edge. A press that turns into a
drag is the view's hand-scroll, and toggles nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsSceneMouseEvent

from studio.ui.canvas.items.node_item import NodeItem


class BreakpointClicks(QObject):
    """Watches a scene's mouse events (as an event filter) for clicks on nodes."""

    toggled = Signal(str, str)
    """The user clicked a node: toggle the breakpoint (node id, "before" or "after")."""

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self._pressed: tuple[NodeItem, QPointF] | None = None
        scene.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QGraphicsSceneMouseEvent):
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if event.type() == QEvent.Type.GraphicsSceneMousePress:
            item = self._node_at(watched, event.scenePos())
            self._pressed = (item, event.screenPos().toPointF()) if item is not None else None
        elif event.type() == QEvent.Type.GraphicsSceneMouseRelease and self._pressed:
            item, pressed_at = self._pressed
            self._pressed = None
            moved = (event.screenPos().toPointF() - pressed_at).manhattanLength()
            if moved < QApplication.startDragDistance() and item is self._node_at(
                watched, event.scenePos()
            ):
                where = item.region_at(item.mapFromScene(event.scenePos()))
                self.toggled.emit(item.node.id, where)
        return False

    @staticmethod
    def _node_at(scene: QObject, position: QPointF) -> NodeItem | None:
        assert isinstance(scene, QGraphicsScene)
        for item in scene.items(position):
            if isinstance(item, NodeItem):
                return item if item.can_break else None
        return None
