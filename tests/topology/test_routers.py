"""Routers whose targets LangGraph cannot read are flagged, never fanned out to every node."""

from __future__ import annotations

from typing import Any

from studio.topology import Edge, layout_topology, parse_topology
from tests.topology.graphs import (
    payload,
    send_fanout,
    supervisor,
    untyped_entry,
    untyped_router,
)


def legacy(nodes: list[str], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """A graph as older LangGraph servers drew it (static drawing, schema start/end)."""
    return {
        "nodes": [
            {"id": "__start__", "type": "schema", "data": "__start__"},
            *({"id": node, "type": "runnable", "data": {"name": node}} for node in nodes),
            {"id": "__end__", "type": "schema", "data": "__end__"},
        ],
        "edges": edges,
    }


def fanout(source: str, targets: list[str]) -> list[dict[str, Any]]:
    """The edges an older LangGraph guessed for an untyped router: to every other node."""
    return [{"source": source, "target": target, "conditional": True} for target in targets]


def test_legacy_untyped_router_fanout_becomes_a_flag() -> None:
    raw = legacy(
        ["a", "b", "c", "d"],
        [
            {"source": "__start__", "target": "a"},
            *fanout("a", ["b", "c", "d", "__end__"]),
            {"source": "b", "target": "__end__"},
            {"source": "c", "target": "__end__"},
            {"source": "d", "target": "b"},
        ],
    )

    topology = parse_topology(raw)

    assert topology.node("a").unknown_targets
    assert topology.successors("a") == ()  # not drawn to every node
    assert topology.edges == (
        Edge("__start__", "a"),
        Edge("b", "__end__"),
        Edge("c", "__end__"),
        Edge("d", "b"),
    )
    assert [n.id for n in topology.nodes if n.orphan] == ["c", "d"]
    assert not topology.node("b").orphan  # d still leads to it


def test_legacy_fanout_from_start_is_flagged_too() -> None:
    raw = legacy(["a", "b", "c"], fanout("__start__", ["a", "b", "c", "__end__"]))

    topology = parse_topology(raw)

    assert topology.node("__start__").unknown_targets
    assert topology.edges == ()


def test_legacy_fanout_inside_a_subgraph_counts_only_that_subgraph() -> None:
    inner = ["sub:r", "sub:x", "sub:y", "sub:z", "sub:__end__"]
    raw = legacy(
        ["top", *inner],
        [
            {"source": "__start__", "target": "top"},
            {"source": "top", "target": "sub:r"},
            *fanout("sub:r", ["sub:x", "sub:y", "sub:z", "sub:__end__"]),
            {"source": "sub:__end__", "target": "__end__"},
        ],
    )

    topology = parse_topology(raw)

    assert topology.node("sub:r").unknown_targets
    assert not topology.node("top").unknown_targets
    assert topology.successors("sub:r") == ()
    assert topology.edge("sub:__end__", "__end__")


def test_a_fanout_reaching_a_nested_subgraph_counts_it_as_one_member() -> None:
    raw = legacy(
        ["a", "b", "c", "inner:first", "inner:second"],
        [
            {"source": "__start__", "target": "a"},
            *fanout("a", ["b", "c", "inner:first", "__end__"]),
            {"source": "inner:first", "target": "inner:second"},
        ],
    )

    assert parse_topology(raw).node("a").unknown_targets


def test_small_or_partial_fanouts_stay_edges() -> None:
    partial = legacy(
        ["a", "b", "c", "d", "e"],
        [{"source": "__start__", "target": "a"}, *fanout("a", ["b", "c", "d", "__end__"])],
    )
    small = legacy(["a", "b", "c"], fanout("a", ["b", "c", "__end__"]))

    for raw, targets in ((partial, 4), (small, 3)):
        topology = parse_topology(raw)
        assert not topology.node("a").unknown_targets
        assert len(topology.successors("a")) == targets


def test_labelled_branches_to_every_node_are_real_and_kept() -> None:
    raw = legacy(
        ["a", "b", "c", "d"],
        [
            {"source": "a", "target": t, "conditional": True, "data": f"to {t}"}
            for t in ("b", "c", "d", "__end__")
        ],
    )

    topology = parse_topology(raw)

    assert not topology.node("a").unknown_targets
    assert topology.edge("a", "b").label == "to b"
    assert len(topology.successors("a")) == 4


def test_detection_can_be_switched_off() -> None:
    raw = legacy(["a", "b", "c", "d"], fanout("a", ["b", "c", "d", "__end__"]))

    topology = parse_topology(raw, detect_routers=False)

    assert not topology.node("a").unknown_targets
    assert len(topology.successors("a")) == 4


def test_current_langgraph_untyped_router_is_flagged_without_edges_to_every_node() -> None:
    topology = parse_topology(payload(untyped_router()))

    router = topology.node("a")
    assert router.unknown_targets
    # The server stops drawing at the router: its targets have no edges at all, and the
    # router ends at __end__. Nothing may be fanned out to every node.
    assert topology.successors("a") == ("__end__",)
    assert [n.id for n in topology.nodes if n.orphan] == ["b", "c", "d"]
    assert not any(e.conditional for e in topology.edges)


def test_current_langgraph_untyped_entry_router_flags_start() -> None:
    topology = parse_topology(payload(untyped_entry()))

    assert topology.node("__start__").unknown_targets
    assert {n.id for n in topology.nodes if n.orphan} == {"a", "b", "c"}


def test_current_langgraph_untyped_send_flags_the_sender() -> None:
    topology = parse_topology(payload(send_fanout(typed=False)))

    assert topology.node("plan").unknown_targets
    assert {n.id for n in topology.nodes if n.orphan} == {"worker", "merge"}


def test_a_typed_command_to_every_worker_is_kept_from_current_langgraph() -> None:
    """A current server draws only edges it read from annotations, so "every node" is real."""
    topology = parse_topology(payload(supervisor(), xray=True))

    assert not topology.node("supervisor").unknown_targets
    assert set(topology.successors("supervisor")) == {
        "__end__",
        "worker0:__start__",
        "worker1:__start__",
        "worker2:__start__",
    }


def test_orphans_are_laid_out_below_their_router() -> None:
    topology = parse_topology(payload(untyped_router()))

    layout = layout_topology(topology)

    for orphan in ("b", "c", "d"):
        assert layout.ranks[orphan] == layout.ranks["a"] + 1
        assert layout.positions[orphan].y > layout.positions["a"].y
