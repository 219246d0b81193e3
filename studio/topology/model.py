"""The drawable graph: nodes, edges and the subgraph clusters that hold them.

Everything here is immutable. The canvas keeps the full topology it parsed and derives
views from it (`collapse(full, *ids)`), so expanding a cluster again is just deriving a
view with fewer collapsed ids; nothing is ever mutated in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

NodeKind = Literal["start", "end", "node", "subgraph"]
"""`start`/`end` are LangGraph's `__start__`/`__end__` (also a subgraph's own, as
`sub:__end__`); `subgraph` is a cluster collapsed into one node; `node` is anything else."""

SEPARATOR = ":"
"""LangGraph joins subgraph names into node ids with ':' (node names may not contain it)."""

START_ID = "__start__"
END_ID = "__end__"


def _empty_metadata() -> Mapping[str, Any]:
    return MappingProxyType({})


def cluster_id(path: tuple[str, ...]) -> str | None:
    """The id of the cluster at `path`, spelled like LangGraph's node id prefixes."""
    return SEPARATOR.join(path) if path else None


@dataclass(frozen=True, slots=True)
class Node:
    """One drawable node.

    Attributes:
        id: The server's node id, unique in the topology (`"sub:inner:tool"` under xray).
        label: What to print on the node: the last segment of the id.
        kind: See `NodeKind`.
        path: The clusters the node sits in, outermost first (`("sub", "inner")`).
        metadata: The server's node metadata, read-only (`__tools`, `__interrupt`, ...).
        unknown_targets: The node routes somewhere the server could not tell (an untyped
            router, or `Command(goto=...)` without a `Literal` annotation). Its guessed
            edges were dropped; draw a marker instead.
        orphan: No drawn edge enters the node, so it is reached only through a router
            with unknown targets (or not at all).
    """

    id: str
    label: str
    kind: NodeKind
    path: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=_empty_metadata, hash=False)
    unknown_targets: bool = False
    orphan: bool = False

    @property
    def cluster(self) -> str | None:
        """The id of the innermost cluster holding the node, None at the top level."""
        return cluster_id(self.path)

    @property
    def tools(self) -> tuple[str, ...]:
        """Tool names of a `ToolNode` (LangGraph's `__tools` metadata), in server order."""
        tools = self.metadata.get("__tools")
        if not isinstance(tools, list | tuple):
            return ()
        return tuple(str(name) for name in tools)

    @property
    def is_terminal(self) -> bool:
        """Whether this is a `__start__` or `__end__` marker rather than user code."""
        return self.kind in ("start", "end")


@dataclass(frozen=True, slots=True)
class Edge:
    """One drawable edge; a topology holds at most one per (source, target).

    Attributes:
        conditional: Taken only when a router or `Command`/`Send` picks it (drawn dashed).
        label: The branch name of a path map entry, when it differs from the target.
    """

    source: str
    target: str
    conditional: bool = False
    label: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The edge's identity in a topology and in a layout."""
        return (self.source, self.target)


@dataclass(frozen=True, slots=True)
class Cluster:
    """A subgraph expanded by xray: the nodes whose ids share the prefix `id + ':'`.

    Attributes:
        id: The prefix, e.g. `"sub:inner"`; collapsing the cluster makes a node of this id.
        path: The prefix split into names, outermost first.
        nodes: Ids of the nodes directly inside (not inside a nested cluster).
        children: Ids of the clusters directly inside.
    """

    id: str
    path: tuple[str, ...]
    nodes: tuple[str, ...]
    children: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.path[-1]

    @property
    def parent(self) -> str | None:
        return cluster_id(self.path[:-1])

    @property
    def depth(self) -> int:
        """1 for a top-level subgraph, 2 for a subgraph inside it, and so on."""
        return len(self.path)


