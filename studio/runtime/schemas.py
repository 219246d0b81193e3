"""JSON Schemas of a graph (input, output, state, config, context) and its drawable form.

A schema that cannot be produced is `null`, as in LangGraph Server: one odd channel type must
not make the whole endpoint fail.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from langgraph.warnings import LangGraphDeprecatedSinceV10
from pydantic import TypeAdapter, create_model

from studio.runtime.graphs import Graph

logger = logging.getLogger(__name__)

# Keys of `configurable` the server fills itself; they are not the user's to configure.
_INTERNAL_CONFIG_KEYS = (
    "__pregel_checkpointer",
    "__pregel_store",
    "checkpoint_id",
    "checkpoint_ns",
    "thread_id",
)


def _state_schema(graph: Graph) -> dict[str, Any]:
    """Every channel the graph streams, typed by what may be written to it."""
    fields: dict[str, Any] = {}
    for key in graph.stream_channels_list:
        update_type = getattr(graph.channels[key], "UpdateType", Any)
        try:
            TypeAdapter(update_type).json_schema()
        except Exception:
            update_type = Any
        fields[key] = (update_type, None)
    model = create_model(graph.get_name("State"), **fields)
    schema: dict[str, Any] = model.model_json_schema()
    return schema


def _config_schema(graph: Graph) -> dict[str, Any]:
    """Only the `configurable` part of the config schema, as the server exposes it."""
    with warnings.catch_warnings():
        # langgraph deprecates the config schema in favour of context; the API still serves it
        warnings.filterwarnings("ignore", category=LangGraphDeprecatedSinceV10)
        model = graph.config_schema()
    fields = getattr(model, "model_fields", None) or {}
    if "configurable" not in fields:
        return {}
    annotation: Any = fields["configurable"].annotation
    schema: dict[str, Any] = TypeAdapter(annotation).json_schema()
    for key in _INTERNAL_CONFIG_KEYS:
        schema.get("properties", {}).pop(key, None)
    config_type = getattr(graph, "config_type", None)
    if config_type is not None and hasattr(config_type, "__name__"):
        schema["title"] = config_type.__name__
    return schema


def _safely(label: str, graph: Graph, produce: Any) -> Any:
    try:
        return produce()
    except Exception as exc:
        logger.warning("No %s schema for graph %s: %s", label, graph.name, exc)
        return None


def graph_schemas(graph: Graph) -> dict[str, Any]:
    return {
        "input_schema": _safely("input", graph, graph.get_input_jsonschema),
        "output_schema": _safely("output", graph, graph.get_output_jsonschema),
        "state_schema": _safely("state", graph, lambda: _state_schema(graph)),
        "config_schema": _safely("config", graph, lambda: _config_schema(graph)),
        "context_schema": _safely("context", graph, graph.get_context_jsonschema),
    }


async def drawable_graph(graph: Graph, xray: bool | int) -> dict[str, Any]:
    """The graph as nodes and edges, with the ids the server strips from node data removed."""
    drawn: dict[str, Any] = (await graph.aget_graph(xray=xray)).to_json()
    for node in drawn.get("nodes", []):
        data = node.get("data")
        if isinstance(data, dict):
            data.pop("id", None)
    return drawn
