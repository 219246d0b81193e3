"""Routes of /threads: the thread rows, their state, history and copies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import orjson
from starlette.requests import Request
from starlette.responses import Response

from studio.protocol.schema import Thread, ThreadState
from studio.runtime import ids
from studio.runtime.api import models
from studio.runtime.api.access import IN_HANDLER, on
from studio.runtime.api.guard import authorize, missing
from studio.runtime.api.http import (
    Endpoint,
    configurable_headers,
    heartbeat,
    json_response,
    no_content,
    pagination_headers,
    parse_body,
    path_uuid,
    query_bool,
    query_int,
    query_list,
    runtime,
    select_fields,
)
from studio.runtime.api.streaming import event_stream
from studio.runtime.auth.filters import matches
from studio.runtime.errors import ApiError, not_found
from studio.runtime.records import new_thread
from studio.runtime.services import threads as service
from studio.runtime.storage.base import ThreadQuery
from studio.runtime.streams import StreamEvent, parse_event_id
from studio.runtime.thread_extract import extract_paths, validate_extract


async def create_thread(request: Request) -> Response:
    body = await parse_body(request, models.ThreadCreate)
    rt = runtime(request)
    if body.thread_id is not None:
        thread_id = ids.canonical_uuid(body.thread_id)
        if thread_id is None:
            raise ApiError(422, "Invalid thread ID: must be a UUID")
    else:
        thread_id = ids.uuid7()
    if body.supersteps and not (body.metadata or {}).get("graph_id"):
        raise ApiError(
            400,
            "A thread created with supersteps needs `metadata.graph_id`: the graph whose state "
            "the supersteps update.",
        )
    value: dict[str, Any] = {
        "thread_id": thread_id,
        "metadata": body.metadata or {},
        "if_exists": body.if_exists,
        "ttl": None if body.ttl is None else body.ttl.model_dump(),
    }
    filters = await authorize(request, "threads", "create", value)
    if filters:
        existing = await rt.storage.get_thread(thread_id)
        if existing is not None and not matches(existing["metadata"], filters):
            raise ApiError(409, f"Thread with ID {thread_id} already exists")
    requested = new_thread(thread_id, value["metadata"], ids.now_iso())
    thread = await rt.storage.create_thread(requested, body.if_exists)
    if body.ttl is not None and thread == requested:
        await rt.storage.set_thread_ttl(thread_id, body.ttl.strategy, body.ttl.ttl)
    if body.supersteps and thread == requested:
        try:
            await service.apply_supersteps(
                rt, thread, [step.model_dump() for step in body.supersteps]
            )
        except ApiError:
            await service.delete_thread(rt, thread_id)  # all or nothing
            raise
        thread = await service.get_thread(rt, thread_id)
    return json_response(thread)


async def _query(request: Request, body: models.ThreadCount, **page: Any) -> ThreadQuery:
    """The search a caller may make: what they asked for, narrowed by custom auth."""
    value = {
        "metadata": body.metadata or {},
        "values": body.values or {},
        "status": body.status,
        **page,
    }
    filters = await authorize(request, "threads", "search", value)
    return ThreadQuery(
        metadata=body.metadata,
        values=body.values,
        status=body.status,
        auth=None if filters is None else dict(filters),
        **page,
    )


async def search_threads(request: Request) -> Response:
    body = await parse_body(request, models.ThreadSearch)
    if body.extract:
        validate_extract(body.extract, frozenset(Thread.__annotations__))
    ids_filter = None
    if body.ids is not None:
        ids_filter = [ids.canonical_uuid(i) for i in body.ids]
        if None in ids_filter:
            raise ApiError(422, "Invalid thread ID in ids: must be a UUID")
    page = await runtime(request).storage.search_threads(
        await _query(
            request,
            body,
            ids=[i for i in ids_filter if i] if ids_filter is not None else None,
            sort_by=body.sort_by or "created_at",
            sort_order=body.sort_order or "desc",
            limit=body.limit,
            offset=body.offset,
        )
    )
    rows: list[Any] = list(page.rows)
    if body.extract:
        rows = [{**row, "extracted": extract_paths(row, body.extract)} for row in rows]
    select: list[str] = list(body.select or [])
    if select and body.extract:
        select.append("extracted")
    return json_response(
        select_fields(rows, select),
        headers=pagination_headers(body.offset, len(page.rows), page.total),
    )


async def count_threads(request: Request) -> Response:
    body = await parse_body(request, models.ThreadCount)
    query = await _query(request, body)
    return json_response(await runtime(request).storage.count_threads(query))


async def get_thread(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    return json_response(await service.get_thread(runtime(request), thread_id))


async def patch_thread(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.ThreadPatch)
    rt = runtime(request)
    value: dict[str, Any] = {"thread_id": thread_id, "metadata": body.metadata or {}}
    filters = await authorize(request, "threads", "update", value)
    if filters:
        current = await rt.storage.get_thread(thread_id)
        if current is not None and not matches(current["metadata"], filters):
            raise missing("threads", thread_id)
    thread = await rt.storage.update_thread_metadata(thread_id, value["metadata"], ids.now_iso())
    if thread is None:
        raise not_found(f"Thread with ID {thread_id} not found")
    if body.ttl is not None:
        await rt.storage.set_thread_ttl(thread_id, body.ttl.strategy, body.ttl.ttl)
    if request.headers.get("prefer") == "return=minimal":
        return no_content()
    return json_response(thread)


async def delete_thread(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    await service.delete_thread(runtime(request), thread_id)
    return no_content()


async def prune_threads(request: Request) -> Response:
    body = await parse_body(request, models.ThreadPrune)
    rt = runtime(request)
    thread_ids = []
    for raw in body.thread_ids:
        thread_id = ids.canonical_uuid(raw)
        if thread_id is None:
            raise ApiError(422, f"Invalid thread ID '{raw}': must be a UUID")
        thread_ids.append(thread_id)
    filters = await authorize(request, "threads", "delete", {"thread_ids": thread_ids})
    threads = [await rt.storage.get_thread(thread_id) for thread_id in thread_ids]
    if any(t is not None and not matches(t["metadata"], filters) for t in threads):
        raise not_found("At least one thread not found or not authorized")
    pruned = 0
    for thread_id, thread in zip(thread_ids, threads, strict=True):
        if thread is None:
            continue
        if body.strategy == "delete":
            await service.delete_thread(rt, thread_id)
        else:
            try:
                await rt.checkpointer.aprune([thread_id], strategy="keep_latest")
            except NotImplementedError as exc:  # langgraph's Postgres saver and DeltaChannels
                raise ApiError(409, f"Cannot prune thread {thread_id}: {exc}") from None
        pruned += 1
    return json_response({"pruned_count": pruned})


async def copy_thread(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    rt = runtime(request)
    source = await service.get_thread(rt, thread_id)
    copy_id = str(uuid4())
    value: dict[str, Any] = {"thread_id": copy_id, "metadata": dict(source["metadata"])}
    await authorize(request, "threads", "create", value)
    copy = await service.copy_thread(rt, source, copy_id, value["metadata"])
    return json_response(copy)


async def get_state(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    checkpoint_id = request.path_params.get("checkpoint_id")
    state = await service.get_state(
        runtime(request),
        thread_id,
        checkpoint={"checkpoint_id": checkpoint_id} if checkpoint_id else None,
        subgraphs=query_bool(request, "subgraphs"),
        headers=configurable_headers(request),
    )
    return json_response(state)


async def get_state_at_checkpoint(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.ThreadStateCheckpoint)
    state = await service.get_state(
        runtime(request),
        thread_id,
        checkpoint=body.checkpoint.model_dump(exclude_none=True),
        subgraphs=body.subgraphs,
        headers=configurable_headers(request),
    )
    return json_response(state)


async def update_state(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.ThreadStateUpdate)
    checkpoint = body.checkpoint.model_dump(exclude_none=True) if body.checkpoint else {}
    if body.checkpoint_id:
        checkpoint["checkpoint_id"] = body.checkpoint_id
    result = await service.update_state(
        runtime(request),
        thread_id,
        values=body.values,
        as_node=body.as_node,
        checkpoint=checkpoint or None,
        headers=configurable_headers(request),
    )
    return json_response(result)


async def history_post(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.ThreadHistory)
    states = await service.history(
        runtime(request),
        thread_id,
        limit=body.limit,
        before=body.before,
        metadata=body.metadata,
        checkpoint=body.checkpoint.model_dump(exclude_none=True) if body.checkpoint else None,
        headers=configurable_headers(request),
    )
    return _json_bytes(states)


async def history_get(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    states = await service.history(
        runtime(request),
        thread_id,
        limit=query_int(request, "limit", 10, minimum=1),
        before=request.query_params.get("before"),
        metadata=None,
        checkpoint=None,
        headers=configurable_headers(request),
    )
    return _json_bytes(states)


def _json_bytes(body: bytes) -> Response:
    """A body the service already rendered (the history is assembled from JSON entries)."""
    return Response(body, media_type="application/json")


def _thread_events(modes: list[str]) -> Callable[[StreamEvent], bool]:
    """`run_modes` (run events), `lifecycle` (run starts and ends), `state_update`."""
    wanted = set(modes or ["run_modes"])

    def keep(event: StreamEvent) -> bool:
        if event.event == "state_update":
            return "state_update" in wanted
        if "run_modes" in wanted:
            return True
        if "lifecycle" in wanted and event.event == "metadata":
            data = orjson.loads(event.data)
            return data.get("status") == "run_done" or "attempt" in data
        return False

    return keep


async def join_thread_stream(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    rt = runtime(request)
    await service.get_thread(rt, thread_id)
    log = rt.broker.thread_log(thread_id)
    last_event_id = parse_event_id(request.headers.get("last-event-id"))
    after = await log.resume_at(last_event_id)
    return event_stream(
        log,
        after=after,
        heartbeat=heartbeat(request),
        keep=_thread_events(query_list(request, "stream_mode", "stream_modes")),
    )


TAG = "Threads"
STATES = list[ThreadState]
ENDPOINTS = [
    Endpoint(
        "POST",
        "/threads",
        create_thread,
        "Create Thread",
        TAG,
        body=models.ThreadCreate,
        response=Thread,
        access=IN_HANDLER,
        errors=(400, 404, 409),
    ),
    Endpoint(
        "POST",
        "/threads/search",
        search_threads,
        "Search Threads",
        TAG,
        body=models.ThreadSearch,
        response=list[Thread],
        access=IN_HANDLER,
    ),
    Endpoint(
        "POST",
        "/threads/count",
        count_threads,
        "Count Threads",
        TAG,
        body=models.ThreadCount,
        response=int,
        access=IN_HANDLER,
    ),
    Endpoint(
        "POST",
        "/threads/prune",
        prune_threads,
        "Prune Threads",
        TAG,
        body=models.ThreadPrune,
        response=dict[str, int],
        access=IN_HANDLER,
        errors=(404,),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}",
        get_thread,
        "Get Thread",
        TAG,
        response=Thread,
        access=on("threads", "read"),
    ),
    Endpoint(
        "PATCH",
        "/threads/{thread_id}",
        patch_thread,
        "Patch Thread",
        TAG,
        body=models.ThreadPatch,
        response=Thread,
        access=IN_HANDLER,
    ),
    Endpoint(
        "DELETE",
        "/threads/{thread_id}",
        delete_thread,
        "Delete Thread",
        TAG,
        status=204,
        access=on("threads", "delete"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/copy",
        copy_thread,
        "Copy Thread",
        TAG,
        response=Thread,
        access=on("threads", "read"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/state",
        get_state,
        "Get Thread State",
        TAG,
        response=ThreadState,
        query={"subgraphs": "boolean"},
        access=on("threads", "read"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/state",
        update_state,
        "Update Thread State",
        TAG,
        body=models.ThreadStateUpdate,
        response=dict[str, Any],
        access=on("threads", "update"),
        errors=(400, 409),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/state/{checkpoint_id}",
        get_state,
        "Get Thread State At Checkpoint",
        TAG,
        response=ThreadState,
        query={"subgraphs": "boolean"},
        access=on("threads", "read"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/state/checkpoint",
        get_state_at_checkpoint,
        "Get Thread State At Checkpoint",
        TAG,
        body=models.ThreadStateCheckpoint,
        response=ThreadState,
        access=on("threads", "read"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/stream",
        join_thread_stream,
        "Join Thread Stream",
        TAG,
        streams=True,
        query={"stream_mode": "string"},
        access=on("threads", "read"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/history",
        history_post,
        "Get Thread History",
        TAG,
        body=models.ThreadHistory,
        response=STATES,
        access=on("threads", "read"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/history",
        history_get,
        "Get Thread History",
        TAG,
        response=STATES,
        query={"limit": "integer", "before": "string"},
        access=on("threads", "read"),
    ),
]