@dataclass(frozen=True)
class Topology:
    """A whole drawable graph, in the server's order (which keeps layouts stable).

    Build one with `parse_topology()`; derive collapsed views with `collapse()`.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...] = ()

    def __post_init__(self) -> None:
        if len(self._node_index) != len(self.nodes):
            raise ValueError("a topology's node ids must be unique")

    @cached_property
    def _node_index(self) -> Mapping[str, Node]:
        return {node.id: node for node in self.nodes}

    @cached_property
    def _cluster_index(self) -> Mapping[str, Cluster]:
        return {cluster.id: cluster for cluster in self.clusters}

    @cached_property
    def _edge_index(self) -> Mapping[tuple[str, str], Edge]:
        return {edge.key: edge for edge in self.edges}

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if there is none)."""
        return self._node_index[node_id]

    def cluster(self, cid: str) -> Cluster:
        """The cluster with this id (KeyError if there is none)."""
        return self._cluster_index[cid]

    def edge(self, source: str, target: str) -> Edge:
        """The edge from `source` to `target` (KeyError if there is none)."""
        return self._edge_index[(source, target)]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._node_index

    def has_cluster(self, cid: str) -> bool:
        return cid in self._cluster_index

    def successors(self, node_id: str) -> tuple[str, ...]:
        return tuple(edge.target for edge in self.edges if edge.source == node_id)

    def predecessors(self, node_id: str) -> tuple[str, ...]:
        return tuple(edge.source for edge in self.edges if edge.target == node_id)

    def members(self, cid: str) -> tuple[str, ...]:
        """Ids of every node inside the cluster, nested clusters included."""
        path = self.cluster(cid).path
        return tuple(node.id for node in self.nodes if node.path[: len(path)] == path)

    def walk_clusters(self, cid: str | None = None) -> Iterator[Cluster]:
        """The clusters under `cid` (the whole graph when None), parents before children."""
        roots = self.cluster(cid).children if cid else self.top_clusters
        for child in roots:
            yield self.cluster(child)
            yield from self.walk_clusters(child)

    @property
    def top_clusters(self) -> tuple[str, ...]:
        """Ids of the clusters that sit directly in the top-level graph."""
        return tuple(cluster.id for cluster in self.clusters if cluster.depth == 1)

    @property
    def start(self) -> Node | None:
        """The top-level `__start__` node, if the server sent one."""
        return self._node_index.get(START_ID)

    @property
    def end(self) -> Node | None:
        """The top-level `__end__` node, if the server sent one."""
        return self._node_index.get(END_ID)

    @classmethod
    def assemble(cls, nodes: Iterable[Node], edges: Iterable[Edge]) -> Topology:
        """Check nodes and edges, derive the clusters and mark orphans.

        Raises:
            ValueError: Duplicate node ids, an edge to an unknown node, or a node id that is
                also a cluster prefix (`"sub"` next to `"sub:inner"`): such input did not come
                from a LangGraph server and cannot be drawn faithfully.
        """
        node_list = list(nodes)
        edge_list = list(edges)
        ids = {node.id for node in node_list}
        if len(ids) != len(node_list):
            raise ValueError("duplicate node ids in the graph")
        entered: set[str] = set()
        for edge in edge_list:
            for end in (edge.source, edge.target):
                if end not in ids:
                    raise ValueError(f"edge {edge.source!r} -> {edge.target!r}: no node {end!r}")
            if edge.source != edge.target:
                entered.add(edge.target)
        clusters = _clusters(node_list)
        for cluster in clusters:
            if cluster.id in ids:
                raise ValueError(f"{cluster.id!r} is both a node id and a subgraph prefix")
        marked = [
            replace(node, orphan=node.kind in ("node", "subgraph") and node.id not in entered)
            for node in node_list
        ]
        return cls(tuple(marked), tuple(edge_list), clusters)


def _clusters(nodes: list[Node]) -> tuple[Cluster, ...]:
    """Clusters in order of first appearance, parents before their children."""
    order: list[tuple[str, ...]] = []
    direct: dict[tuple[str, ...], list[str]] = {}
    children: dict[tuple[str, ...], list[str]] = {(): []}
    for node in nodes:
        for depth in range(1, len(node.path) + 1):
            prefix = node.path[:depth]
            if prefix not in direct:
                order.append(prefix)
                direct[prefix] = []
                children[prefix] = []
                children[prefix[:-1]].append(SEPARATOR.join(prefix))
        if node.path:
            direct[node.path].append(node.id)
    return tuple(
        Cluster(SEPARATOR.join(path), path, tuple(direct[path]), tuple(children[path]))
        for path in order
    )
