"""Assistants: the system assistant of every graph, and the rules for creating and patching."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import uuid4

from studio.protocol.schema import Assistant, Config, IfExists, Thread
from studio.runtime import ids
from studio.runtime.auth.caller import ANONYMOUS, Caller
from studio.runtime.auth.filters import matches
from studio.runtime.errors import ApiError, not_found
from studio.runtime.graphs import system_assistant_id
from studio.runtime.services.authz import authorize
from studio.runtime.services.threads import delete_thread
from studio.runtime.storage.base import ThreadQuery

if TYPE_CHECKING:
    from studio.runtime.context import Runtime

BOTH_CONFIGURABLE_AND_CONTEXT = (
    "Cannot specify both configurable and context. Prefer setting context alone. Context was "
    "introduced in LangGraph 0.6.0 and is the long term planned replacement for configurable."
)


async def register_system_assistants(runtime: Runtime) -> None:
    """Give every loaded graph its default assistant, with LangGraph Server's id for it."""
    for graph_id in runtime.registry.graph_ids:
        registered = runtime.registry.get(graph_id)
        graph_name = getattr(registered.value, "name", None) if not registered.is_factory else None
        name = graph_name if graph_name and graph_name != "LangGraph" else graph_id
        description = registered.entry.description
        now = ids.now_iso()
        assistant: Assistant = {
            "assistant_id": system_assistant_id(graph_id),
            "graph_id": graph_id,
            "config": {},
            "context": {},
            "metadata": {"created_by": "system"},
            "name": name,
            "description": description,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        stored = await runtime.storage.create_assistant(assistant, "do_nothing")
        if stored["name"] != name or stored["description"] != description:
            await runtime.storage.update_assistant(
                stored["assistant_id"], {"name": name, "description": description}, now
            )


def mirrored(config: dict[str, Any] | None, context: dict[str, Any] | None) -> tuple[Config, Any]:
    """`config.configurable` and `context` are two names for one thing: keep them equal."""
    config = dict(config or {})
    if config.get("configurable") and context:
        raise ApiError(400, BOTH_CONFIGURABLE_AND_CONTEXT)
    if config.get("configurable"):
        context = config["configurable"]
    elif context:
        config["configurable"] = context
    return cast(Config, config), context


def require_graph(runtime: Runtime, graph_id: str) -> None:
    if graph_id not in runtime.registry:
        raise not_found(runtime.registry.not_found_message(graph_id))


async def create_assistant(
    runtime: Runtime,
    *,
    graph_id: str,
    assistant_id: str | None,
    config: dict[str, Any] | None,
    context: dict[str, Any] | None,
    metadata: dict[str, Any] | None,
    if_exists: IfExists,
    name: str | None,
    description: str | None,
) -> Assistant:
    if assistant_id is not None:
        canonical = ids.canonical_uuid(assistant_id)
        if canonical is None:
            raise ApiError(422, "Invalid assistant ID: must be a UUID")
        assistant_id = canonical
    merged_config, merged_context = mirrored(config, context)
    require_graph(runtime, graph_id)
    now = ids.now_iso()
    assistant: Assistant = {
        "assistant_id": assistant_id or str(uuid4()),
        "graph_id": graph_id,
        "config": merged_config,
        "context": merged_context or {},
        "metadata": metadata or {},
        "name": name or "Untitled",
        "description": description,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return await runtime.storage.create_assistant(assistant, if_exists)


async def patch_assistant(
    runtime: Runtime, assistant_id: str, changes: dict[str, Any]
) -> Assistant:
    """A new version: metadata merged, config and context replaced, the rest kept."""
    config, context = mirrored(changes.get("config"), changes.get("context"))
    if changes.get("graph_id") is not None:
        require_graph(runtime, changes["graph_id"])
    current = await runtime.storage.get_assistant(assistant_id)
    if current is None:
        raise not_found(f"Assistant {assistant_id} not found")
    update: dict[str, Any] = {}
    for key in ("graph_id", "name", "description"):
        if changes.get(key) is not None:
            update[key] = changes[key]
    if config:
        update["config"] = config
    if context is not None:
        update["context"] = context
    if changes.get("metadata") is not None:
        update["metadata"] = {**current["metadata"], **changes["metadata"]}
    updated = await runtime.storage.update_assistant(assistant_id, update, ids.now_iso())
    if updated is None:
        raise not_found(f"Assistant {assistant_id} not found")
    return updated


async def get_assistant(runtime: Runtime, assistant_id: str) -> Assistant:
    """An assistant whose graph is loaded (the reference hides the others too)."""
    assistant = await runtime.storage.get_assistant(assistant_id)
    if assistant is None:
        raise not_found(f"Assistant '{assistant_id}' not found")
    if assistant["graph_id"] not in runtime.registry:
        raise not_found(
            f"Assistant '{assistant_id}' uses graph '{assistant['graph_id']}', which is not "
            f"loaded: {runtime.registry.not_found_message(assistant['graph_id'])}"
        )
    return assistant


async def resolve_assistant(runtime: Runtime, assistant_id: str) -> Assistant:
    """An assistant named by its UUID or by a graph id (run and graph endpoints take both)."""
    resolved = runtime.registry.resolve_assistant_id(assistant_id)
    canonical = ids.canonical_uuid(resolved)
    if canonical is None:
        raise ApiError(
            422,
            f"Invalid assistant: '{assistant_id}'. Must be either:\n- A valid assistant UUID, "
            f"or\n- One of the registered graphs: {', '.join(runtime.registry.graph_ids)}",
        )
    return await get_assistant(runtime, canonical)


async def delete_assistant(
    runtime: Runtime, assistant_id: str, *, delete_threads: bool, caller: Caller = ANONYMOUS
) -> None:
    """Stop the assistant's runs, optionally delete its threads (those the caller may
    delete), then the assistant."""
    if await runtime.storage.get_assistant(assistant_id) is None:
        raise not_found(f"Assistant '{assistant_id}' not found")
    for run, _ in await runtime.storage.active_runs():
        if run["assistant_id"] == assistant_id:
            await runtime.queue.cancel(run, "interrupt", "assistant deleted")
    if delete_threads:
        await _delete_threads_of(runtime, assistant_id, caller)
    await runtime.storage.delete_assistant(assistant_id)


async def _delete_threads_of(runtime: Runtime, assistant_id: str, caller: Caller) -> None:
    kept = 0  # someone else's threads stay, as the reference does; they sort first
    while page := (
        await runtime.storage.search_threads(
            ThreadQuery(metadata={"assistant_id": assistant_id}, limit=1000, offset=kept)
        )
    ).rows:
        for thread in page:
            if await _may_delete(runtime, caller, thread):
                await delete_thread(runtime, thread["thread_id"])
            else:
                kept += 1


async def _may_delete(runtime: Runtime, caller: Caller, thread: Thread) -> bool:
    value = {"thread_id": thread["thread_id"]}
    try:
        filters = await authorize(runtime, caller, "threads", "delete", value)
    except ApiError:
        return False
    return matches(thread["metadata"], filters)
