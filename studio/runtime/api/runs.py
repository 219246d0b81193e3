"""Routes of runs: on a thread (/threads/{id}/runs...) and stateless (/runs...)."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from studio.protocol.schema import RUN_STATUSES, CancelAction, Run
from studio.runtime import ids
from studio.runtime.api import models
from studio.runtime.api.access import IN_HANDLER, on
from studio.runtime.api.guard import authorize, caller
from studio.runtime.api.http import (
    Endpoint,
    configurable_headers,
    heartbeat,
    json_response,
    no_content,
    parse_body,
    path_uuid,
    query_bool,
    query_int,
    query_list,
    read_json,
    runtime,
    select_fields,
    validate,
)
from studio.runtime.api.streaming import event_stream, mode_filter, result_body
from studio.runtime.auth.filters import matches
from studio.runtime.context import Runtime
from studio.runtime.errors import ApiError, not_found
from studio.runtime.run_result import RunResult, thread_result
from studio.runtime.services import threads as thread_service
from studio.runtime.services.runs import create_run
from studio.runtime.streams import EventLog, parse_event_id

Body = models.RunCreateStateful | models.RunCreateStateless


def _run_context(request: Request) -> dict[str, Any]:
    """What a run's configurable learns from its request: passed headers and a request id."""
    return {
        **configurable_headers(request),
        "langgraph_request_id": request.headers.get("x-request-id") or str(uuid.uuid4()),
    }


def _locations(thread_id: str | None, run_id: str, suffix: str) -> dict[str, str]:
    base = f"/threads/{thread_id}/runs/{run_id}" if thread_id else f"/runs/{run_id}"
    return {"Location": f"{base}/{suffix}", "Content-Location": base}


def _canceller(rt: Runtime, run: Run) -> Any:
    def cancel() -> None:
        rt.spawn(
            rt.queue.cancel(
                run, "interrupt", "client disconnected from the run stream (on_disconnect=cancel)"
            )
        )

    return cancel


def _final(rt: Runtime, fallback_thread: str | None) -> Any:
    """The result body; if the run streamed nothing, read off `fallback_thread` (if any)."""

    async def final(result: RunResult) -> bytes:
        thread = await rt.storage.get_thread(fallback_thread) if fallback_thread else None
        return result.body(thread)

    return final


async def _start(
    request: Request, body: Body, thread_id: str | None
) -> tuple[Runtime, Run, EventLog]:
    """Open the run's log before the run exists, so no early event can be missed."""
    rt = runtime(request)
    run_id = ids.uuid7()
    log = rt.broker.run_log(run_id, thread_id=thread_id, resumable=body.stream_resumable)
    try:
        run = await create_run(
            rt,
            body,
            thread_id=thread_id,
            headers=_run_context(request),
            run_id=run_id,
            caller=caller(request),
        )
    except BaseException:
        rt.broker.discard(run_id)
        raise
    return rt, run, log


# --- create ----------------------------------------------------------------------------------


async def create_thread_run(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.RunCreateStateful)
    run = await create_run(
        runtime(request),
        body,
        thread_id=thread_id,
        headers=_run_context(request),
        caller=caller(request),
    )
    return json_response(
        run, headers={"Content-Location": f"/threads/{thread_id}/runs/{run['run_id']}"}
    )


async def create_stateless_run(request: Request) -> Response:
    body = await parse_body(request, models.RunCreateStateless)
    run = await create_run(
        runtime(request),
        body,
        thread_id=None,
        headers=_run_context(request),
        caller=caller(request),
    )
    return json_response(run, headers={"Content-Location": f"/runs/{run['run_id']}"})


async def create_batch(request: Request) -> Response:
    payload = await read_json(request)
    if not isinstance(payload, list) or not payload:
        raise ApiError(422, "Invalid request: body must be a non-empty JSON array of runs")
    bodies = [
        validate(models.RunCreateStateless, item, f"body[{i}]") for i, item in enumerate(payload)
    ]
    rt = runtime(request)
    headers = _run_context(request)
    who = caller(request)
    runs = [
        await create_run(rt, body, thread_id=None, headers=headers, caller=who) for body in bodies
    ]
    return json_response(runs)


