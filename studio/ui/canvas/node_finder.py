"""Find a node of the drawn graph by name, from the keyboard (Ctrl+F).

Typing outlines the first node whose name contains the text and centres the view on it;
Enter moves to the next match. The node found is the graph's "current" node: Toggle
Breakpoint (F9) acts on it, so breakpoints can be set without the mouse.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsRectItem, QLineEdit, QWidget

from studio.ui import theme
from studio.ui.canvas.view import GraphView

OUTLINE_MARGIN = 6.0
OUTLINE_Z = 10.0


class NodeFinder(QLineEdit):
    """A search field for the nodes of `view`'s graph."""

    def __init__(self, view: GraphView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.current: str | None = None
        self.outline: QGraphicsRectItem | None = None
        """The dashed frame around the node found (None when nothing is found)."""
        self.setPlaceholderText("Find node")
        self.setClearButtonEnabled(True)
        self.setMaximumWidth(200)
        self.textEdited.connect(lambda text: self.find_node(text))
        self.returnPressed.connect(lambda: self.find_node(self.text(), after=self.current))
        view.graph_drawn.connect(self._on_drawn)

    def find_node(self, text: str, after: str | None = None) -> str | None:
        """Outline and centre the first node (after `after`) whose id contains `text`."""
        needle = text.strip().lower()
        names = sorted(self.view.graph_scene.nodes)
        matches = [name for name in names if needle and needle in name.lower()]
        if not matches:
            self._show(None)
            return None
        later = [name for name in matches if after is not None and name > after]
        found = (later or matches)[0]
        self._show(found)
        return found

    def _show(self, node_id: str | None) -> None:
        self.current = node_id
        scene = self.view.graph_scene
        if self.outline is not None and shiboken6.isValid(self.outline):
            scene.removeItem(self.outline)
        self.outline = None
        item = scene.nodes.get(node_id) if node_id else None
        if item is None:
            return
        rect = item.sceneBoundingRect().adjusted(
            -OUTLINE_MARGIN, -OUTLINE_MARGIN, OUTLINE_MARGIN, OUTLINE_MARGIN
        )
        pen = QPen(theme.current().color("accent"), 2, Qt.PenStyle.DashLine)
        self.outline = scene.addRect(rect, pen)
        self.outline.setZValue(OUTLINE_Z)
        self.view.centerOn(item)

    def _on_drawn(self) -> None:
        """The scene was rebuilt (its items, the outline too, are gone): outline again."""
        self.outline = None
        if self.current is not None:
            self._show(self.current if self.current in self.view.graph_scene.nodes else None)
