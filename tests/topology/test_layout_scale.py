"""Large and random graphs: the invariants hold everywhere, and big graphs stay quick.

Wall-clock time is printed (`pytest -s`), never asserted: CI machines vary too much.
"""

from __future__ import annotations

import time

import pytest

from studio.topology import layout_topology, parse_topology
from tests.topology.invariants import assert_layout_invariants, random_payload, sizes_for


@pytest.mark.parametrize("clusters", [0, 8], ids=["flat", "clustered"])
def test_a_200_node_graph_with_back_edges_lays_out(clusters: int) -> None:
    topology = parse_topology(random_payload(7, 200, 300, back_edges=30, clusters=clusters))
    sizes = sizes_for(topology)
    assert len(topology.nodes) == 202  # with __start__ and __end__
    assert len(topology.edges) >= 300

    began = time.perf_counter()
    layout = layout_topology(topology, sizes)
    elapsed = time.perf_counter() - began

    print(
        f"\nlayout of {len(topology.nodes)} nodes, {len(topology.edges)} edges, "
        f"{len(topology.clusters)} clusters: {elapsed * 1000:.0f} ms"
    )
    assert_layout_invariants(topology, layout)
    assert sum(route.direction == "up" for route in layout.edges) >= 1


@pytest.mark.parametrize("seed", range(60))
def test_random_graphs_keep_every_invariant(seed: int) -> None:
    nodes = 3 + seed % 37
    topology = parse_topology(
        random_payload(seed, nodes, nodes + seed % 23, back_edges=seed % 7, clusters=seed % 6)
    )

    layout = layout_topology(topology, sizes_for(topology, seed))

    assert_layout_invariants(topology, layout)
