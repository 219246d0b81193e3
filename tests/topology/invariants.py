"""Checks every layout must pass, and random graphs to run them on."""

from __future__ import annotations

import random
from itertools import pairwise
from typing import Any

from studio.topology import Layout, Point, Rect, Topology


def sizes_for(topology: Topology, seed: int | None = None) -> dict[str, tuple[float, float]]:
    """Node sizes like the canvas measures them, or random ones for a seed."""
    rng = random.Random(seed)
    sizes: dict[str, tuple[float, float]] = {}
    for node in topology.nodes:
        if seed is not None:
            sizes[node.id] = (rng.uniform(10, 180), rng.uniform(12, 64))
        elif node.is_terminal:
            sizes[node.id] = (64.0, 28.0)
        else:
            sizes[node.id] = (8.0 * len(node.label) + 32.0, 36.0)
    return sizes


def crosses_inside(a: Point, b: Point, rect: Rect, eps: float = 1e-6) -> bool:
    """Whether segment ab passes through the rectangle's interior (Liang-Barsky clip)."""
    left, top, right, bottom = rect.left + eps, rect.top + eps, rect.right - eps, rect.bottom - eps
    if left >= right or top >= bottom:
        return False
    dx, dy = b.x - a.x, b.y - a.y
    low, high = 0.0, 1.0
    for p, q in ((-dx, a.x - left), (dx, right - a.x), (-dy, a.y - top), (dy, bottom - a.y)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return low < high


def assert_layout_invariants(topology: Topology, layout: Layout) -> None:
    """No overlaps, edges from outline to outline and never through a node, clusters that
    hold their nodes and nothing else, __start__ on top, __end__ at the bottom."""
    rects = {node.id: layout.node_rect(node.id) for node in topology.nodes}
    assert set(layout.positions) == set(rects)
    ids = list(rects)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert not rects[a].intersects(rects[b]), f"{a} overlaps {b}"
    assert [route.key for route in layout.edges] == [edge.key for edge in topology.edges]
    for route in layout.edges:
        assert len(route.points) >= 2, route
        assert rects[route.source].on_border(route.points[0]), f"{route.key} leaves inside"
        assert rects[route.target].on_border(route.points[-1]), f"{route.key} enters inside"
        for a, b in pairwise(route.points):
            for node_id, rect in rects.items():
                assert not crosses_inside(a, b, rect), f"{route.key} crosses {node_id}"
    for cluster in topology.clusters:
        box = layout.clusters[cluster.id]
        members = set(topology.members(cluster.id))
        for node_id, rect in rects.items():
            if node_id in members:
                assert box.contains(rect), f"{node_id} outside its cluster {cluster.id}"
            else:
                assert not box.intersects(rect), f"{node_id} inside cluster {cluster.id}"
        for other in topology.clusters:
            if other.path[: len(cluster.path)] == cluster.path:  # itself or nested in it
                assert box.contains(layout.clusters[other.id]), f"{other.id} leaks"
            elif cluster.path[: len(other.path)] != other.path:  # not an ancestor either
                assert not box.intersects(layout.clusters[other.id]), (cluster.id, other.id)
    if topology.start is not None:
        top = layout.positions[topology.start.id].y
        assert all(p.y > top for n, p in layout.positions.items() if n != topology.start.id)
    if topology.end is not None:
        bottom = layout.positions[topology.end.id].y
        assert all(p.y < bottom for n, p in layout.positions.items() if n != topology.end.id)
    everything = Rect(0.0, 0.0, layout.bounds.width, layout.bounds.height)
    assert layout.bounds == everything
    for rect in [*rects.values(), *layout.clusters.values()]:
        assert everything.contains(rect)
    for route in layout.edges:
        assert all(everything.contains(point) for point in route.points)


def random_payload(
    seed: int, nodes: int, edges: int, *, back_edges: int = 0, clusters: int = 0
) -> dict[str, Any]:
    """A random graph endpoint payload: mostly forward edges between nearby nodes (like a
    real pipeline), `back_edges` loops, and nodes spread over up to `clusters` nested
    subgraphs."""
    rng = random.Random(seed)
    paths: list[tuple[str, ...]] = [()]
    for index in range(clusters):
        parent = rng.choice([path for path in paths if len(path) < 3])
        paths.append((*parent, f"sub{index}"))
    ids = [":".join((*rng.choice(paths), f"n{i}")) for i in range(nodes)]
    pairs: dict[tuple[int, int], None] = {}
    reach = max(2, nodes // 8)
    for _ in range(20 * edges):  # bounded: small graphs have fewer pairs than asked for
        if len(pairs) >= edges - back_edges or nodes < 2:
            break
        a = rng.randrange(nodes - 1)
        pairs[(a, min(nodes - 1, a + rng.randint(1, reach)))] = None
    for _ in range(20 * back_edges):
        if len(pairs) >= edges or nodes < 2:
            break
        b = rng.randrange(nodes - 1)
        pairs[(min(nodes - 1, b + rng.randint(1, reach)), b)] = None
    raw_edges: list[dict[str, Any]] = [{"source": "__start__", "target": ids[0]}]
    for a, b in pairs:
        edge: dict[str, Any] = {"source": ids[a], "target": ids[b]}
        if rng.random() < 0.3:
            edge["conditional"] = True
            if rng.random() < 0.3:
                edge["data"] = f"branch{b}"
        raw_edges.append(edge)
    raw_edges.append({"source": ids[-1], "target": "__end__"})
    raw_nodes = [{"id": "__start__"}, *({"id": i} for i in ids), {"id": "__end__"}]
    return {"nodes": raw_nodes, "edges": raw_edges}
