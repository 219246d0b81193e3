"""Top-down layered layout of a topology: where the canvas puts nodes, edges and clusters.

A Sugiyama-style pipeline written for this job rather than grandalf's: grandalf has no
notion of clusters, and a subgraph's nodes must stay together inside one rectangle that
nothing else enters. The phases live in their own modules: `layering` (ranks, cycles),
`skeleton` (bend points), `ordering` (crossings), `placement` (x), `routing` (y, edges).
Every phase breaks ties on the topology's order, so a topology always gets the same
layout, in any process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from math import isfinite
from types import MappingProxyType
from typing import TypeVar

from studio.topology.geometry import Point, Rect, Size
from studio.topology.layering import assign_ranks
from studio.topology.model import Topology
from studio.topology.ordering import order_layers
from studio.topology.placement import Spacing, place
from studio.topology.routing import Direction, bands, route_edges
from studio.topology.skeleton import ROOT, build_skeleton

DEFAULT_NODE_SIZE = Size(120.0, 36.0)
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """Spacing, in scene units. The defaults suit ~10pt labels on ~36px tall nodes."""

    rank_gap: float = 48.0
    node_gap: float = 32.0
    edge_gap: float = 14.0
    cluster_padding: float = 14.0
    cluster_gap: float = 22.0
    cluster_header: float = 24.0
    port_spacing: float = 12.0
    self_loop: float = 24.0
    margin: float = 0.0
    sweeps: int = 8
    default_size: Size = DEFAULT_NODE_SIZE


@dataclass(frozen=True, slots=True)
class EdgeRoute:
    """Where to draw one edge.

    Attributes:
        points: The polyline from the source's outline to the target's outline; the
            arrowhead goes on the last segment. Straight segments; round them if you like.
        direction: See `Direction`.
        label_anchor: Halfway along the polyline, for the edge's label.
    """

    source: str
    target: str
    points: tuple[Point, ...]
    direction: Direction
    label_anchor: Point

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)


@dataclass(frozen=True)
class Layout:
    """A finished layout, translated so that `bounds` starts at (0, 0).

    Attributes:
        positions: Centre of every node.
        sizes: The size each node was laid out with (the given one, or the default).
        edges: One route per topology edge, in the topology's order.
        clusters: Rectangle of every cluster, title strip (`cluster_header`) included.
        bounds: Everything above, plus `margin`.
        ranks: The row of every node, 0 at the top.
    """

    positions: Mapping[str, Point]
    sizes: Mapping[str, Size]
    edges: tuple[EdgeRoute, ...]
    clusters: Mapping[str, Rect]
    bounds: Rect
    ranks: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def node_rect(self, node_id: str) -> Rect:
        return Rect.around(self.positions[node_id], self.sizes[node_id])

    def route(self, source: str, target: str) -> EdgeRoute:
        """The route of the edge `source -> target` (KeyError if there is none)."""
        for edge in self.edges:
            if edge.source == source and edge.target == target:
                return edge
        raise KeyError((source, target))


def layout_topology(
    topology: Topology,
    sizes: Mapping[str, tuple[float, float]] | None = None,
    options: LayoutOptions | None = None,
) -> Layout:
    """Lay the topology out top-down.

    Args:
        topology: What to draw (collapse clusters first if some are folded).
        sizes: Width and height per node id, as measured by the canvas; missing ids get
            `options.default_size`, unknown ids are ignored.
        options: Spacing; the defaults when None.

    Raises:
        ValueError: A size that is negative or not a finite number.
    """
    opts = options or LayoutOptions()
    ids = [node.id for node in topology.nodes]
    if not ids:
        side = 2 * opts.margin
        return Layout(_frozen({}), _frozen({}), (), _frozen({}), Rect(0.0, 0.0, side, side))
    index = {node_id: i for i, node_id in enumerate(ids)}
    measured = [_size(sizes, node_id, opts.default_size) for node_id in ids]
    loops = [(k, index[e.source]) for k, e in enumerate(topology.edges) if e.source == e.target]
    looped = {node for _, node in loops}
    edges = [(index[e.source], index[e.target]) for e in topology.edges if e.source != e.target]
    drawn_edges = [k for k, e in enumerate(topology.edges) if e.source != e.target]
    hints = _orphan_hints(topology, index)
    layering = assign_ranks(
        len(ids),
        edges + hints,
        start=index.get(topology.start.id) if topology.start else None,
        end=index.get(topology.end.id) if topology.end else None,
    )
    cluster_index = {cluster.id: i for i, cluster in enumerate(topology.clusters)}
    parents = [cluster_index[c.parent] if c.parent else ROOT for c in topology.clusters]
    node_cluster = [
        cluster_index[node.cluster] if node.cluster else ROOT for node in topology.nodes
    ]
    extents = [
        (size.width / 2, size.width / 2 + (opts.self_loop if i in looped else 0.0), size.height)
        for i, size in enumerate(measured)
    ]
    sk = build_skeleton(layering, extents, node_cluster, parents, edges + hints, len(edges))
    layers = order_layers(sk, opts.sweeps)
    spacing = Spacing(opts.node_gap, opts.edge_gap, opts.cluster_padding, opts.cluster_gap)
    xs, sides = place(sk, layers, spacing)
    rows = bands(sk, opts.rank_gap, opts.cluster_header, opts.cluster_padding)
    centres = [Point(xs[i], rows.centre(sk.rank[i])) for i in range(len(ids))]
    rects = [Rect.around(centre, size) for centre, size in zip(centres, measured, strict=True)]
    chains, hooks = route_edges(sk, xs, rows, rects, loops, opts.port_spacing)
    routes: dict[int, EdgeRoute] = {}
    for route in chains + hooks:
        k = route.edge if route.direction == "self" else drawn_edges[route.edge]
        edge = topology.edges[k]
        routes[k] = EdgeRoute(
            edge.source, edge.target, route.points, route.direction, _halfway(route.points)
        )
    cluster_rects = [
        Rect(
            sides[c][0],
            rows.cluster_top[c],
            sides[c][1] - sides[c][0],
            rows.cluster_bottom[c] - rows.cluster_top[c],
        )
        for c in range(len(topology.clusters))
    ]
    return _framed(
        topology,
        centres,
        measured,
        [routes[k] for k in range(len(topology.edges))],
        cluster_rects,
        layering.ranks,
        opts.margin,
    )


def _frozen(mapping: dict[str, _V]) -> Mapping[str, _V]:
    return MappingProxyType(mapping)


def _size(sizes: Mapping[str, tuple[float, float]] | None, node_id: str, default: Size) -> Size:
    width, height = sizes.get(node_id, default) if sizes else default
    if not (isfinite(width) and isfinite(height) and width >= 0 and height >= 0):
        raise ValueError(f"size of node {node_id!r} must be finite and >= 0: {(width, height)}")
    return Size(float(width), float(height))


def _orphan_hints(topology: Topology, index: Mapping[str, int]) -> list[tuple[int, int]]:
    """Layout-only edges from a router with unknown targets to the orphans it explains, so
    they are drawn below it rather than stranded at the top."""
    routers = [node for node in topology.nodes if node.unknown_targets]
    hints: list[tuple[int, int]] = []
    for node in topology.nodes:
        if not node.orphan:
            continue
        owners = [r for r in routers if node.path[: len(r.path)] == r.path and r.id != node.id]
        if owners:
            owner = max(owners, key=lambda r: len(r.path))  # first of the deepest
            hints.append((index[owner.id], index[node.id]))
    return hints


def _halfway(points: tuple[Point, ...]) -> Point:
    """The point halfway along a polyline (its segments are axis-parallel or short)."""
    lengths = [abs(b.x - a.x) + abs(b.y - a.y) for a, b in pairwise(points)]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(pairwise(points), lengths, strict=True):
        if remaining <= length and length > 0:
            t = remaining / length
            return Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
        remaining -= length
    return points[-1]


def _framed(
    topology: Topology,
    centres: list[Point],
    sizes: list[Size],
    routes: list[EdgeRoute],
    clusters: list[Rect],
    ranks: tuple[int, ...],
    margin: float,
) -> Layout:
    """The layout moved so that its bounds, margin included, start at the origin."""
    boxes = [Rect.around(c, s) for c, s in zip(centres, sizes, strict=True)] + clusters
    boxes += [Rect.spanning(route.points) for route in routes]
    if boxes:
        whole = boxes[0]
        for box in boxes[1:]:
            whole = whole.united(box)
    else:
        whole = Rect(0.0, 0.0, 0.0, 0.0)
    dx, dy = margin - whole.x, margin - whole.y

    def moved(p: Point) -> Point:
        return Point(p.x + dx, p.y + dy)

    ids = [node.id for node in topology.nodes]
    return Layout(
        positions=MappingProxyType({i: moved(c) for i, c in zip(ids, centres, strict=True)}),
        sizes=MappingProxyType(dict(zip(ids, sizes, strict=True))),
        edges=tuple(
            EdgeRoute(
                r.source,
                r.target,
                tuple(moved(p) for p in r.points),
                r.direction,
                moved(r.label_anchor),
            )
            for r in routes
        ),
        clusters=MappingProxyType(
            {c.id: r.translated(dx, dy) for c, r in zip(topology.clusters, clusters, strict=True)}
        ),
        bounds=Rect(0.0, 0.0, whole.width + 2 * margin, whole.height + 2 * margin),
        ranks=MappingProxyType(dict(zip(ids, ranks, strict=True))),
    )
