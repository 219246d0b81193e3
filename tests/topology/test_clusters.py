"""xray subgraphs become nested clusters, which fold into single nodes and unfold again."""

from __future__ import annotations

import pytest

from studio.topology import Cluster, Edge, collapse, layout_topology, parse_topology
from tests.fixtures.project.graphs import nested as nested_fixture
from tests.topology.graphs import Graph, demo_module, nested, payload
from tests.topology.invariants import assert_layout_invariants


def test_xray_true_gives_nested_clusters() -> None:
    topology = parse_topology(payload(nested(), xray=True))

    assert topology.clusters == (
        Cluster("sub", ("sub",), ("sub:m1", "sub:m2"), ("sub:inner",)),
        Cluster(
            "sub:inner",
            ("sub", "inner"),
            ("sub:inner:i1", "sub:inner:i2", "sub:inner:__end__"),
            (),
        ),
    )
    inner = topology.cluster("sub:inner")
    assert (inner.label, inner.parent, inner.depth) == ("inner", "sub", 2)
    assert topology.cluster("sub").parent is None
    assert topology.top_clusters == ("sub",)
    assert [c.id for c in topology.walk_clusters()] == ["sub", "sub:inner"]
    node = topology.node("sub:inner:i1")
    assert (node.label, node.path, node.cluster) == ("i1", ("sub", "inner"), "sub:inner")
    assert topology.node("sub:inner:__end__").kind == "end"
    assert set(topology.members("sub")) == {
        "sub:m1",
        "sub:m2",
        "sub:inner:i1",
        "sub:inner:i2",
        "sub:inner:__end__",
    }
    # The inner router is typed: its edges stay.
    assert topology.edge("sub:inner:i1", "sub:inner:i2").conditional


def test_xray_depth_one_expands_one_level() -> None:
    topology = parse_topology(payload(nested(), xray=1))

    assert [c.id for c in topology.clusters] == ["sub"]
    assert topology.node("sub:inner").kind == "node"
    assert topology.node("sub:inner").cluster == "sub"


def test_without_xray_there_are_no_clusters() -> None:
    topology = parse_topology(payload(nested()))

    assert topology.clusters == ()
    assert topology.node("sub").path == ()


@pytest.mark.parametrize(
    ("graph", "cluster", "members"),
    [
        (nested_fixture.graph, "sub", {"sub:sub_a", "sub:sub_b"}),
        (
            demo_module("research").graph,
            "research",
            {"research:plan_queries", "research:search", "research:summarize"},
        ),
    ],
    ids=["fixture-nested", "demo-research"],
)
def test_project_subgraphs_become_clusters(graph: Graph, cluster: str, members: set[str]) -> None:
    topology = parse_topology(payload(graph, xray=True))

    assert [c.id for c in topology.clusters] == [cluster]
    assert set(topology.members(cluster)) == members


def test_collapsing_the_inner_cluster_reroutes_its_edges() -> None:
    full = parse_topology(payload(nested(), xray=True))

    shown = collapse(full, "sub:inner")

    folded = shown.node("sub:inner")
    assert (folded.kind, folded.label, folded.path) == ("subgraph", "inner", ("sub",))
    assert not any(node.id.startswith("sub:inner:") for node in shown.nodes)
    assert shown.edge("sub:m1", "sub:inner") == Edge("sub:m1", "sub:inner")
    assert shown.edge("sub:inner", "sub:m2") == Edge("sub:inner", "sub:m2")
    assert [c.id for c in shown.clusters] == ["sub"]
    assert shown.cluster("sub").nodes == ("sub:m1", "sub:m2", "sub:inner")
    assert shown.cluster("sub").children == ()


def test_collapsing_the_outer_cluster_folds_everything_inside() -> None:
    full = parse_topology(payload(nested(), xray=True))

    shown = collapse(full, "sub")

    assert [n.id for n in shown.nodes] == ["__start__", "t1", "side", "t2", "__end__", "sub"]
    assert shown.edge("t1", "sub") == Edge("t1", "sub")
    assert shown.edge("sub", "t2") == Edge("sub", "t2")
    assert shown.clusters == ()
    assert collapse(full, "sub", "sub:inner") == shown
    assert collapse(full, "sub:inner", "sub") == shown


def test_expanding_is_collapsing_fewer_clusters() -> None:
    """The canvas keeps the full topology and the set of folded ids, and derives views."""
    full = parse_topology(payload(nested(), xray=True))
    folded = {"sub", "sub:inner"}
    assert collapse(full, *sorted(folded)).has_node("sub")

    folded.discard("sub")  # the user expands the outer cluster
    view = collapse(full, *sorted(folded))
    assert view.has_node("sub:inner")
    assert view.has_node("sub:m1")
    assert view.has_cluster("sub")

    folded.discard("sub:inner")
    assert collapse(full, *sorted(folded)) == full
    assert collapse(full) is full


def test_collapse_merges_the_edges_it_makes_parallel_and_drops_inner_ones() -> None:
    full = parse_topology(
        {
            "nodes": [{"id": "x"}, {"id": "s:a"}, {"id": "s:b"}, {"id": "y"}],
            "edges": [
                {"source": "x", "target": "s:a", "conditional": True, "data": "left"},
                {"source": "x", "target": "s:b", "conditional": True, "data": "right"},
                {"source": "s:a", "target": "s:b"},
                {"source": "s:b", "target": "s:a"},
                {"source": "s:b", "target": "y"},
                {"source": "s:a", "target": "y", "conditional": True},
            ],
        }
    )

    shown = collapse(full, "s")

    assert shown.edges == (
        Edge("x", "s", conditional=True, label="left, right"),
        Edge("s", "y", conditional=False),
    )
    assert not shown.node("s").orphan
    assert shown.node("x").orphan  # nothing enters it, as in the full graph


def test_collapsing_an_unknown_cluster_raises_key_error() -> None:
    full = parse_topology(payload(nested(), xray=True))

    with pytest.raises(KeyError):
        collapse(full, "nope")
    with pytest.raises(KeyError):
        collapse(full, "t1")  # a node, not a cluster


@pytest.mark.parametrize("folded", [(), ("sub:inner",), ("sub",)])
def test_collapsed_views_lay_out_cleanly(folded: tuple[str, ...]) -> None:
    shown = collapse(parse_topology(payload(nested(), xray=True)), *folded)

    layout = layout_topology(shown)

    assert_layout_invariants(shown, layout)
    assert set(layout.clusters) == {c.id for c in shown.clusters}
