"""Threads: their state at any checkpoint, history, state updates, copies and deletion.

State operations go through the thread's graph (the one its runs used, from
`metadata.graph_id`), wired to our checkpointer, exactly as LangGraph Server does, so
`next`, `tasks` and interrupts are computed by LangGraph itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.errors import InvalidUpdateError
from langgraph.types import StateSnapshot, StateUpdate

from studio.protocol.schema import Thread, ThreadState
from studio.runtime import ids, serde
from studio.runtime.errors import ApiError, not_found
from studio.runtime.graph_stream import to_command
from studio.runtime.graphs import AccessContext, Graph
from studio.runtime.records import new_thread
from studio.runtime.services.history import HistoryQuery, history_json
from studio.runtime.state import EMPTY_STATE, interrupts_by_task, thread_state

if TYPE_CHECKING:
    from studio.runtime.context import Runtime


async def get_thread(runtime: Runtime, thread_id: str) -> Thread:
    thread = await runtime.storage.get_thread(thread_id)
    if thread is None:
        raise not_found(f"Thread with ID {thread_id} not found")
    return thread


# What LangGraph raises when an update does not fit the graph: the client's input is wrong.
_BAD_UPDATE = (InvalidUpdateError, ValueError, KeyError, TypeError)


def _no_graph(thread: Thread) -> ApiError:
    return ApiError(
        400,
        f"Thread '{thread['thread_id']}' has no assigned graph ID. This usually occurs when no "
        "runs have been made on this particular thread. This operation requires a graph ID. "
        "Please ensure a run has been made for the thread or manually update the thread "
        "metadata (by setting the 'graph_id' field) before running this operation.",
    )


@asynccontextmanager
async def thread_graph(
    runtime: Runtime, thread: Thread, headers: dict[str, str], access: AccessContext
) -> AsyncIterator[Graph | None]:
    """The graph of a thread's runs, configured as the thread is; None if it never ran."""
    graph_id = (thread["metadata"] or {}).get("graph_id")
    if not graph_id:
        yield None
        return
    if graph_id not in runtime.registry:
        raise not_found(runtime.registry.not_found_message(graph_id))
    config: dict[str, Any] = dict(thread["config"] or {})
    config["configurable"] = {**(config.get("configurable") or {}), **headers}
    async with runtime.registry.graph(graph_id, cast(RunnableConfig, config), access=access) as g:
        yield g


def _state_config(thread_id: str, checkpoint: dict[str, Any] | None) -> RunnableConfig:
    configurable: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ""}
    for key, value in (checkpoint or {}).items():
        if value is not None:
            configurable[key] = value
    configurable["thread_id"] = thread_id
    return {"configurable": configurable}


async def get_state(
    runtime: Runtime,
    thread_id: str,
    *,
    checkpoint: dict[str, Any] | None = None,
    subgraphs: bool = False,
    headers: dict[str, str] | None = None,
) -> ThreadState:
    thread = await get_thread(runtime, thread_id)
    async with thread_graph(runtime, thread, headers or {}, "threads.read") as graph:
        if graph is None:
            return dict(EMPTY_STATE)  # type: ignore[return-value]
        snapshot = await graph.aget_state(_state_config(thread_id, checkpoint), subgraphs=subgraphs)
    if checkpoint and checkpoint.get("checkpoint_id") and snapshot.metadata is None:
        raise not_found(
            f"Checkpoint '{checkpoint['checkpoint_id']}' not found in thread {thread_id}"
        )
    return thread_state(_drop_root_namespace(snapshot))


def _drop_root_namespace(snapshot: StateSnapshot) -> StateSnapshot:
    metadata = snapshot.metadata
    if metadata is not None and metadata.get("checkpoint_ns") == "":
        trimmed = {k: v for k, v in metadata.items() if k != "checkpoint_ns"}
        return snapshot._replace(metadata=cast(Any, trimmed))
    return snapshot


async def history(
    runtime: Runtime,
    thread_id: str,
    *,
    limit: int,
    before: str | dict[str, Any] | None,
    metadata: dict[str, Any] | None,
    checkpoint: dict[str, Any] | None,
    headers: dict[str, str],
) -> bytes:
    """Checkpoints of the thread, newest first, as the JSON list of their ThreadStates
    (`aget_state_history`'s, assembled from kept entries: see `services/history.py`)."""
    thread = await get_thread(runtime, thread_id)
    async with thread_graph(runtime, thread, headers, "threads.read") as graph:
        if graph is None:
            return b"[]"
        before_config: RunnableConfig | None = None
        if isinstance(before, str):
            before_config = {"configurable": {"checkpoint_id": before}}
        elif before:
            fields = before.get("configurable", before)  # a config, or a checkpoint object
            before_config = {"configurable": {k: v for k, v in fields.items() if v is not None}}
        graph_id = thread["metadata"]["graph_id"]
        query = HistoryQuery(_state_config(thread_id, checkpoint), metadata, before_config, limit)
        return await history_json(
            graph,
            query,
            saver=runtime.checkpointer,
            renderer=None if runtime.registry.get(graph_id).is_factory else graph_id,
        )


