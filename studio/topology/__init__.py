"""A graph's drawable model and its layered layout, in plain Python (no Qt).

The canvas's whole use of this package::

    full = parse_topology(await client.assistants.get_graph(assistant_id, xray=True))
    shown = collapse(full, *collapsed_cluster_ids)        # or just `full`
    layout = layout_topology(shown, {node.id: measure(node) for node in shown.nodes})

then one item per `shown.nodes` at `layout.positions`, one per `layout.edges` along its
points, one per `layout.clusters` rectangle. Both results are immutable and the layout
is deterministic, so redrawing the same graph never moves anything.
"""

from __future__ import annotations

from studio.topology.collapse import collapse
from studio.topology.geometry import Point, Rect, Size
from studio.topology.layout import (
    DEFAULT_NODE_SIZE,
    EdgeRoute,
    Layout,
    LayoutOptions,
    layout_topology,
)
from studio.topology.model import Cluster, Edge, Node, NodeKind, Topology
from studio.topology.parse import parse_topology
from studio.topology.routing import Direction

__all__ = [
    "DEFAULT_NODE_SIZE",
    "Cluster",
    "Direction",
    "Edge",
    "EdgeRoute",
    "Layout",
    "LayoutOptions",
    "Node",
    "NodeKind",
    "Point",
    "Rect",
    "Size",
    "Topology",
    "collapse",
    "layout_topology",
    "parse_topology",
]
