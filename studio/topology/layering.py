"""Assign every node a rank (a row, top to bottom): the first phase of a layered layout.

Agent graphs loop (agent <-> tools), so cycles are broken first by reversing the edges a
depth-first walk from `__start__` finds pointing back up: the walk follows the order the
graph runs in, so the node reached first is drawn higher. Ranks are then the longest
path from the top, nudged down towards successors where that shortens edges, with
`__start__` alone on the first row and `__end__` alone on the last.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Layering:
    """Ranks per node and, per edge, whether it points up (was reversed to break a cycle)."""

    ranks: tuple[int, ...]
    reversed: tuple[bool, ...]

    @property
    def depth(self) -> int:
        """How many rows there are."""
        return max(self.ranks, default=-1) + 1


def assign_ranks(
    count: int,
    edges: Sequence[tuple[int, int]],
    *,
    start: int | None = None,
    end: int | None = None,
) -> Layering:
    """Rank `count` nodes joined by `edges` (pairs of node indices, no self-loops).

    Args:
        count: Number of nodes, indexed 0..count-1 in the topology's order.
        edges: Directed edges; the order matters only for ties, which keeps results stable.
        start: The top-level `__start__`, kept alone on rank 0.
        end: The top-level `__end__`, kept alone on the last rank.
    """
    reverse = _feedback_edges(count, edges, start, end)
    succ: list[list[int]] = [[] for _ in range(count)]
    pred: list[list[int]] = [[] for _ in range(count)]
    for (u, v), flip in zip(edges, reverse, strict=True):
        a, b = (v, u) if flip else (u, v)
        succ[a].append(b)
        pred[b].append(a)
    order = _topological(count, succ, pred)
    floor = 0 if start is None else 1
    ranks = [0] * count
    for v in order:
        lowest = 0 if v == start else floor
        ranks[v] = max([lowest, *(ranks[u] + 1 for u in pred[v])])
    # Pull nodes that feed more than they consume down next to what they feed.
    for v in reversed(order):
        if v in (start, end) or not succ[v]:
            continue
        if not pred[v] or len(succ[v]) > len(pred[v]):
            ranks[v] = max(ranks[v], min(ranks[w] for w in succ[v]) - 1)
    if end is not None and count > 1:
        ranks[end] = max(rank for v, rank in enumerate(ranks) if v != end) + 1
    used = sorted(set(ranks))
    compact = {rank: index for index, rank in enumerate(used)}
    return Layering(tuple(compact[rank] for rank in ranks), tuple(reverse))


def _feedback_edges(
    count: int, edges: Sequence[tuple[int, int]], start: int | None, end: int | None
) -> list[bool]:
    """Which edges to reverse so that the graph has no cycle (iterative DFS, stable)."""
    reverse = [v == start or u == end for u, v in edges]
    out: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for index, (u, v) in enumerate(edges):
        a, b = (v, u) if reverse[index] else (u, v)
        out[a].append((b, index))
    state = [0] * count  # 0 unseen, 1 on the stack, 2 done
    roots = [v for v in (start,) if v is not None] + list(range(count))
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, cursor = stack[-1]
            if cursor == len(out[v]):
                state[v] = 2
                stack.pop()
                continue
            stack[-1] = (v, cursor + 1)
            w, index = out[v][cursor]
            if state[w] == 1:
                reverse[index] = not reverse[index]
            elif state[w] == 0:
                state[w] = 1
                stack.append((w, 0))
    return reverse


def _topological(count: int, succ: list[list[int]], pred: list[list[int]]) -> list[int]:
    """Kahn's order, visiting ready nodes in index order so ties break the same way."""
    waiting = [len(p) for p in pred]
    ready = deque(v for v in range(count) if waiting[v] == 0)
    order: list[int] = []
    while ready:
        v = ready.popleft()
        order.append(v)
        for w in succ[v]:
            waiting[w] -= 1
            if waiting[w] == 0:
                ready.append(w)
    if len(order) != count:  # pragma: no cover - _feedback_edges leaves no cycle
        raise RuntimeError("cycle left after breaking cycles")
    return order