async def _refresh_thread(
    runtime: Runtime, graph: Graph, thread_id: str, graph_id: str
) -> StateSnapshot:
    """After a state update: the thread row follows, and watchers hear `state_update`."""
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    runtime.broker.publish_thread(
        thread_id,
        "state_update",
        serde.dumps({"state": thread_state(snapshot), "thread_id": thread_id}),
    )
    await runtime.storage.set_thread_state(
        thread_id,
        values=serde.to_jsonable(snapshot.values),
        interrupts=cast(dict[str, Any], interrupts_by_task(snapshot)),
        next_nodes=list(snapshot.next),
        graph_id=graph_id,
        now=ids.now_iso(),
    )
    return snapshot


async def update_state(
    runtime: Runtime,
    thread_id: str,
    *,
    values: Any,
    as_node: str | None,
    checkpoint: dict[str, Any] | None,
    headers: dict[str, str],
) -> dict[str, Any]:
    """A new checkpoint with `values` written as `as_node` (a fork when `checkpoint` is older)."""
    thread = await get_thread(runtime, thread_id)
    if await runtime.storage.in_flight_runs(thread_id):
        raise ApiError(
            409,
            f"Thread {thread_id} has a pending or running run; wait for it to finish or "
            "cancel it before updating its state.",
        )
    async with thread_graph(runtime, thread, headers, "threads.update") as graph:
        if graph is None:
            raise _no_graph(thread)
        config = _state_config(thread_id, checkpoint)
        config["configurable"]["graph_id"] = thread["metadata"]["graph_id"]
        try:
            next_config = await graph.aupdate_state(config, values, as_node=as_node)
        except _BAD_UPDATE as exc:
            raise ApiError(400, f"Cannot update the state: {exc}") from None
        await _refresh_thread(runtime, graph, thread_id, thread["metadata"]["graph_id"])
    configurable = dict(next_config["configurable"])
    return {
        "checkpoint": configurable,
        "configurable": configurable,
        "checkpoint_id": configurable.get("checkpoint_id"),
    }


async def apply_supersteps(
    runtime: Runtime, thread: Thread, supersteps: list[dict[str, Any]]
) -> None:
    """Seed a new thread's state from a list of supersteps (`POST /threads` with supersteps)."""
    async with thread_graph(runtime, thread, {}, "threads.update") as graph:
        if graph is None:
            raise _no_graph(thread)
        updates = [
            [
                StateUpdate(
                    cast(
                        Any,
                        to_command(update["command"])
                        if update.get("command")
                        else update.get("values"),
                    ),
                    update.get("as_node"),
                )
                for update in step.get("updates", [])
            ]
            for step in supersteps
        ]
        try:
            config = _state_config(thread["thread_id"], None)
            config["configurable"]["graph_id"] = thread["metadata"]["graph_id"]
            await graph.abulk_update_state(config, updates)
        except _BAD_UPDATE as exc:
            raise ApiError(400, f"Cannot apply supersteps: {exc}") from None
        await _refresh_thread(runtime, graph, thread["thread_id"], thread["metadata"]["graph_id"])


async def delete_thread(runtime: Runtime, thread_id: str) -> None:
    """Stop the thread's runs, then remove its checkpoints and the thread itself."""
    await get_thread(runtime, thread_id)
    for run in await runtime.storage.in_flight_runs(thread_id):
        await runtime.queue.cancel(run, "interrupt", "thread deleted")
        await runtime.queue.wait_done(run["run_id"])
    await runtime.checkpointer.adelete_thread(thread_id)
    if not await runtime.storage.delete_thread(thread_id):
        raise not_found(f"Thread with ID {thread_id} not found")


async def copy_thread(
    runtime: Runtime, source: Thread, copy_id: str, metadata: dict[str, Any]
) -> Thread:
    """A new thread `copy_id` with `source`'s checkpoints and values, and `metadata`."""
    copy = new_thread(copy_id, metadata, ids.now_iso())
    created = await runtime.storage.create_thread(copy, "raise")
    await runtime.checkpointer.acopy_thread(source["thread_id"], created["thread_id"])
    snapshot_values = source["values"]
    await runtime.storage.set_thread_state(
        created["thread_id"],
        values=snapshot_values,
        interrupts=dict(source["interrupts"]),
        next_nodes=(),
        graph_id=None,
        now=ids.now_iso(),
    )
    return await get_thread(runtime, created["thread_id"])
