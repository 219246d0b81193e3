"""Rows, cluster rectangles and edge polylines (the last layout phase).

Each rank is a horizontal band as tall as its tallest node; the gaps between bands hold
the cluster titles and paddings and nothing else. Edges run vertically inside bands
(through their own bend points, which placement kept clear of nodes) and only cross
gaps on the diagonal, so no segment goes through a node. Edges going down leave a node's
bottom and enter the next one's top, spread along the side when several share it. Edges
going up (loops) leave and enter from the right side, and self-loops are a small hook on
the right, so a loop never retraces the edge it closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from studio.topology.geometry import Point, Rect
from studio.topology.skeleton import NODE, ROOT, Chain, Skeleton

Direction = Literal["down", "up", "self"]
"""`down` follows the layering; `up` closes a loop (drawn on the right of its nodes);
`self` is a node's edge to itself."""


@dataclass(frozen=True, slots=True)
class Bands:
    """Vertical extent of every rank, and of every cluster's rectangle."""

    top: tuple[float, ...]
    height: tuple[float, ...]
    cluster_top: tuple[float, ...]
    cluster_bottom: tuple[float, ...]

    def centre(self, rank: int) -> float:
        return self.top[rank] + self.height[rank] / 2

    def bottom(self, rank: int) -> float:
        return self.top[rank] + self.height[rank]


def bands(sk: Skeleton, rank_gap: float, header: float, padding: float) -> Bands:
    """Stack the ranks, leaving room above for the titles of clusters that start on a rank
    and below for the paddings of those that end on it (nested ones stack up)."""
    height = [0.0] * sk.depth
    for item, kind in enumerate(sk.kind):
        if kind == NODE:
            height[sk.rank[item]] = max(height[sk.rank[item]], sk.height[item])
    clusters = range(len(sk.cluster_parent))
    starts, ends = [1] * len(clusters), [1] * len(clusters)
    for cluster in sorted(clusters, key=lambda c: -len(sk.ancestors(c))):
        parent = sk.cluster_parent[cluster]
        if parent != ROOT:
            low, high = sk.spans[cluster]
            if low == sk.spans[parent][0]:
                starts[parent] = max(starts[parent], starts[cluster] + 1)
            if high == sk.spans[parent][1]:
                ends[parent] = max(ends[parent], ends[cluster] + 1)
    above, below = [0] * sk.depth, [0] * sk.depth
    for cluster in clusters:
        low, high = sk.spans[cluster]
        above[low] = max(above[low], starts[cluster])
        below[high] = max(below[high], ends[cluster])
    top = [above[0] * header] if sk.depth else []
    for rank in range(1, sk.depth):
        gap = rank_gap + below[rank - 1] * padding + above[rank] * header
        top.append(top[-1] + height[rank - 1] + gap)
    return Bands(
        tuple(top),
        tuple(height),
        tuple(top[sk.spans[c][0]] - starts[c] * header for c in clusters),
        tuple(top[sk.spans[c][1]] + height[sk.spans[c][1]] + ends[c] * padding for c in clusters),
    )


@dataclass(frozen=True, slots=True)
class Route:
    """A polyline for an edge: a chain's edge index, or a topology edge for self-loops."""

    edge: int
    points: tuple[Point, ...]
    direction: Direction


def route_edges(
    sk: Skeleton,
    xs: Sequence[float],
    rows: Bands,
    node_rects: Sequence[Rect],
    loops: Sequence[tuple[int, int]],
    port_spacing: float,
) -> tuple[list[Route], list[Route]]:
    """Polylines for the drawn chains, and for `loops` (pairs of edge index and node)."""
    chains = [chain for chain in sk.chains if chain.edge >= 0]
    out_ports = _spread(
        chains, node_rects, xs, port_spacing, lambda c: (c.items[0], xs[c.items[1]])
    )
    in_ports = _spread(
        chains, node_rects, xs, port_spacing, lambda c: (c.items[-1], xs[c.items[-2]])
    )
    slots = _side_slots(chains, xs, node_rects, {node for _, node in loops})
    routes: list[Route] = []
    for index, chain in enumerate(chains):
        if chain.upward:
            points = _up(sk, chain, xs, rows, node_rects, slots)
        else:
            points = _down(sk, chain, xs, rows, node_rects, out_ports[index], in_ports[index])
        routes.append(Route(chain.edge, _simplify(points), "up" if chain.upward else "down"))
    hooks: list[Route] = []
    for edge, node in loops:
        rect = node_rects[node]
        first, second = slots[("loop", node, 0)], slots[("loop", node, 1)]
        reach = rect.right + (sk.right[node] - rect.width / 2) * 0.8
        points = [
            Point(rect.right, first),
            Point(reach, first),
            Point(reach, second),
            Point(rect.right, second),
        ]
        hooks.append(Route(edge, tuple(points), "self"))
    return routes, hooks


