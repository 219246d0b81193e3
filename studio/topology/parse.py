"""Read the graph endpoint's JSON (`GET /assistants/{id}/graph`) into a `Topology`.

The payload is LangChain's `Graph.to_json()`, which has changed shape across releases:
older servers send `__start__`/`__end__` as `{"type": "schema", "data": ...}`, newer ones
as a runnable and a bare `{"id": "__end__"}`. Only `id`, `source`, `target`, `data` (an
edge's label), `conditional` and node `metadata` matter here; every other field is
ignored, so a newer server that adds fields still draws.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from studio.topology.model import END_ID, SEPARATOR, START_ID, Edge, Node, NodeKind, Topology
from studio.topology.routers import resolve_unknown_routers


def parse_topology(
    payload: object, *, detect_routers: bool = True, min_fanout: int = 3
) -> Topology:
    """Build the topology the canvas draws from the server's graph JSON.

    Args:
        payload: The decoded JSON (a mapping), or the JSON text itself.
        detect_routers: Flag routers whose targets LangGraph could not read, and drop the
            edges it guessed for them (see `routers.resolve_unknown_routers`).
        min_fanout: How many targets, besides `__end__`, a router must fan out to before
            "goes to every node" counts as a guess rather than a typed `Literal`; applies
            to graphs drawn by older LangGraph releases only (see `_drawn_statically`).

    Raises:
        ValueError: The payload is not a graph: not an object, no `nodes` list, a node
            without a string id, an edge naming a node that does not exist, and so on.
    """
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ValueError(f"graph JSON does not parse: {exc}") from exc
    if not isinstance(payload, Mapping):
        raise ValueError(f"graph JSON must be an object, not {type(payload).__name__}")
    raw_nodes = payload.get("nodes")
    if not isinstance(raw_nodes, list):
        raise ValueError("graph JSON needs a 'nodes' list")
    raw_edges = payload.get("edges", [])
    if not isinstance(raw_edges, list):
        raise ValueError("graph JSON 'edges' must be a list")
    nodes = [_node(raw, index) for index, raw in enumerate(raw_nodes)]
    known = {node.id for node in nodes}
    edges = [_edge(raw, index) for index, raw in enumerate(raw_edges)]
    # An edge may name a `__start__`/`__end__` the node list left out; those are implied.
    for edge in edges:
        for end in (edge.source, edge.target):
            if end not in known and _kind(end.rsplit(SEPARATOR, 1)[-1]) != "node":
                nodes.append(_make_node(end, None))
                known.add(end)
    merged = merge_parallel(edges)
    topology = Topology.assemble(nodes, merged)
    if detect_routers:
        topology = resolve_unknown_routers(
            topology, min_fanout=min_fanout, guessed_fanouts=_drawn_statically(raw_nodes)
        )
    return topology


def _drawn_statically(raw_nodes: list[Any]) -> bool:
    """Whether an older LangGraph drew this graph from its declared edges.

    Those releases sent `__start__` as the input schema (`"type": "schema"`) and guessed
    fan-outs for untyped routers. Current releases draw by simulating a step, send
    `__start__` as a runnable, and never guess: a fan-out from them is real. Unknown
    shapes count as static, so hand-written graphs get the cautious treatment.
    """
    for raw in raw_nodes:
        if isinstance(raw, Mapping) and raw.get("id") == START_ID:
            return raw.get("type") != "runnable"
    return True


def merge_parallel(edges: Sequence[Edge]) -> list[Edge]:
    """One edge per (source, target), keeping the first one's place in the order.

    Parallel edges come from path maps with several keys for one target; they draw as one
    edge labelled with every key. The merged edge is conditional only if all of them are.
    """
    merged: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        seen = merged.get(edge.key)
        if seen is None:
            merged[edge.key] = edge
            continue
        labels = [label for label in (seen.label, edge.label) if label]
        if seen.label and edge.label and edge.label in seen.label.split(", "):
            labels = [seen.label]
        merged[edge.key] = Edge(
            seen.source,
            seen.target,
            conditional=seen.conditional and edge.conditional,
            label=", ".join(labels) or None,
        )
    return list(merged.values())


def _node(raw: object, index: int) -> Node:
    if not isinstance(raw, Mapping):
        raise ValueError(f"node #{index} is not an object")
    node_id = raw.get("id")
    if not isinstance(node_id, str) or not node_id:
        raise ValueError(f"node #{index} has no string 'id'")
    metadata = raw.get("metadata")
    return _make_node(node_id, metadata if isinstance(metadata, Mapping) else None)


def _make_node(node_id: str, metadata: Mapping[str, Any] | None) -> Node:
    parts = node_id.split(SEPARATOR)
    if any(not part for part in parts):
        raise ValueError(f"node id {node_id!r} has an empty subgraph segment")
    return Node(
        id=node_id,
        label=parts[-1],
        kind=_kind(parts[-1]),
        path=tuple(parts[:-1]),
        metadata=MappingProxyType(dict(metadata)) if metadata else MappingProxyType({}),
    )


def _kind(name: str) -> NodeKind:
    if name == START_ID:
        return "start"
    if name == END_ID:
        return "end"
    return "node"


def _edge(raw: object, index: int) -> Edge:
    if not isinstance(raw, Mapping):
        raise ValueError(f"edge #{index} is not an object")
    source, target = raw.get("source"), raw.get("target")
    if not isinstance(source, str) or not isinstance(target, str) or not source or not target:
        raise ValueError(f"edge #{index} needs string 'source' and 'target'")
    return Edge(source, target, conditional=raw.get("conditional") is True, label=_label(raw))


def _label(raw: Mapping[str, Any]) -> str | None:
    """The edge's branch name; LangGraph leaves it out when it equals the target's name."""
    data = raw.get("data")
    if isinstance(data, bool | int | float):
        return str(data)  # a path map keyed by True/False or numbers
    if isinstance(data, str) and data and data != raw.get("target"):
        return data
    return None
