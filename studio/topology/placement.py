"""Horizontal positions for ordered ranks (the third layout phase).

Brandes and Koepf's method ("Fast and Simple Horizontal Coordinate Assignment", 2001):
four greedy alignments of items into vertical blocks (which straightens long edges),
each packed as tightly as the separations allow, then the median of the four per item.
Each packing satisfies every separation, and so does their per-item median, so no two
items ever overlap.

Clusters take part as border tokens: on each rank a cluster spans, a zero-width left
token before its items and a right token after them. A cluster's tokens are forced into
one vertical block per side (segments crossing them are marked as conflicts, which the
alignment respects), so a cluster has one left and one right x on every rank: its
rectangle, which by construction holds its items and nothing else.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from math import ceil, floor

from studio.topology.skeleton import DUMMY, NODE, SIDE, Skeleton

_LEFT, _RIGHT = -1, -2
"""Token kinds of a cluster's left and right borders (items keep their skeleton kind)."""


@dataclass(frozen=True, slots=True)
class Spacing:
    """Minimum gaps between neighbours on a rank."""

    node: float
    edge: float
    cluster_padding: float
    cluster_gap: float


@dataclass(slots=True)
class _Tokens:
    kind: list[int]
    left: list[float]
    right: list[float]
    up: list[list[int]]
    down: list[list[int]]
    layers: list[list[int]]
    borders: dict[int, tuple[int, int]]  # cluster -> (a left token, a right token)


def place(
    sk: Skeleton, layers: Sequence[Sequence[int]], spacing: Spacing
) -> tuple[list[float], dict[int, tuple[float, float]]]:
    """The x of every skeleton item, and each cluster's left and right x."""
    tokens = _tokenize(sk, layers)
    conflicts = _conflicts(tokens)
    runs: list[tuple[list[float], bool]] = []
    for downward in (True, False):
        for rightward in (False, True):
            ordered = tokens.layers if downward else tokens.layers[::-1]
            if rightward:
                ordered = [layer[::-1] for layer in ordered]
            neighbours = tokens.up if downward else tokens.down
            root = _align(ordered, neighbours, conflicts, len(tokens.kind))
            xs = _compact(ordered, root, tokens, spacing, rightward)
            runs.append(([-x for x in xs] if rightward else xs, rightward))
    final = _balance(runs, tokens)
    clusters = {c: (final[lo], final[hi]) for c, (lo, hi) in tokens.borders.items()}
    return final[: len(sk.kind)], clusters


def _tokenize(sk: Skeleton, layers: Sequence[Sequence[int]]) -> _Tokens:
    tokens = _Tokens(
        kind=list(sk.kind),
        left=list(sk.left),
        right=list(sk.right),
        up=[list(n) for n in sk.up],
        down=[list(n) for n in sk.down],
        layers=[],
        borders={},
    )
    last: dict[tuple[int, int], int] = {}  # (cluster, side) -> token on the previous rank

    def border(cluster: int, side: int) -> int:
        token = len(tokens.kind)
        tokens.kind.append(side)
        tokens.left.append(0.0)
        tokens.right.append(0.0)
        above = last.get((cluster, side))
        tokens.up.append([above] if above is not None else [])
        tokens.down.append([])
        if above is not None:
            tokens.down[above].append(token)
        last[(cluster, side)] = token
        lo, hi = tokens.borders.get(cluster, (token, token))
        tokens.borders[cluster] = (token, hi) if side == _LEFT else (lo, token)
        return token

    for layer in layers:
        row: list[int] = []
        open_: list[int] = []
        for item in layer:
            path = list(reversed(sk.ancestors(sk.cluster[item])))
            while open_ and open_ != path[: len(open_)]:
                row.append(border(open_.pop(), _RIGHT))
            for cluster in path[len(open_) :]:
                row.append(border(cluster, _LEFT))
                open_.append(cluster)
            row.append(item)
        while open_:
            row.append(border(open_.pop(), _RIGHT))
        tokens.layers.append(row)
    return tokens


def _separation(tokens: _Tokens, a: int, b: int, spacing: Spacing) -> float:
    """Minimum distance between the centres of `a` and `b`, with `a` directly left of `b`."""
    ka, kb = tokens.kind[a], tokens.kind[b]
    if ka == _LEFT or kb == _RIGHT:
        gap = spacing.cluster_padding  # from a border in to what it holds
    elif ka == _RIGHT or kb == _LEFT:
        gap = spacing.cluster_gap  # between a cluster and what is outside it
    elif ka == NODE and kb == NODE:
        gap = spacing.node
    elif ka == NODE or kb == NODE:
        gap = (spacing.node + spacing.edge) / 2
    else:
        gap = spacing.edge
    return tokens.right[a] + gap + tokens.left[b]