async def _stream(request: Request, body: Body, thread_id: str | None) -> Response:
    rt, run, log = await _start(request, body, thread_id)
    on_disconnect = _canceller(rt, run) if body.on_disconnect == "cancel" else None
    return event_stream(
        log,
        after=0,
        heartbeat=heartbeat(request),
        on_disconnect=on_disconnect,
        headers=_locations(thread_id, run["run_id"], "stream"),
    )


async def stream_thread_run(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    return await _stream(request, await parse_body(request, models.RunCreateStateful), thread_id)


async def stream_stateless_run(request: Request) -> Response:
    return await _stream(request, await parse_body(request, models.RunCreateStateless), None)


async def _wait(request: Request, body: Body, thread_id: str | None) -> Response:
    rt, run, log = await _start(request, body, thread_id)
    temporary = bool(run["kwargs"].get("temporary"))
    on_disconnect = _canceller(rt, run) if body.on_disconnect == "cancel" else None
    return result_body(
        log,
        after=0,
        heartbeat=heartbeat(request),
        final=_final(rt, None if temporary else run["thread_id"]),
        on_disconnect=on_disconnect,
        headers=_locations(run["thread_id"], run["run_id"], "join"),
    )


async def wait_thread_run(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    return await _wait(request, await parse_body(request, models.RunCreateStateful), thread_id)


async def wait_stateless_run(request: Request) -> Response:
    return await _wait(request, await parse_body(request, models.RunCreateStateless), None)


# --- read, delete ------------------------------------------------------------------------------


async def list_runs(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    rt = runtime(request)
    await thread_service.get_thread(rt, thread_id)
    status = request.query_params.get("status")
    if status is not None and status not in RUN_STATUSES:
        raise ApiError(422, f"Invalid status '{status}': expected one of {', '.join(RUN_STATUSES)}")
    runs = await rt.storage.list_runs(
        thread_id,
        limit=query_int(request, "limit", 10, minimum=1),
        offset=query_int(request, "offset", 0),
        status=status,
    )
    return json_response(select_fields(list(runs), request.query_params.getlist("select")))


async def _existing_run(request: Request) -> tuple[Runtime, Run]:
    thread_id = path_uuid(request, "thread_id", "thread")
    run_id = path_uuid(request, "run_id", "run")
    rt = runtime(request)
    await thread_service.get_thread(rt, thread_id)
    run = await rt.storage.get_run(thread_id, run_id)
    if run is None:
        raise not_found(f"Run {run_id} not found in thread {thread_id}")
    return rt, run


async def get_run(request: Request) -> Response:
    _, run = await _existing_run(request)
    return json_response(run)


async def delete_run(request: Request) -> Response:
    rt, run = await _existing_run(request)
    thread_id, run_id = run["thread_id"], run["run_id"]
    if run["status"] in ("pending", "running"):
        await rt.queue.cancel(run, "interrupt", "run deleted")
        await rt.queue.wait_done(run_id)
    await rt.checkpointer.adelete_for_runs([run_id])
    if not await rt.storage.delete_run(thread_id, run_id):
        raise not_found(f"Run {run_id} not found in thread {thread_id}")
    return no_content()


async def get_run_traceback(request: Request) -> Response:
    """lg-studio's addition: the Python traceback of a failed run, for debugging it. (The
    error event and the thread carry only the exception's type and message.)"""
    rt, run = await _existing_run(request)
    traceback = await rt.storage.run_traceback(run["thread_id"], run["run_id"])
    return json_response({"run_id": run["run_id"], "status": run["status"], "traceback": traceback})


# --- join, cancel ------------------------------------------------------------------------------


async def join_run(request: Request) -> Response:
    rt, run = await _existing_run(request)
    thread_id, run_id = run["thread_id"], run["run_id"]
    log = rt.broker.get_run_log(run_id)
    headers = _locations(thread_id, run_id, "join")
    if log is None or log.closed:
        if run["status"] in ("pending", "running"):
            log = rt.broker.run_log(run_id, thread_id=thread_id)
        else:
            thread = await rt.storage.get_thread(thread_id)
            return Response(thread_result(thread), media_type="application/json", headers=headers)
    cancel = _canceller(rt, run) if query_bool(request, "cancel_on_disconnect") else None
    return result_body(
        log,
        after=await log.resume_at(None),
        heartbeat=heartbeat(request),
        final=_final(rt, thread_id),
        on_disconnect=cancel,
        headers=headers,
    )


async def join_run_stream(request: Request) -> Response:
    rt, run = await _existing_run(request)
    return await _join_stream(request, rt, run)


async def join_stateless_run_stream(request: Request) -> Response:
    """`GET /runs/{run_id}/stream`: where a stateless stream's `Location` points (the reference
    advertises this path but does not serve it, so its clients cannot reconnect)."""
    run_id = path_uuid(request, "run_id", "run")
    rt = runtime(request)
    run = await rt.storage.find_run(run_id)
    if run is None or not await _visible(request, "read", run):
        raise not_found(f"Run {run_id} not found")
    return await _join_stream(request, rt, run)


async def _visible(request: Request, action: str, run: Run) -> bool:
    """Whether custom auth lets the caller `action` (read, update) the run's thread."""
    value = {"thread_id": run["thread_id"], "run_id": run["run_id"]}
    filters = await authorize(request, "threads", action, value)
    if not filters:
        return True
    thread = await runtime(request).storage.get_thread(run["thread_id"])
    return thread is not None and matches(thread["metadata"], filters)


async def _join_stream(request: Request, rt: Runtime, run: Run) -> Response:
    run_id, thread_id = run["run_id"], run["thread_id"]
    last_event_id = parse_event_id(request.headers.get("last-event-id"))
    log = rt.broker.get_run_log(run_id)
    if log is None:
        log = rt.broker.run_log(run_id, thread_id=thread_id)
        if run["status"] not in ("pending", "running"):
            log.close()
    after = await log.resume_at(last_event_id)
    cancel = _canceller(rt, run) if query_bool(request, "cancel_on_disconnect") else None
    return event_stream(
        log,
        after=after,
        heartbeat=heartbeat(request),
        keep=mode_filter(query_list(request, "stream_mode", "stream_modes")),
        on_disconnect=cancel,
        headers=_locations(None if run["kwargs"].get("temporary") else thread_id, run_id, "stream"),
    )


def _action(request: Request) -> CancelAction:
    """`?action=`: rollback when asked for, interrupt otherwise (as the reference reads it)."""
    return "rollback" if request.query_params.get("action") == "rollback" else "interrupt"


async def cancel_run(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    run_id = path_uuid(request, "run_id", "run")
    rt = runtime(request)
    action = _action(request)
    run = await rt.storage.get_run(thread_id, run_id)
    if run is None or run["status"] not in ("pending", "running"):
        raise not_found(
            "No matching runs to cancel. Please verify the thread ID and run IDs are correct, "
            "and the runs haven't been deleted or completed."
        )
    log = rt.broker.run_log(run_id, thread_id=thread_id)
    after = await log.resume_at(None)
    await rt.queue.cancel(
        run, action, f"{action} requested via POST /threads/{{thread_id}}/runs/{{run_id}}/cancel"
    )
    if not query_bool(request, "wait"):
        return Response(status_code=202)
    return result_body(
        log,
        after=after,
        heartbeat=heartbeat(request),
        final=_final(rt, None),
        headers=_locations(thread_id, run_id, "join"),
    )


async def cancel_runs(request: Request) -> Response:
    body = await parse_body(request, models.RunsCancel)
    rt = runtime(request)
    action = _action(request)
    if body.status is not None:
        if body.thread_id or body.run_ids:
            raise ApiError(
                422,
                "When providing a 'status', 'thread_id' and 'run_ids' must be omitted. The "
                "'status' parameter cancels all runs with the given status, regardless of "
                "thread or run ID.",
            )
        statuses = ("pending", "running") if body.status == "all" else (body.status,)
        candidates = [run for run, _ in await rt.storage.active_runs() if run["status"] in statuses]
    else:
        if body.thread_id is None or body.run_ids is None:
            raise ApiError(422, "Must provide either a status, or both 'thread_id' and 'run_ids'")
        thread_id = ids.canonical_uuid(body.thread_id)
        if thread_id is None:
            raise ApiError(422, "Invalid thread ID: must be a UUID")
        candidates = []
        for raw in body.run_ids:
            run_id = ids.canonical_uuid(raw)
            if run_id is None:
                raise ApiError(422, "Invalid run ID: must be a UUID")
            run = await rt.storage.get_run(thread_id, run_id)
            if run is not None and run["status"] in ("pending", "running"):
                candidates.append(run)
    candidates = [run for run in candidates if await _visible(request, "update", run)]
    if not candidates:
        raise not_found("No runs found to cancel.")
    for run in candidates:
        await rt.queue.cancel(run, action, f"{action} requested via POST /runs/cancel")
    return no_content()


TAG_THREAD = "Thread Runs"
TAG_STATELESS = "Stateless Runs"
RUN_LIST = list[Run]
ENDPOINTS = [
    Endpoint(
        "POST",
        "/threads/{thread_id}/runs",
        create_thread_run,
        "Create Background Run",
        TAG_THREAD,
        body=models.RunCreateStateful,
        response=Run,
        access=IN_HANDLER,
        errors=(400, 409),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/runs/stream",
        stream_thread_run,
        "Create Run, Stream Output",
        TAG_THREAD,
        body=models.RunCreateStateful,
        streams=True,
        access=IN_HANDLER,
        errors=(400, 409),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/runs/wait",
        wait_thread_run,
        "Create Run, Wait for Output",
        TAG_THREAD,
        body=models.RunCreateStateful,
        response=dict[str, Any],
        access=IN_HANDLER,
        errors=(400, 409),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/runs",
        list_runs,
        "List Runs",
        TAG_THREAD,
        response=RUN_LIST,
        query={"limit": "integer", "offset": "integer", "status": "string", "select": "array"},
        access=on("threads", "search"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/runs/{run_id}",
        get_run,
        "Get Run",
        TAG_THREAD,
        response=Run,
        access=on("threads", "read"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/runs/{run_id}/traceback",
        get_run_traceback,
        "Get Run Traceback (lg-studio)",
        TAG_THREAD,
        response=dict[str, Any],
        access=on("threads", "read"),
    ),
    Endpoint(
        "DELETE",
        "/threads/{thread_id}/runs/{run_id}",
        delete_run,
        "Delete Run",
        TAG_THREAD,
        status=204,
        access=on("threads", "delete"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/runs/{run_id}/join",
        join_run,
        "Join Run",
        TAG_THREAD,
        response=dict[str, Any],
        query={"cancel_on_disconnect": "boolean"},
        access=on("threads", "read"),
    ),
    Endpoint(
        "GET",
        "/threads/{thread_id}/runs/{run_id}/stream",
        join_run_stream,
        "Join Run Stream",
        TAG_THREAD,
        streams=True,
        query={"stream_mode": "string", "cancel_on_disconnect": "boolean"},
        access=on("threads", "read"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/runs/{run_id}/cancel",
        cancel_run,
        "Cancel Run",
        TAG_THREAD,
        status=202,
        query={"wait": "boolean", "action": "string"},
        access=on("threads", "update"),
        other_responses={200: dict[str, Any]},
    ),
    Endpoint(
        "POST",
        "/runs",
        create_stateless_run,
        "Create Background Run",
        TAG_STATELESS,
        body=models.RunCreateStateless,
        response=Run,
        access=IN_HANDLER,
        errors=(400, 404),
    ),
    Endpoint(
        "POST",
        "/runs/stream",
        stream_stateless_run,
        "Create Run, Stream Output",
        TAG_STATELESS,
        body=models.RunCreateStateless,
        streams=True,
        access=IN_HANDLER,
        errors=(400, 404),
    ),
    Endpoint(
        "POST",
        "/runs/wait",
        wait_stateless_run,
        "Create Run, Wait for Output",
        TAG_STATELESS,
        body=models.RunCreateStateless,
        response=dict[str, Any],
        access=IN_HANDLER,
        errors=(400, 404),
    ),
    Endpoint(
        "POST",
        "/runs/batch",
        create_batch,
        "Create Run Batch",
        TAG_STATELESS,
        body=list[models.RunCreateStateless],
        response=RUN_LIST,
        access=IN_HANDLER,
        errors=(400, 404),
    ),
    Endpoint(
        "GET",
        "/runs/{run_id}/stream",
        join_stateless_run_stream,
        "Join Stateless Run Stream",
        TAG_STATELESS,
        streams=True,
        query={"stream_mode": "string"},
        access=IN_HANDLER,
    ),
    Endpoint(
        "POST",
        "/runs/cancel",
        cancel_runs,
        "Cancel Runs",
        TAG_STATELESS,
        body=models.RunsCancel,
        status=204,
        query={"action": "string"},
        access=IN_HANDLER,
        errors=(404,),
    ),
]
