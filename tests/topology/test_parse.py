"""Parsing the graph endpoint's JSON: kinds, labels, metadata, and malformed input."""

from __future__ import annotations

import json

import pytest

from studio.topology import Edge, parse_topology
from tests.fixtures.project.graphs import router as router_fixture
from tests.topology.graphs import (
    AGENT_JSON,
    command_goto,
    demo_module,
    path_map,
    payload,
    send_fanout,
)


def test_the_issue_example_parses_with_kinds_metadata_and_conditions() -> None:
    topology = parse_topology(AGENT_JSON)

    assert [(n.id, n.kind) for n in topology.nodes] == [
        ("__start__", "start"),
        ("agent", "node"),
        ("tools", "node"),
        ("__end__", "end"),
    ]
    assert topology.start is topology.node("__start__")
    assert topology.end is topology.node("__end__")
    assert topology.node("tools").tools == ("get_weather",)
    assert topology.node("tools").metadata["__tools"] == ["get_weather"]
    assert topology.node("agent").tools == ()
    assert topology.edges == (
        Edge("__start__", "agent"),
        Edge("agent", "tools", conditional=True),
        Edge("agent", "__end__", conditional=True),
        Edge("tools", "agent"),
    )
    # Two targets are not "every node" evidence: a typed agent/tools router looks the same.
    assert not any(node.unknown_targets for node in topology.nodes)
    assert topology.clusters == ()


def test_real_react_agent_with_a_tool_node() -> None:
    topology = parse_topology(payload(demo_module("agent").graph))

    assert topology.node("tools").tools == ("get_weather",)
    assert topology.edge("model", "tools").conditional
    assert topology.edge("model", "__end__").conditional
    assert not topology.edge("tools", "model").conditional
    assert topology.successors("model") == ("__end__", "tools")
    assert topology.predecessors("model") == ("__start__", "tools")


def test_path_map_branch_names_become_labels() -> None:
    topology = parse_topology(payload(path_map()))

    assert topology.edge("check", "retry") == Edge("check", "retry", True, "again")
    assert topology.edge("check", "__end__") == Edge("check", "__end__", True, "done")
    assert topology.edge("check", "work") == Edge("check", "work", True, "redo")
    assert topology.edge("work", "check") == Edge("work", "check")


def test_literal_router_and_command_goto_are_conditional_edges() -> None:
    topology = parse_topology(payload(router_fixture.graph))

    assert topology.edge("classify", "left").conditional
    assert topology.edge("classify", "right").conditional
    assert topology.edge("left", "finish").conditional  # Command[Literal["finish"]]
    assert not topology.edge("right", "finish").conditional
    assert all(edge.label is None for edge in topology.edges)


def test_command_literal_targets_include_end() -> None:
    topology = parse_topology(payload(command_goto()))

    assert {e.target for e in topology.edges if e.source == "decide"} == {"x", "y", "__end__"}
    assert all(e.conditional for e in topology.edges if e.source == "decide")
    assert not topology.node("decide").unknown_targets


def test_send_with_a_path_list_is_a_conditional_edge() -> None:
    topology = parse_topology(payload(send_fanout(typed=True)))

    assert topology.edge("plan", "worker").conditional
    assert not topology.node("plan").unknown_targets


def test_subgraph_start_and_end_are_start_and_end_kinds_in_their_cluster() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": "sub:__start__"}, {"id": "sub:work"}, {"id": "sub:__end__"}],
            "edges": [
                {"source": "sub:__start__", "target": "sub:work"},
                {"source": "sub:work", "target": "sub:__end__"},
            ],
        }
    )

    start, work, end = topology.nodes
    assert (start.kind, start.label, start.path, start.cluster) == (
        "start",
        "__start__",
        ("sub",),
        "sub",
    )
    assert (work.kind, work.label) == ("node", "work")
    assert (end.kind, end.cluster) == ("end", "sub")
    assert topology.start is None  # only the top-level __start__ counts
    assert topology.end is None


def test_unknown_fields_are_ignored() -> None:
    raw = json.loads(json.dumps(AGENT_JSON))
    raw["version"] = 7
    raw["nodes"][1]["colour"] = "red"
    raw["nodes"][1]["metadata"] = "not an object"
    raw["nodes"][2]["metadata"]["__tools"] = "not a list"
    raw["edges"][0]["weight"] = 3
    raw["edges"][1]["conditional"] = "yes"  # only a real `true` counts

    topology = parse_topology(raw)

    assert topology.node("agent").metadata == {}
    assert topology.node("tools").tools == ()
    assert not topology.edge("agent", "tools").conditional


@pytest.mark.parametrize("as_bytes", [False, True])
def test_json_text_is_accepted(as_bytes: bool) -> None:
    text = json.dumps(AGENT_JSON)
    parsed = parse_topology(text.encode() if as_bytes else text)

    assert parsed == parse_topology(AGENT_JSON)


def test_start_and_end_named_only_by_edges_are_implied() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": "work"}],
            "edges": [
                {"source": "__start__", "target": "work"},
                {"source": "work", "target": "__end__"},
            ],
        }
    )

    assert [(n.id, n.kind) for n in topology.nodes] == [
        ("work", "node"),
        ("__start__", "start"),
        ("__end__", "end"),
    ]


def test_parallel_edges_merge_into_one_with_every_label() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": "a"}, {"id": "b"}],
            "edges": [
                {"source": "a", "target": "b", "data": "yes", "conditional": True},
                {"source": "a", "target": "b", "data": "ok", "conditional": True},
                {"source": "a", "target": "b", "data": "yes", "conditional": True},
            ],
        }
    )

    assert topology.edges == (Edge("a", "b", conditional=True, label="yes, ok"),)


def test_non_string_branch_names_are_printed() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
            "edges": [
                {"source": "a", "target": "b", "data": True, "conditional": True},
                {"source": "a", "target": "c", "data": {"odd": 1}, "conditional": True},
            ],
        }
    )

    assert topology.edge("a", "b").label == "True"
    assert topology.edge("a", "c").label is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be an object"),
        ("{not json", "does not parse"),
        ({}, "'nodes' list"),
        ({"nodes": {}}, "'nodes' list"),
        ({"nodes": [], "edges": {}}, "'edges' must be a list"),
        ({"nodes": [1]}, "node #0 is not an object"),
        ({"nodes": [{"name": "a"}]}, "node #0 has no string 'id'"),
        ({"nodes": [{"id": ""}]}, "node #0 has no string 'id'"),
        ({"nodes": [{"id": 3}]}, "node #0 has no string 'id'"),
        ({"nodes": [{"id": "a"}, {"id": "a"}]}, "duplicate node ids"),
        ({"nodes": [{"id": "a::b"}]}, "empty subgraph segment"),
        ({"nodes": [{"id": "sub"}, {"id": "sub:x"}]}, "both a node id and a subgraph"),
        ({"nodes": [{"id": "a"}], "edges": [1]}, "edge #0 is not an object"),
        ({"nodes": [{"id": "a"}], "edges": [{"source": "a"}]}, "edge #0 needs string"),
        ({"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "b"}]}, "no node 'b'"),
    ],
)
def test_malformed_input_raises_a_clear_value_error(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_topology(raw)


def test_lookups_of_missing_things_raise_key_error() -> None:
    topology = parse_topology(AGENT_JSON)

    with pytest.raises(KeyError):
        topology.node("nope")
    with pytest.raises(KeyError):
        topology.edge("tools", "__end__")
    with pytest.raises(KeyError):
        topology.cluster("sub")
    assert not topology.has_node("nope")
    assert topology.has_node("agent")
