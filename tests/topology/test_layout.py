"""Layout invariants on real LangGraph graphs and on hand-written edge cases."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from studio.topology import (
    DEFAULT_NODE_SIZE,
    LayoutOptions,
    Point,
    Size,
    collapse,
    layout_topology,
    parse_topology,
)
from tests.fixtures.project.graphs import nested as nested_fixture
from tests.fixtures.project.graphs import router as router_fixture
from tests.topology.graphs import (
    AGENT_JSON,
    ROOT,
    command_goto,
    demo_module,
    nested,
    path_map,
    payload,
    send_fanout,
    supervisor,
    untyped_entry,
    untyped_router,
)
from tests.topology.invariants import assert_layout_invariants, random_payload, sizes_for

REAL_GRAPHS: dict[str, Callable[[], dict[str, Any]]] = {
    "issue-agent": lambda: AGENT_JSON,
    "demo-agent": lambda: payload(demo_module("agent").graph),
    "demo-approval": lambda: payload(demo_module("approval").graph),
    "demo-research-xray": lambda: payload(demo_module("research").graph, xray=True),
    "fixture-router": lambda: payload(router_fixture.graph),
    "fixture-nested-xray": lambda: payload(nested_fixture.graph, xray=True),
    "path-map": lambda: payload(path_map()),
    "command": lambda: payload(command_goto()),
    "send": lambda: payload(send_fanout()),
    "untyped-router": lambda: payload(untyped_router()),
    "untyped-entry": lambda: payload(untyped_entry()),
    "nested": lambda: payload(nested()),
    "nested-xray-1": lambda: payload(nested(), xray=1),
    "nested-xray": lambda: payload(nested(), xray=True),
    "supervisor-xray": lambda: payload(supervisor(), xray=True),
}


@pytest.mark.parametrize("name", list(REAL_GRAPHS))
def test_real_graphs_lay_out_cleanly(name: str) -> None:
    topology = parse_topology(REAL_GRAPHS[name]())

    assert_layout_invariants(topology, layout_topology(topology, sizes_for(topology)))


def test_the_agent_loop_runs_down_and_comes_back_up_on_the_side() -> None:
    topology = parse_topology(AGENT_JSON)
    layout = layout_topology(topology, sizes_for(topology))

    start, agent, tools, end = (
        layout.positions[n] for n in ("__start__", "agent", "tools", "__end__")
    )
    assert start.y < agent.y < tools.y < end.y
    down, up = layout.route("agent", "tools"), layout.route("tools", "agent")
    assert (down.direction, up.direction) == ("down", "up")
    assert down.points[0].y == layout.node_rect("agent").bottom
    assert down.points[-1].y == layout.node_rect("tools").top
    # The back-edge leaves and enters on the right, so it never retraces the forward edge.
    assert up.points[0].x == layout.node_rect("tools").right
    assert up.points[-1].x == layout.node_rect("agent").right
    assert not set(pairwise(down.points)) & set(pairwise(up.points[::-1]))
    assert layout.route("agent", "__end__").direction == "down"


def test_every_cluster_rectangle_holds_its_nodes_and_nested_clusters() -> None:
    topology = parse_topology(payload(nested(), xray=True))
    layout = layout_topology(topology, sizes_for(topology))

    outer, inner = layout.clusters["sub"], layout.clusters["sub:inner"]
    assert outer.contains(inner)
    assert inner.top > outer.top  # room for both titles
    for node in topology.members("sub:inner"):
        assert inner.contains(layout.node_rect(node))
    for node in ("t1", "side", "t2", "__start__", "__end__"):
        assert not outer.intersects(layout.node_rect(node))


def test_disconnected_parts_and_isolated_nodes() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": n} for n in ("a", "b", "c", "x", "y", "lonely")],
            "edges": [
                {"source": "a", "target": "b"},
                {"source": "b", "target": "c"},
                {"source": "x", "target": "y"},
                {"source": "y", "target": "x"},
            ],
        }
    )
    layout = layout_topology(topology)

    assert_layout_invariants(topology, layout)
    assert len(set(layout.positions.values())) == 6
    assert layout.route("y", "x").direction == "up"


def test_a_self_loop_is_a_hook_on_the_right() -> None:
    topology = parse_topology(
        {
            "nodes": [{"id": "__start__"}, {"id": "poll"}, {"id": "__end__"}],
            "edges": [
                {"source": "__start__", "target": "poll"},
                {"source": "poll", "target": "poll", "conditional": True},
                {"source": "poll", "target": "__end__", "conditional": True},
            ],
        }
    )
    layout = layout_topology(topology)

    assert_layout_invariants(topology, layout)
    hook = layout.route("poll", "poll")
    rect = layout.node_rect("poll")
    assert hook.direction == "self"
    assert hook.points[0].x == hook.points[-1].x == rect.right
    assert hook.points[0].y < hook.points[-1].y
    assert max(p.x for p in hook.points) > rect.right


def test_sizes_are_honoured_and_missing_ones_get_the_default() -> None:
    topology = parse_topology(AGENT_JSON)
    options = LayoutOptions(default_size=Size(50.0, 20.0))

    layout = layout_topology(topology, {"agent": (400.0, 90.0)}, options)

    assert layout.sizes["agent"] == Size(400.0, 90.0)
    assert layout.sizes["tools"] == Size(50.0, 20.0)
    assert layout.node_rect("agent").width == 400.0
    assert_layout_invariants(topology, layout)
    assert layout_topology(topology).sizes["tools"] == DEFAULT_NODE_SIZE


@pytest.mark.parametrize("bad", [(-1.0, 10.0), (10.0, float("nan")), (float("inf"), 1.0)])
def test_impossible_sizes_raise_value_error(bad: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match="agent"):
        layout_topology(parse_topology(AGENT_JSON), {"agent": bad})


def test_margin_surrounds_everything() -> None:
    topology = parse_topology(payload(nested(), xray=True))

    plain = layout_topology(topology)
    framed = layout_topology(topology, options=LayoutOptions(margin=30.0))

    assert framed.bounds.width == plain.bounds.width + 60.0
    assert framed.positions["t1"] == Point(
        plain.positions["t1"].x + 30, plain.positions["t1"].y + 30
    )
    assert min(r.left for r in framed.clusters.values()) >= 30.0


def test_an_empty_graph_has_an_empty_layout() -> None:
    layout = layout_topology(parse_topology({"nodes": [], "edges": []}))

    assert (layout.positions, layout.edges, layout.clusters) == ({}, (), {})
    assert layout.bounds.width == layout.bounds.height == 0.0


def test_labels_are_anchored_on_their_route() -> None:
    topology = parse_topology(payload(path_map()))
    layout = layout_topology(topology)

    for route in layout.edges:
        on_route = any(
            min(a.x, b.x) - 1e-6 <= route.label_anchor.x <= max(a.x, b.x) + 1e-6
            and min(a.y, b.y) - 1e-6 <= route.label_anchor.y <= max(a.y, b.y) + 1e-6
            for a, b in pairwise(route.points)
        )
        assert on_route, route


def test_the_same_topology_always_gets_the_same_layout() -> None:
    raw = payload(supervisor(), xray=True)

    first = layout_topology(parse_topology(raw), sizes_for(parse_topology(raw)))
    second = layout_topology(parse_topology(raw), sizes_for(parse_topology(raw)))

    assert first == second


_DIGEST = """
import hashlib
from studio.topology import collapse, layout_topology, parse_topology
from tests.topology.graphs import nested, payload, supervisor
from tests.topology.invariants import random_payload
topologies = [
    parse_topology(payload(supervisor(), xray=True)),
    collapse(parse_topology(payload(nested(), xray=True)), "sub:inner"),
    parse_topology(random_payload(3, 60, 90, back_edges=8, clusters=3)),
]
print(hashlib.sha256(repr([layout_topology(t) for t in topologies]).encode()).hexdigest())
"""


def test_layouts_are_stable_between_runs() -> None:
    """Other processes (other string hash seeds) compute exactly the same coordinates."""
    topologies = [
        parse_topology(payload(supervisor(), xray=True)),
        collapse(parse_topology(payload(nested(), xray=True)), "sub:inner"),
        parse_topology(random_payload(3, 60, 90, back_edges=8, clusters=3)),
    ]
    here = hashlib.sha256(repr([layout_topology(t) for t in topologies]).encode()).hexdigest()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == here
