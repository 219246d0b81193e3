"""Turn a graph's `astream` into the SSE events LangGraph Server emits, mode by mode.

Event names follow the server: the mode (`values`, `updates`, `custom`, ...), suffixed with
`|node:task_id|...` for subgraph events; `messages-tuple` is sent as `messages`; plain
`messages` is rebuilt into `messages/metadata`, `messages/partial` and `messages/complete`;
`events` are raw `astream_events(v2)` records. (langgraph_api.stream is the reference.)
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast
from uuid import UUID

import langgraph.version
from langchain_core.messages import (
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    ToolMessageChunk,
    convert_to_messages,
    message_chunk_to_message,
)
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command, Send

from studio.protocol.schema import Run
from studio.runtime import API_COMPAT_VERSION
from studio.runtime.auth.user import user_from_dict
from studio.runtime.graphs import Graph
from studio.runtime.protocol_v2.run_stream import is_protocol_v2_run, protocol_events
from studio.runtime.state import checkpoint_of

Event = tuple[str, Any]


def to_command(command: dict[str, Any]) -> Command[Any]:
    """The `command` of a run request (resume, update, goto) as a LangGraph Command."""
    goto = command.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = command.get("update")
    if isinstance(update, list | tuple) and all(
        isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str)
        for item in update
    ):
        update = [tuple(item) for item in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto]
        if goto
        else (),
        resume=command.get("resume"),
    )


def _filter_context(context: Any, schema: dict[str, Any] | None) -> Any:
    """Keep only the context keys the graph declares, as the server does."""
    if not isinstance(context, dict) or not context or not schema:
        return context
    properties = schema.get("properties") or {}
    if not properties:
        return context
    return {k: v for k, v in context.items() if k in properties}


def run_config(run: Run, attempt: int, api_url: str | None) -> RunnableConfig:
    """The RunnableConfig a run executes with: its merged config plus server metadata."""
    kwargs = run["kwargs"]
    config = cast(RunnableConfig, copy.deepcopy(kwargs.get("config") or {}))
    configurable = config.setdefault("configurable", {})
    if isinstance(user := configurable.get("langgraph_auth_user"), dict):
        # Stored as JSON; graphs read it as LangGraph Server hands it over (`user.identity`).
        configurable["langgraph_auth_user"] = user_from_dict(user)
    metadata = config.setdefault("metadata", {})
    metadata["run_attempt"] = attempt
    metadata["langgraph_version"] = langgraph.version.__version__
    metadata["langgraph_api_version"] = API_COMPAT_VERSION
    metadata["langgraph_plan"] = "enterprise"  # what `langgraph dev` writes (observed)
    metadata["langgraph_host"] = "self-hosted"
    if api_url:
        metadata["langgraph_api_url"] = api_url
    if attempt == 1:
        config["run_id"] = UUID(run["run_id"])
    return config


def _named(mode: str, namespace: Sequence[str] | None) -> str:
    return f"{mode}|{'|'.join(namespace)}" if namespace else mode


class _MessageAssembler:
    """Rebuilds the legacy `messages` mode from (message, metadata) chunks."""

    def __init__(self) -> None:
        self._messages: dict[str | None, BaseMessage] = {}

    def feed(self, chunk: tuple[Any, dict[str, Any]]) -> list[Event]:
        raw, meta = chunk
        is_chunk = False
        message: BaseMessage
        if isinstance(raw, dict):
            kind = f"{raw.get('type', '')}{raw.get('role', '')}".lower()
            if "chunk" in kind:
                if "ai" in kind:
                    message = AIMessageChunk(**raw)
                elif "tool" in kind:
                    message = ToolMessageChunk(**raw)
                else:
                    message = BaseMessageChunk(**raw)
                is_chunk = True
            else:
                message = convert_to_messages([raw])[0]
        else:
            message = raw
        events: list[Event] = []
        if message.id in self._messages:
            previous: Any = self._messages[message.id]
            self._messages[message.id] = previous + message
        else:
            self._messages[message.id] = message
            events.append(("messages/metadata", {message.id: {"metadata": meta}}))
        current = self._messages[message.id]
        if isinstance(message, BaseMessageChunk):
            payload = current if is_chunk else message_chunk_to_message(cast(Any, current))
            events.append(("messages/partial", [payload]))
        else:
            events.append(("messages/complete", [current]))
        return events


async def stream_graph(graph: Graph, run: Run, config: RunnableConfig) -> AsyncIterator[Event]:
    """The events of one run of `graph`, after the leading `metadata` event."""
    kwargs = run["kwargs"]
    requested: list[str] = list(kwargs.get("stream_mode") or ["values"])
    subgraphs = bool(kwargs.get("subgraphs"))
    modes = {m for m in requested if m != "events"}
    if "messages-tuple" in modes:
        modes.discard("messages-tuple")
        modes.add("messages")
    if not modes:
        modes.add("values")
    command = kwargs.get("command")
    graph_input = to_command(command) if command else kwargs.get("input")
    context = _filter_context(kwargs.get("context"), _context_schema(graph))
    options: dict[str, Any] = {
        "stream_mode": sorted(modes),
        "subgraphs": subgraphs,
        "interrupt_before": kwargs.get("interrupt_before"),
        "interrupt_after": kwargs.get("interrupt_after"),
        "context": context or None,
    }
    if graph.checkpointer is not None:
        options["durability"] = kwargs.get("durability") or "async"
    if is_protocol_v2_run(run):
        async for item in protocol_events(graph, graph_input, config, options):
            yield item
        return
    assembler = _MessageAssembler()
    tuples = "messages-tuple" in requested

    def translate(namespace: Sequence[str] | None, mode: str, chunk: Any) -> list[Event]:
        if mode == "messages":
            if tuples:
                return [(_named("messages", namespace), chunk)]
            if "messages" in requested:
                return assembler.feed(chunk)
            return []
        if mode in requested:
            if mode == "debug" and chunk.get("type") == "checkpoint":
                chunk = {**chunk, "payload": _debug_checkpoint(chunk["payload"])}
            return [(_named(mode, namespace), chunk)]
        return []

    if "events" in requested:
        root_run_id = run["run_id"]
        async for event in graph.astream_events(graph_input, config, version="v2", **options):
            if "langsmith:hidden" in (event.get("tags") or ()):
                continue
            if event["event"] == "on_chain_stream" and event["run_id"] == root_run_id:
                data = event["data"]["chunk"]
                namespace, mode, chunk = data if subgraphs else (None, *data)
                for item in translate(namespace, mode, chunk):
                    yield item
            else:
                yield "events", event
        return
    async for part in graph.astream(graph_input, config, **options):
        namespace, mode, chunk = part if subgraphs else (None, *part)
        for item in translate(namespace, mode, chunk):
            yield item


def _debug_checkpoint(payload: dict[str, Any]) -> dict[str, Any]:
    """Debug checkpoints carry `checkpoint` objects too, as the server sends them."""
    tasks = []
    for task in payload.get("tasks", []):
        state = task.get("state")
        if isinstance(state, dict) and state.get("configurable"):
            task = {k: v for k, v in task.items() if k != "state"}
            task["checkpoint"] = state["configurable"]
        tasks.append(task)
    return {
        **payload,
        "checkpoint": checkpoint_of(payload.get("config")),
        "parent_checkpoint": checkpoint_of(payload.get("parent_config")),
        "tasks": tasks,
    }


def _context_schema(graph: Graph) -> dict[str, Any] | None:
    try:
        return graph.get_context_jsonschema()
    except Exception:
        return None
