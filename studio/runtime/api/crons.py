"""Routes of crons: /runs/crons (stateless), /threads/{id}/runs/crons, search, count, patch."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from studio.protocol.schema import Cron
from studio.runtime import ids
from studio.runtime.api import cron_models as models
from studio.runtime.api.access import IN_HANDLER, on
from studio.runtime.api.guard import authorize, caller, missing
from studio.runtime.api.http import (
    Endpoint,
    json_response,
    no_content,
    pagination_headers,
    parse_body,
    path_uuid,
    read_json,
    runtime,
    select_fields,
    validate,
)
from studio.runtime.auth.caller import AUTH_CONFIGURABLE
from studio.runtime.auth.filters import matches
from studio.runtime.errors import ApiError, not_found
from studio.runtime.services import crons as service
from studio.runtime.storage.base import CronQuery


def _shown(cron: Cron) -> Cron:
    """The cron as clients see it: its payload keeps the creator (whom its runs act for) in
    `configurable`, which LangGraph Server does not show (it keeps only `user_id`)."""
    configurable = (cron["payload"].get("config") or {}).get("configurable")
    if not configurable or not configurable.keys() & AUTH_CONFIGURABLE:
        return cron
    config = {
        **cron["payload"]["config"],
        "configurable": {k: v for k, v in configurable.items() if k not in AUTH_CONFIGURABLE},
    }
    return {**cron, "payload": {**cron["payload"], "config": config}}


async def create_cron(request: Request) -> Response:
    body = await parse_body(request, models.CronCreate)
    cron = await service.create_cron(runtime(request), body, None, caller(request))
    return json_response(_shown(cron))


async def create_thread_cron(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body = await parse_body(request, models.ThreadCronCreate)
    cron = await service.create_cron(runtime(request), body, thread_id, caller(request))
    return json_response(_shown(cron))


async def get_cron(request: Request) -> Response:
    cron_id = path_uuid(request, "cron_id", "cron")
    return json_response(_shown(await service.get_cron(runtime(request), cron_id)))


async def patch_cron(request: Request) -> Response:
    cron_id = path_uuid(request, "cron_id", "cron")
    sent = await read_json(request)
    body = validate(models.CronPatch, sent)
    rt = runtime(request)
    value = {"cron_id": cron_id, "payload": sent, "schedule": body.schedule}
    filters = await authorize(request, "crons", "update", value)
    if filters:
        current = await rt.storage.get_cron(cron_id)
        if current is not None and not matches(current["metadata"], filters):
            raise missing("crons", cron_id)
    return json_response(_shown(await service.update_cron(rt, cron_id, body, sent)))


async def delete_cron(request: Request) -> Response:
    cron_id = path_uuid(request, "cron_id", "cron")
    if not await runtime(request).storage.delete_cron(cron_id):
        raise not_found(f"Cron '{cron_id}' not found")
    return no_content()


def _uuid(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    canonical = ids.canonical_uuid(value)
    if canonical is None:
        raise ApiError(422, f"Invalid {label} ID: must be a UUID")
    return canonical


async def _query(request: Request, body: models.CronCount) -> CronQuery:
    """The filter of a search or count, narrowed by custom auth; an assistant may be named by
    its graph id, too."""
    assistant_id = body.assistant_id
    if assistant_id is not None:
        assistant_id = runtime(request).registry.resolve_assistant_id(assistant_id)
        assistant_id = _uuid(assistant_id, "assistant")
    thread_id = _uuid(body.thread_id, "thread")
    value: dict[str, Any] = {
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "metadata": body.metadata or {},
    }
    if isinstance(body, models.CronSearch):
        value |= {"limit": body.limit, "offset": body.offset}
    filters = await authorize(request, "crons", "search", value)
    # A thread's crons are seen only by who may see the thread (LangGraph Server's
    # Crons.search): its threads handler's read filter for one thread, else its search filter.
    if thread_id is not None:
        thread_filters = await authorize(request, "threads", "read", {"thread_id": thread_id})
    else:
        thread_filters = await authorize(request, "threads", "search", {})
    return CronQuery(
        assistant_id=assistant_id,
        thread_id=thread_id,
        metadata=body.metadata,
        auth=None if filters is None else dict(filters),
        thread_auth=None if thread_filters is None else dict(thread_filters),
    )


async def search_crons(request: Request) -> Response:
    body = await parse_body(request, models.CronSearch)
    rt = runtime(request)
    query = replace(
        await _query(request, body),
        enabled=body.enabled,
        sort_by=body.sort_by,
        sort_order=body.sort_order,
        limit=body.limit,
        offset=body.offset,
    )
    page = await rt.storage.search_crons(query)
    return json_response(
        select_fields([_shown(cron) for cron in page.rows], list(body.select or ())),
        headers=pagination_headers(body.offset, len(page.rows), page.total),
    )


async def count_crons(request: Request) -> Response:
    body = await parse_body(request, models.CronCount)
    query = await _query(request, body)
    return json_response(await runtime(request).storage.count_crons(query))


TAG = "Crons"
ENDPOINTS = [
    Endpoint(
        "POST",
        "/runs/crons",
        create_cron,
        "Create Cron",
        TAG,
        body=models.CronCreate,
        response=Cron,
        access=IN_HANDLER,
        errors=(400, 404),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/runs/crons",
        create_thread_cron,
        "Create Thread Cron",
        TAG,
        body=models.ThreadCronCreate,
        response=Cron,
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "POST",
        "/runs/crons/search",
        search_crons,
        "Search Crons",
        TAG,
        body=models.CronSearch,
        response=list[Cron],
        access=IN_HANDLER,
    ),
    Endpoint(
        "POST",
        "/runs/crons/count",
        count_crons,
        "Count Crons",
        TAG,
        body=models.CronCount,
        response=int,
        access=IN_HANDLER,
    ),
    Endpoint(
        "GET",
        "/runs/crons/{cron_id}",
        get_cron,
        "Get Cron",
        TAG,
        response=Cron,
        access=on("crons", "read"),
    ),
    Endpoint(
        "PATCH",
        "/runs/crons/{cron_id}",
        patch_cron,
        "Update Cron",
        TAG,
        body=models.CronPatch,
        response=Cron,
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "DELETE",
        "/runs/crons/{cron_id}",
        delete_cron,
        "Delete Cron",
        TAG,
        status=204,
        access=on("crons", "delete"),
    ),
]
