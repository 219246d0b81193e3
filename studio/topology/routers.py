"""Find routers whose targets LangGraph could not read, and stop drawing its guesses.

A router with no `Literal` return annotation and no path map (or a node returning
`Command(goto=...)` without `Command[Literal[...]]`) has targets only its code knows.
LangGraph has drawn that two ways:

* Older releases (a static drawing, `__start__` sent as `"type": "schema"`) drew a
  conditional edge from the router to *every* node of its graph and to `__end__`: noise
  that hides the real flow. Those fan-outs are removed and the router is flagged.
* Current releases (drawing by simulating a step) draw no edge to the targets at all:
  they become orphans (nothing enters them) and the router, where the simulation stopped,
  gets a plain edge to `__end__`. Nothing is removed then (a node may really end the
  graph), but when exactly one node of a graph could have led to its orphans, that node
  is flagged.

Real conditional edges (typed routers, path maps, `Command[Literal]`, `Send` with a path
list) are kept with their labels. A typed router that really does go to every node of a
graph looks exactly like a legacy fan-out; `min_fanout` keeps small graphs (the classic
agent <-> tools loop) out of that ambiguity.
"""

from __future__ import annotations

from dataclasses import replace

from studio.topology.model import END_ID, SEPARATOR, Edge, Node, Topology, cluster_id


def resolve_unknown_routers(
    topology: Topology, *, min_fanout: int = 3, guessed_fanouts: bool = True
) -> Topology:
    """Flag routers with unknown targets; drop the edges a legacy server guessed for them.

    Args:
        topology: As parsed.
        min_fanout: Fewest targets besides `__end__` a fan-out needs to count as a guess.
        guessed_fanouts: Whether the payload came from a drawer that guessed fan-outs (an
            older LangGraph). When False, only the current drawer's traces are looked for.
    """
    flagged: set[str] = set()
    dropped: set[tuple[str, str]] = set()
    outgoing = _outgoing(topology)
    members: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
    for node in topology.nodes if guessed_fanouts else ():
        if node.path not in members:
            members[node.path] = _scope_members(topology, node.path)
        fan = _legacy_fanout(topology, node, outgoing[node.id], members[node.path], min_fanout)
        if fan:
            flagged.add(node.id)
            dropped.update(edge.key for edge in fan)
    edges = [edge for edge in topology.edges if edge.key not in dropped]
    nodes = [replace(node, unknown_targets=node.id in flagged) for node in topology.nodes]
    after = Topology.assemble(nodes, edges)
    flagged |= _modern_routers(after)
    if not flagged:
        return after
    nodes = [replace(node, unknown_targets=node.id in flagged) for node in after.nodes]
    return Topology(tuple(nodes), after.edges, after.clusters)


def scope_member(node: Node, scope: tuple[str, ...]) -> str | None:
    """What `node` is, seen from the graph at `scope`: itself, the subgraph holding it, or
    None when it lies outside that graph."""
    if node.path[: len(scope)] != scope:
        return None
    if node.path == scope:
        return node.id
    return SEPARATOR.join(node.path[: len(scope) + 1])


def _outgoing(topology: Topology) -> dict[str, list[Edge]]:
    outgoing: dict[str, list[Edge]] = {node.id: [] for node in topology.nodes}
    for edge in topology.edges:
        outgoing[edge.source].append(edge)
    return outgoing


def _scope_members(topology: Topology, scope: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Everything a legacy guess from a router at `scope` pointed to, and which of it is
    that graph's `__end__`."""
    expected: set[str] = set()
    ends: set[str] = set()
    for node in topology.nodes:
        member = scope_member(node, scope)
        if member is None or (node.path == scope and node.kind == "start"):
            continue  # LangGraph never routed back to __start__
        expected.add(member)
        if node.path == scope and node.kind == "end":
            ends.add(member)
    return expected, ends


def _legacy_fanout(
    topology: Topology,
    router: Node,
    outgoing: list[Edge],
    members: tuple[set[str], set[str]],
    min_fanout: int,
) -> list[Edge]:
    """The router's guessed edges if it fans out to every other member of its graph."""
    if router.kind == "end":
        return []
    fan = [edge for edge in outgoing if edge.conditional and edge.label is None]
    if not fan:
        return []
    covered: set[str] = set()
    for edge in fan:
        member = scope_member(topology.node(edge.target), router.path)
        if member is None:
            return []  # a guess never leaves the router's own graph
        covered.add(member)
    expected = members[0] - {router.id}
    if len(expected - members[1]) < min_fanout or not expected <= covered:
        return []
    return fan


def _modern_routers(topology: Topology) -> set[str]:
    """Routers a current server hid: the one node per graph that could reach its orphans.

    Walks the graphs innermost first, so an orphan inside a subgraph is explained by a
    router of that subgraph before an outer router is considered.
    """
    scopes = sorted((cluster.path for cluster in topology.clusters), key=len, reverse=True)
    outgoing = _outgoing(topology)
    explained: set[str] = set()
    flagged: set[str] = set()
    for scope in [*scopes, ()]:
        orphans = [
            node.id
            for node in topology.nodes
            if node.orphan and node.id not in explained and scope_member(node, scope)
        ]
        if not orphans:
            continue
        members = [node for node in topology.nodes if node.path == scope]
        known = [node for node in members if node.unknown_targets]
        candidates = known or [
            node for node in members if _stops_at_end(outgoing[node.id], node, scope)
        ]
        if len(candidates) == 1 or known:
            flagged.update(node.id for node in candidates)
            explained.update(orphans)
    return flagged


def _stops_at_end(outgoing: list[Edge], node: Node, scope: tuple[str, ...]) -> bool:
    """Whether the node's only edge is the `__end__` edge a simulation adds where it stopped."""
    if node.kind not in ("start", "node", "subgraph"):
        return False
    end = SEPARATOR.join((*scope, END_ID)) if cluster_id(scope) else END_ID
    return [edge.target for edge in outgoing] == [end]
