"""The layered graph the later phases work on: nodes, plus the points edges bend at.

Every edge becomes a chain of items, one per rank it crosses, so that ordering and
placement give long edges their own slots and no edge is drawn through a node. An edge
that points up (a loop's back-edge) also gets an item beside each of its ends, on the
same rank: it leaves and enters its nodes from the side, so it never overlaps the edge
that goes down between the same two nodes. Clusters get a zero-width filler on any rank
they span but have nothing on, so each cluster is present, and kept in one piece, on
every row of its rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from studio.topology.layering import Layering

NODE, DUMMY, SIDE, FILLER = 0, 1, 2, 3
ROOT = -1
"""The cluster index of items at the top level."""


@dataclass(slots=True)
class Chain:
    """An edge's items from its top rank to its bottom rank.

    `upward` edges run from `items[-1]` to `items[0]`; `items[1]` and `items[-2]` are
    then the side items beside the two ends. `edge` is -1 for layout-only chains.
    """

    edge: int
    items: list[int]
    upward: bool


@dataclass(slots=True)
class Skeleton:
    """Items (nodes first, then bend points and fillers) with ranks and clusters."""

    depth: int
    cluster_parent: list[int]
    kind: list[int] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    cluster: list[int] = field(default_factory=list)
    partner: list[int] = field(default_factory=list)
    left: list[float] = field(default_factory=list)
    right: list[float] = field(default_factory=list)
    height: list[float] = field(default_factory=list)
    up: list[list[int]] = field(default_factory=list)
    down: list[list[int]] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, kind: int, rank: int, cluster: int, partner: int = -1) -> int:
        self.kind.append(kind)
        self.rank.append(rank)
        self.cluster.append(cluster)
        self.partner.append(partner)
        self.left.append(0.0)
        self.right.append(0.0)
        self.height.append(0.0)
        self.up.append([])
        self.down.append([])
        return len(self.kind) - 1

    lineage: list[tuple[int, ...]] = field(default_factory=list)

    def ancestors(self, cluster: int) -> tuple[int, ...]:
        """The cluster and its ancestors, innermost first (empty at the top level)."""
        if cluster == ROOT:
            return ()
        if not self.lineage:  # every phase asks, so work it out once
            for index in range(len(self.cluster_parent)):
                chain: list[int] = []
                walk = index
                while walk != ROOT:
                    chain.append(walk)
                    walk = self.cluster_parent[walk]
                self.lineage.append(tuple(chain))
        return self.lineage[cluster]


def build_skeleton(
    layering: Layering,
    extents: Sequence[tuple[float, float, float]],
    node_cluster: Sequence[int],
    cluster_parent: Sequence[int],
    edges: Sequence[tuple[int, int]],
    drawn: int,
) -> Skeleton:
    """Turn ranked nodes and edges into items.

    Args:
        layering: Ranks and reversed flags for `edges`.
        extents: Per node: space left of its centre, right of it, and its height.
        node_cluster: Per node, the index of its innermost cluster or ROOT.
        cluster_parent: Per cluster, its parent's index or ROOT.
        edges: Node index pairs without self-loops; the first `drawn` are real edges,
            the rest only pull nodes into place and are dropped if they point up.
        drawn: How many of `edges` are drawn.
    """
    sk = Skeleton(depth=layering.depth, cluster_parent=list(cluster_parent))
    for index, (left, right, height) in enumerate(extents):
        item = sk.add(NODE, layering.ranks[index], node_cluster[index])
        sk.left[item], sk.right[item], sk.height[item] = left, right, height
    for index, (u, v) in enumerate(edges):
        upward = layering.reversed[index]
        if upward and index >= drawn:
            continue
        top, bottom = (v, u) if upward else (u, v)
        sk.chains.append(
            Chain(index if index < drawn else -1, _chain(sk, top, bottom, upward), upward)
        )
    _add_fillers(sk, len(extents))
    return sk


def _chain(sk: Skeleton, top: int, bottom: int, upward: bool) -> list[int]:
    common = _common_cluster(sk, sk.cluster[top], sk.cluster[bottom])
    items = [top]
    if upward:
        items.append(sk.add(SIDE, sk.rank[top], sk.cluster[top], partner=top))
    for rank in range(sk.rank[top] + 1, sk.rank[bottom]):
        items.append(sk.add(DUMMY, rank, common))
    if upward:
        items.append(sk.add(SIDE, sk.rank[bottom], sk.cluster[bottom], partner=bottom))
    items.append(bottom)
    for a, b in pairwise(items):
        if sk.rank[b] == sk.rank[a] + 1:
            sk.down[a].append(b)
            sk.up[b].append(a)
    return items


def _common_cluster(sk: Skeleton, a: int, b: int) -> int:
    """The innermost cluster holding both (ROOT if none): where an edge's bends belong."""
    outer = set(sk.ancestors(b))
    for cluster in sk.ancestors(a):
        if cluster in outer:
            return cluster
    return ROOT


def _add_fillers(sk: Skeleton, node_count: int) -> None:
    clusters = len(sk.cluster_parent)
    present: list[set[int]] = [set() for _ in range(clusters)]
    low = [sk.depth] * clusters
    high = [-1] * clusters
    for item in range(len(sk.kind)):
        for cluster in sk.ancestors(sk.cluster[item]):
            present[cluster].add(sk.rank[item])
            if item < node_count:
                low[cluster] = min(low[cluster], sk.rank[item])
                high[cluster] = max(high[cluster], sk.rank[item])
    sk.spans = list(zip(low, high, strict=True))
    depth = [len(sk.ancestors(cluster)) for cluster in range(clusters)]
    for cluster in sorted(range(clusters), key=lambda c: (-depth[c], c)):
        for rank in range(low[cluster], high[cluster] + 1):
            if rank not in present[cluster]:
                sk.add(FILLER, rank, cluster)
                for outer in sk.ancestors(cluster):
                    present[outer].add(rank)
