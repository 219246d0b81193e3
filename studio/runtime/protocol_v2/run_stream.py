"""The run side of Protocol v2: a run started by `run.start` streams langgraph's native
protocol events instead of the legacy stream modes.

LangGraph Server marks such runs with `configurable.__event_streaming_v2` and drives them
through `astream_events(version="v3")` (langgraph_api.stream_v2.astream_state_v2); so do we.
Each event goes into the run's log under `<method>|<namespace...>`, the name the legacy
streams use, with the protocol event as its data, so joins, thread streams and resumption
work unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Mapping
from typing import Any

from langchain_core._api import LangChainBetaWarning
from langchain_core.runnables import RunnableConfig

from studio.protocol.schema import Run
from studio.runtime.graphs import Graph

PROTOCOL_V2_MARKER = "__event_streaming_v2"

# The modes a v2 run is recorded with (langgraph_api.event_streaming.constants); v3 derives
# the modes it really streams from its transformers, so this is what the run row shows.
PROTOCOL_V2_STREAM_MODES = [
    "values",
    "updates",
    "messages",
    "tools",
    "lifecycle",
    "custom",
    "tasks",
    "checkpoints",
]

# v3 owns these and raises if they are passed (langgraph.pregel.main._V3_INVARIANT_KWARGS).
_V3_OWNED = ("stream_mode", "subgraphs")

# We use the v3 streaming API on purpose, as the reference server does; its beta warning
# would otherwise be logged on every run.
warnings.filterwarnings(
    "ignore", message=".*v3 streaming protocol.*", category=LangChainBetaWarning
)


def is_protocol_v2_run(run: Run) -> bool:
    configurable = (run["kwargs"].get("config") or {}).get("configurable") or {}
    return bool(configurable.get(PROTOCOL_V2_MARKER))


async def protocol_events(
    graph: Graph, graph_input: Any, config: RunnableConfig, options: Mapping[str, Any]
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The run's events as `(name, protocol event)`; `options` are the run's `astream`
    options (interrupts, context, durability)."""
    kwargs = {k: v for k, v in options.items() if k not in _V3_OWNED}
    stream = await graph.astream_events(graph_input, config, version="v3", **kwargs)
    async with stream:
        async for event in stream:
            yield _named(event)


def _named(event: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Drop the mux's own `seq` (the projection numbers events per connection) and unwrap
    the `(payload, metadata)` pair a messages event may carry."""
    method: str = event["method"]
    params = dict(event.get("params") or {})
    data = params.get("data")
    if (
        method == "messages"
        and isinstance(data, tuple | list)
        and len(data) == 2
        and isinstance(data[0], dict)
    ):
        params["data"] = data[0]
    namespace = params.get("namespace") or []
    name = "|".join([method, *namespace])
    return name, {"type": "event", "method": method, "params": params}