def _down(
    sk: Skeleton,
    chain: Chain,
    xs: Sequence[float],
    rows: Bands,
    rects: Sequence[Rect],
    start_x: float,
    end_x: float,
) -> list[Point]:
    source, target = chain.items[0], chain.items[-1]
    points = [
        Point(start_x, rects[source].bottom),
        Point(start_x, rows.bottom(sk.rank[source])),
    ]
    for bend in chain.items[1:-1]:
        points.append(Point(xs[bend], rows.top[sk.rank[bend]]))
        points.append(Point(xs[bend], rows.bottom(sk.rank[bend])))
    points.append(Point(end_x, rows.top[sk.rank[target]]))
    points.append(Point(end_x, rects[target].top))
    return points


def _up(
    sk: Skeleton,
    chain: Chain,
    xs: Sequence[float],
    rows: Bands,
    rects: Sequence[Rect],
    slots: dict[tuple[str, int, int], float],
) -> list[Point]:
    """From the bottom node's right side, up through the side items, into the top node's
    right side."""
    target, target_side = chain.items[0], chain.items[1]
    source, source_side = chain.items[-1], chain.items[-2]
    leave = slots[("out", source, source_side)]
    enter = slots[("in", target, target_side)]
    points = [
        Point(rects[source].right, leave),
        Point(xs[source_side], leave),
        Point(xs[source_side], rows.top[sk.rank[source]]),
    ]
    for bend in reversed(chain.items[2:-2]):
        points.append(Point(xs[bend], rows.bottom(sk.rank[bend])))
        points.append(Point(xs[bend], rows.top[sk.rank[bend]]))
    points.append(Point(xs[target_side], rows.bottom(sk.rank[target])))
    points.append(Point(xs[target_side], enter))
    points.append(Point(rects[target].right, enter))
    return points


def _spread(
    chains: list[Chain],
    rects: Sequence[Rect],
    xs: Sequence[float],
    spacing: float,
    end: Callable[[Chain], tuple[int, float]],
) -> list[float]:
    """Per chain, the x where it meets a node's bottom (or top): spread along the side in
    the order of where each edge goes next, so that they do not cross at the node."""
    by_node: dict[int, list[tuple[float, int]]] = {}
    for index, chain in enumerate(chains):
        if not chain.upward:
            node, toward = end(chain)
            by_node.setdefault(node, []).append((toward, index))
    ports = [0.0] * len(chains)
    for node, ends in by_node.items():
        ends.sort()
        step = min(spacing, rects[node].width * 0.7 / max(len(ends) - 1, 1))
        for i, (_, index) in enumerate(ends):
            ports[index] = xs[node] + (i - (len(ends) - 1) / 2) * step
    return ports


def _side_slots(
    chains: list[Chain], xs: Sequence[float], rects: Sequence[Rect], looped: set[int]
) -> dict[tuple[str, int, int], float]:
    """Heights on a node's right side: a self-loop on top, then edges leaving upwards
    (nearest side item highest), then edges arriving (nearest side item lowest). In that
    order no horizontal hop crosses another edge's vertical run."""
    leaving: dict[int, list[int]] = {}
    arriving: dict[int, list[int]] = {}
    for chain in chains:
        if chain.upward:
            leaving.setdefault(chain.items[-1], []).append(chain.items[-2])
            arriving.setdefault(chain.items[0], []).append(chain.items[1])
    slots: dict[tuple[str, int, int], float] = {}
    for node in sorted(set(leaving) | set(arriving) | looped):
        order: list[tuple[str, int, int]] = []
        if node in looped:
            order += [("loop", node, 0), ("loop", node, 1)]
        order += [("out", node, s) for s in sorted(leaving.get(node, []), key=xs.__getitem__)]
        order += [("in", node, s) for s in sorted(arriving.get(node, []), key=lambda s: -xs[s])]
        rect = rects[node]
        for i, key in enumerate(order):
            slots[key] = rect.top + rect.height * (i + 1) / (len(order) + 1)
    return slots


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle one of three in a straight line."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(point.x - kept[-1].x) < 1e-9 and abs(point.y - kept[-1].y) < 1e-9:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            straight = abs((bx - ax) * (point.y - ay) - (by - ay) * (point.x - ax)) < 1e-6
            onward = (bx - ax) * (point.x - bx) + (by - ay) * (point.y - by) >= 0
            if straight and onward:
                kept[-1] = point
                continue
        kept.append(point)
    return tuple(kept)