def _conflicts(tokens: _Tokens) -> set[tuple[int, int]]:
    """Segments that may not be aligned because they cross a stronger one.

    Border chains beat everything (they must stay straight); segments between bend
    points beat segments touching a node, which keeps long edges straight.
    """
    pos = [0] * len(tokens.kind)
    for layer in tokens.layers:
        for index, token in enumerate(layer):
            pos[token] = index
    kind = tokens.kind

    def border(u: int, v: int) -> bool:
        return kind[u] < 0 and kind[v] < 0

    def inner(u: int, v: int) -> bool:
        return border(u, v) or (kind[u] in (DUMMY, SIDE) and kind[v] in (DUMMY, SIDE))

    conflicts: set[tuple[int, int]] = set()
    for strong in (border, inner):
        for prev, layer in zip(tokens.layers, tokens.layers[1:], strict=False):
            k0, scan = 0, 0
            for i, v in enumerate(layer):
                w = next((u for u in tokens.up[v] if strong(u, v)), None)
                if w is None and i != len(layer) - 1:
                    continue
                k1 = pos[w] if w is not None else len(prev)
                for s in layer[scan : i + 1]:
                    for u in tokens.up[s]:
                        if (pos[u] < k0 or pos[u] > k1) and not strong(u, s):
                            conflicts.add((u, s))
                scan, k0 = i + 1, k1
    return conflicts


def _align(
    layers: list[list[int]],
    neighbours: list[list[int]],
    conflicts: set[tuple[int, int]],
    count: int,
) -> list[int]:
    """Vertical alignment: each token joins the block of a median neighbour if it can."""
    root = list(range(count))
    align = list(range(count))
    pos = [0] * count
    for layer in layers:
        for index, token in enumerate(layer):
            pos[token] = index
    for layer in layers:
        prev_index = -1
        for v in layer:
            ws = sorted(neighbours[v], key=pos.__getitem__)
            if not ws:
                continue
            middle = (len(ws) - 1) / 2
            for i in range(floor(middle), ceil(middle) + 1):
                w = ws[i]
                blocked = (w, v) in conflicts or (v, w) in conflicts
                if align[v] == v and prev_index < pos[w] and not blocked:
                    align[w] = v
                    align[v] = root[v] = root[w]
                    prev_index = pos[w]
    return root


def _compact(
    layers: list[list[int]], root: list[int], tokens: _Tokens, spacing: Spacing, mirrored: bool
) -> list[float]:
    """Pack blocks left (in this run's orientation) as far as separations allow."""
    succ: dict[int, dict[int, float]] = {}
    pred: dict[int, dict[int, float]] = {}
    for layer in layers:
        for u, v in pairwise(layer):
            gap = (
                _separation(tokens, v, u, spacing)
                if mirrored
                else _separation(tokens, u, v, spacing)
            )
            a, b = root[u], root[v]
            succ.setdefault(a, {})[b] = max(succ.get(a, {}).get(b, 0.0), gap)
            pred.setdefault(b, {})[a] = max(pred.get(b, {}).get(a, 0.0), gap)
    blocks = sorted({root[token] for layer in layers for token in layer})
    waiting = {b: len(pred.get(b, {})) for b in blocks}
    ready = deque(b for b in blocks if waiting[b] == 0)
    order: list[int] = []
    while ready:
        b = ready.popleft()
        order.append(b)
        for c in succ.get(b, {}):
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    xs: dict[int, float] = {}
    for b in order:
        xs[b] = max((xs[a] + gap for a, gap in pred.get(b, {}).items()), default=0.0)
    # Then pull blocks towards their right neighbours, except a cluster's trailing border,
    # which must hug the cluster's items.
    trailing = _LEFT if mirrored else _RIGHT
    for b in reversed(order):
        after = succ.get(b)
        if after and tokens.kind[b] != trailing:
            xs[b] = max(xs[b], min(xs[c] - gap for c, gap in after.items()))
    return [xs.get(root[token], 0.0) for token in range(len(tokens.kind))]


def _balance(runs: list[tuple[list[float], bool]], tokens: _Tokens) -> list[float]:
    """Align the four runs on the narrowest, then take each token's median."""

    def extent(xs: list[float]) -> tuple[float, float]:
        lo = min(x - tokens.left[t] for t, x in enumerate(xs))
        hi = max(x + tokens.right[t] for t, x in enumerate(xs))
        return lo, hi

    spans = [extent(xs) for xs, _ in runs]
    narrow_lo, narrow_hi = min(spans, key=lambda span: (span[1] - span[0], span))
    shifted: list[list[float]] = []
    for (xs, rightward), (lo, hi) in zip(runs, spans, strict=True):
        delta = narrow_hi - hi if rightward else narrow_lo - lo
        shifted.append([x + delta for x in xs])
    final: list[float] = []
    for token in range(len(tokens.kind)):
        values = sorted(xs[token] for xs in shifted)
        final.append((values[1] + values[2]) / 2)
    return final
