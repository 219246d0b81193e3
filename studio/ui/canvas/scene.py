"""The graph scene: mirrors a topology and its layout as items, and knows which node runs.

Items are passive: the scene builds them from `studio.topology` (parse, collapse, layout),
keeps id -> item maps, and pushes run states, breakpoints and the paused node into them.
Folding a subgraph derives a new view of the same topology and lays it out again; all of
these survive the rebuild.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
)

from studio.topology.collapse import collapse
from studio.topology.layout import Layout, layout_topology
from studio.topology.model import SEPARATOR, Topology
from studio.topology.parse import parse_topology
from studio.ui import theme
from studio.ui.canvas.items.cluster_item import ClusterItem
from studio.ui.canvas.items.edge_item import EdgeItem
from studio.ui.canvas.items.node_item import NodeItem, RunState, measure
from studio.ui.debugger.breakpoints import Breakpoints, Where

MARGIN = 40.0


class GraphScene(QGraphicsScene):
    graph_drawn = Signal()
    """The graph (or a new fold of it) is on the scene."""

    def __init__(self) -> None:
        super().__init__()
        self.topology: Topology | None = None
        self.view_topology: Topology | None = None
        self.layout: Layout | None = None
        self.collapsed: set[str] = set()
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.clusters: dict[str, ClusterItem] = {}
        self._states: dict[str, RunState] = {}
        self._breakpoints = Breakpoints()
        self._paused: frozenset[str] = frozenset()

    # --- model -> scene -----------------------------------------------------------------

    def show_graph(self, graph: dict[str, Any]) -> None:
        """Draw the server's graph JSON; a graph that cannot be drawn says why instead."""
        try:
            self.topology = parse_topology(graph)
        except ValueError as exc:
            self.topology = None
            self._show_message(f"This graph cannot be drawn: {exc}")
            return
        self.collapsed = set()
        self._states = {}
        self._rebuild()

    def toggle_cluster(self, cluster_id: str) -> None:
        if self.topology is None or not self.topology.has_cluster(cluster_id):
            return
        if cluster_id in self.collapsed:
            self.collapsed.discard(cluster_id)
        else:
            self.collapsed.add(cluster_id)
        self._rebuild()

    def set_run_state(self, node_id: str, state: RunState) -> None:
        self._states[node_id] = state
        item = self.item_for(node_id)
        if item is not None:
            item.set_run_state(self._shown_state(item.node.id))

    def reset_run_states(self) -> None:
        self._states.clear()
        for item in self.nodes.values():
            item.set_run_state("idle")

    def set_breakpoints(self, breakpoints: Breakpoints) -> None:
        self._breakpoints = breakpoints
        for item in self.nodes.values():
            item.set_breaks(self._breaks_of(item.node.id))

    def set_paused(self, node_ids: frozenset[str]) -> None:
        """Mark the nodes a paused thread runs next (none when it is not paused)."""
        self._paused = node_ids
        for node_id, item in self.nodes.items():
            item.set_paused(node_id in node_ids)

    def item_for(self, node_id: str) -> NodeItem | None:
        """The item that shows `node_id`: its own, or that of the folded subgraph holding it."""
        if node_id in self.nodes:
            return self.nodes[node_id]
        parts = node_id.split(SEPARATOR)
        for depth in range(len(parts) - 1, 0, -1):
            prefix = SEPARATOR.join(parts[:depth])
            if prefix in self.nodes:
                return self.nodes[prefix]
        return None

    @contextmanager
    def uncached(self) -> Iterator[None]:
        """Items paint themselves directly (not from their pixmap cache) inside the block."""
        modes = {item: item.cacheMode() for item in self.items()}
        for item in modes:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        try:
            yield
        finally:
            for item, mode in modes.items():
                item.setCacheMode(mode)

    # --- Qt overrides -------------------------------------------------------------------

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        position = event.scenePos()
        for item in self.items(position):
            if isinstance(item, NodeItem) and item.node.kind == "subgraph":
                self.toggle_cluster(item.node.id)
                return
            if isinstance(item, ClusterItem) and item.header_rect().contains(position):
                self.toggle_cluster(item.cluster.id)
                return
        super().mouseDoubleClickEvent(event)

    # --- private ------------------------------------------------------------------------

    def _breaks_of(self, node_id: str) -> frozenset[Where]:
        wanted: tuple[Where, ...] = ("before", "after")
        return frozenset(w for w in wanted if self._breakpoints.has(node_id, w))

    def _shown_state(self, shown_id: str) -> RunState:
        """A folded subgraph shows the liveliest state of the nodes inside it."""
        if shown_id in self._states:
            return self._states[shown_id]
        inside = [s for n, s in self._states.items() if n.startswith(shown_id + SEPARATOR)]
        states: tuple[RunState, ...] = ("running", "failed", "done")
        for state in states:
            if state in inside:
                return state
        return "idle"

    def _rebuild(self) -> None:
        assert self.topology is not None
        self.clear()
        self.nodes, self.edges, self.clusters = {}, {}, {}
        shown = collapse(self.topology, *sorted(self.collapsed))
        sizes = {node.id: measure(node) for node in shown.nodes}
        layout = layout_topology(shown, sizes)
        self.view_topology, self.layout = shown, layout
        for cluster in shown.clusters:
            if cluster.id in layout.clusters:
                item = ClusterItem(cluster, layout.clusters[cluster.id])
                self.clusters[cluster.id] = item
                self.addItem(item)
        for node in shown.nodes:
            node_item = NodeItem(node, sizes[node.id])
            node_item.setPos(*layout.positions[node.id])
            node_item.set_run_state(self._shown_state(node.id))
            node_item.set_breaks(self._breaks_of(node.id))
            node_item.set_paused(node.id in self._paused)
            self.nodes[node.id] = node_item
            self.addItem(node_item)
        for edge, route in zip(shown.edges, layout.edges, strict=True):
            edge_item = EdgeItem(edge, route)
            self.edges[edge.key] = edge_item
            self.addItem(edge_item)
        bounds = QRectF(*layout.bounds)
        self.setSceneRect(bounds.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        self.graph_drawn.emit()

    def _show_message(self, text: str) -> None:
        self.clear()
        self.nodes, self.edges, self.clusters = {}, {}, {}
        message = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPointSizeF(11)
        message.setFont(font)
        message.setBrush(theme.current().color("failed"))
        self.addItem(message)
        self.setSceneRect(message.boundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
