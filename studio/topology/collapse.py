"""Fold subgraph clusters into single nodes, so a deep graph can be read a level at a time.

The result is a new topology: the canvas keeps the fully expanded one it parsed and
derives what it shows with `collapse(full, *collapsed_ids)`. Expanding a cluster is
deriving again without its id, so no state has to be undone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from studio.topology.model import Edge, Node, Topology, cluster_id
from studio.topology.parse import merge_parallel


def collapse(topology: Topology, *cluster_ids: str) -> Topology:
    """The topology with each named cluster drawn as one `subgraph` node.

    The new node takes the cluster's id (`"sub:inner"`), its label and its place in the
    parent cluster. Edges into or out of the cluster are rerouted to it; edges inside it
    disappear; parallel edges that rerouting creates are merged. Collapsing a cluster
    inside one that is also collapsed changes nothing more.

    Raises:
        KeyError: An id that is not a cluster of this topology.
    """
    paths = [topology.cluster(cid).path for cid in dict.fromkeys(cluster_ids)]
    if not paths:
        return topology
    outermost = [path for path in paths if not any(_inside(path, other) for other in paths)]

    def owner(node: Node) -> tuple[str, ...] | None:
        for path in outermost:
            if node.path[: len(path)] == path:
                return path
        return None

    rename: dict[str, str] = {}
    placed: set[str] = set()
    nodes: list[Node] = []
    for node in topology.nodes:
        path = owner(node)
        if path is None:
            nodes.append(node)
            continue
        folded = topology.cluster(cluster_id(path) or "")
        if folded.id not in placed:  # where its first member was
            placed.add(folded.id)
            nodes.append(Node(id=folded.id, label=folded.label, kind="subgraph", path=path[:-1]))
        rename[node.id] = folded.id
    edges = merge_parallel(list(_rerouted(topology.edges, rename)))
    plain = [replace(node, orphan=False) for node in nodes]
    return Topology.assemble(plain, edges)


def _inside(path: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether `path` is strictly inside the cluster at `other`."""
    return len(path) > len(other) and path[: len(other)] == other


def _rerouted(edges: Iterable[Edge], rename: dict[str, str]) -> Iterable[Edge]:
    for edge in edges:
        source = rename.get(edge.source, edge.source)
        target = rename.get(edge.target, edge.target)
        if source == target and (edge.source in rename or edge.target in rename):
            continue  # inside the folded cluster
        yield Edge(source, target, conditional=edge.conditional, label=edge.label)
