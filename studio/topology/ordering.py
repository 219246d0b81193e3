"""Order the items of every rank to reduce edge crossings (the second layout phase).

The classic barycentre sweeps (Sugiyama; Gansner et al., "A Technique for Drawing
Directed Graphs"), with two constraints the canvas needs:

* Clusters stay in one piece: each rank is sorted as a tree (items of a cluster are
  sorted among themselves, and the cluster as a whole among its siblings), and sibling
  clusters keep the same left-to-right order on every rank, so their rectangles can
  never interleave.
* A back-edge's side item stays right next to its node, so the short horizontal hop
  between them crosses nothing.

The best ordering seen over all sweeps is kept; ties break on the previous order, so the
result depends only on the input.
"""

from __future__ import annotations

from studio.topology.skeleton import ROOT, SIDE, Skeleton
from studio.topology.transpose import transpose


def order_layers(sk: Skeleton, sweeps: int) -> list[list[int]]:
    """Items per rank, left to right."""
    layers = _initial(sk)
    pos = [0] * len(sk.kind)
    _index(layers, pos)
    best = [list(layer) for layer in layers]
    best_crossings = count_crossings(sk, layers, pos)
    for _ in range(sweeps):
        if best_crossings == 0:
            break
        for downward in (True, False):
            keys = _cluster_keys(sk, layers, pos)
            ranks = range(1, sk.depth) if downward else range(sk.depth - 2, -1, -1)
            for rank in ranks:
                fixed = layers[rank - 1] if downward else layers[rank + 1]
                layers[rank] = _arrange(
                    sk, layers[rank], _keys(sk, layers[rank], fixed, pos, downward), keys
                )
                _index([layers[rank]], pos)
            crossings = count_crossings(sk, layers, pos)
            if crossings < best_crossings:
                best, best_crossings = [list(layer) for layer in layers], crossings
    transpose(sk, best)
    return best


def count_crossings(sk: Skeleton, layers: list[list[int]], pos: list[int]) -> int:
    """Edge crossings between adjacent ranks (inversions counted with a Fenwick tree)."""
    total = 0
    for rank in range(len(layers) - 1):
        size = len(layers[rank + 1])
        ends = sorted((pos[a], pos[b]) for a in layers[rank] for b in sk.down[a])
        tree = [0] * (size + 1)
        for seen, (_, b) in enumerate(ends):
            # Segments seen so far that end right of b cross this one.
            index, not_right = b + 1, 0
            while index > 0:
                not_right += tree[index]
                index -= index & -index
            total += seen - not_right
            index = b + 1
            while index <= size:
                tree[index] += 1
                index += index & -index
    return total


def _index(layers: list[list[int]], pos: list[int]) -> None:
    for layer in layers:
        for index, item in enumerate(layer):
            pos[item] = index


def _keys(
    sk: Skeleton, layer: list[int], fixed: list[int], pos: list[int], downward: bool
) -> dict[int, float]:
    """Sort keys for one rank: barycentres of each item's neighbours on the fixed rank.

    An item without neighbours leans on its cluster's items on the fixed rank instead (a
    filler then keeps its cluster's column going), or else stays where it is.
    """
    where: dict[int, list[int]] = {}
    for item in fixed:
        for cluster in sk.ancestors(sk.cluster[item]):
            where.setdefault(cluster, []).append(item)
    keys: dict[int, float] = {}
    for item in layer:
        key = _barycentre(sk.up[item] if downward else sk.down[item], pos, len(fixed))
        if key < 0 and sk.cluster[item] in where:
            key = _barycentre(where[sk.cluster[item]], pos, len(fixed))
        keys[item] = key if key >= 0 else (pos[item] + 0.5) / len(layer)
    return keys


def _barycentre(neighbours: list[int], pos: list[int], width: int) -> float:
    """Mean neighbour position scaled to 0..1, a lone neighbour counting as the middle (so
    items with and without neighbours sort on one scale), or -1 without neighbours."""
    if not neighbours:
        return -1.0
    return (sum(pos[n] for n in neighbours) / len(neighbours) + 0.5) / width


def _initial(sk: Skeleton) -> list[list[int]]:
    """A depth-first order from the top: items reached together start out together."""
    seen = [False] * len(sk.kind)
    found: list[int] = []
    for root in sorted(range(len(sk.kind)), key=lambda item: (sk.rank[item], item)):
        if seen[root]:
            continue
        seen[root] = True
        stack = [root]
        while stack:
            item = stack.pop()
            found.append(item)
            for child in reversed(sk.down[item]):
                if not seen[child]:
                    seen[child] = True
                    stack.append(child)
    layers: list[list[int]] = [[] for _ in range(sk.depth)]
    for item in found:
        layers[sk.rank[item]].append(item)
    pos = [0] * len(sk.kind)
    _index(layers, pos)
    keys = _cluster_keys(sk, layers, pos)
    return [
        _arrange(sk, layer, {item: index for index, item in enumerate(layer)}, keys)
        for layer in layers
    ]


def _cluster_keys(sk: Skeleton, layers: list[list[int]], pos: list[int]) -> list[float]:
    """Where each cluster sits on average; fixes sibling clusters' order for a whole sweep."""
    sums = [0.0] * len(sk.cluster_parent)
    counts = [0] * len(sk.cluster_parent)
    for layer in layers:
        for item in layer:
            for cluster in sk.ancestors(sk.cluster[item]):
                sums[cluster] += (pos[item] + 0.5) / len(layer)
                counts[cluster] += 1
    return [total / max(count, 1) for total, count in zip(sums, counts, strict=True)]


def _arrange(
    sk: Skeleton, layer: list[int], keys: dict[int, float], cluster_keys: list[float]
) -> list[int]:
    """Sort one rank by `keys`, keeping clusters contiguous and side items by their node."""
    sides: dict[int, list[int]] = {}
    children: dict[int, list[tuple[bool, int]]] = {ROOT: []}
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    registered: set[int] = set()
    for item in layer:
        if sk.kind[item] == SIDE:
            sides.setdefault(sk.partner[item], []).append(item)
            continue
        cluster = sk.cluster[item]
        children.setdefault(cluster, []).append((False, item))
        for outer in sk.ancestors(cluster):
            sums[outer] = sums.get(outer, 0.0) + keys[item]
            counts[outer] = counts.get(outer, 0) + 1
        while cluster != ROOT and cluster not in registered:
            registered.add(cluster)
            parent = sk.cluster_parent[cluster]
            children.setdefault(parent, []).append((True, cluster))
            cluster = parent

    def key(entry: tuple[bool, int]) -> float:
        is_cluster, ident = entry
        return sums[ident] / counts[ident] if is_cluster else keys[ident]

    out: list[int] = []

    def emit(cluster: int) -> None:
        entries = sorted(children.get(cluster, []), key=key)
        slots = [index for index, (is_cluster, _) in enumerate(entries) if is_cluster]
        ranked = sorted((entries[i] for i in slots), key=lambda e: (cluster_keys[e[1]], e[1]))
        for index, entry in zip(slots, ranked, strict=True):
            entries[index] = entry
        for is_cluster, ident in entries:
            if is_cluster:
                emit(ident)
            else:
                out.append(ident)
                out.extend(sides.get(ident, []))

    emit(ROOT)
    return out
