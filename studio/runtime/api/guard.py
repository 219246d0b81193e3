"""Custom auth applied to routes: authenticate, then check the endpoint's `Access` rule.

`guarded(endpoint)` wraps a route handler; handlers that authorize themselves read the caller
with `caller(request)` and run a project handler with `authorize(...)`. Without custom auth
both are free: the caller is anonymous and everything is allowed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from studio.runtime import ids
from studio.runtime.api.access import Resource
from studio.runtime.api.http import Endpoint, Handler, runtime
from studio.runtime.auth.caller import ANONYMOUS, Caller
from studio.runtime.auth.filters import Filter, matches
from studio.runtime.auth.user import StudioAuthUser
from studio.runtime.context import Runtime
from studio.runtime.errors import ApiError
from studio.runtime.services.authz import authorize as service_authorize

ID_PARAMS: dict[Resource, str] = {
    "threads": "thread_id",
    "assistants": "assistant_id",
    "crons": "cron_id",
}


def caller(request: Request) -> Caller:
    """Who made the request (anonymous without custom auth)."""
    found: Caller = getattr(request.state, "caller", ANONYMOUS)
    return found


async def authorize(
    request: Request, resource: Resource, action: str, value: dict[str, Any]
) -> Filter | None:
    """Run the project's handler for (resource, action) on `value`, which it may change."""
    return await service_authorize(runtime(request), caller(request), resource, action, value)


def missing(resource: Resource, resource_id: str) -> ApiError:
    """The 404 of a resource that does not exist, or that the caller may not see."""
    if resource == "threads":
        return ApiError(404, f"Thread with ID {resource_id} not found")
    if resource == "assistants":
        return ApiError(404, f"Assistant '{resource_id}' not found")
    return ApiError(404, f"Cron '{resource_id}' not found")


def guarded(endpoint: Endpoint) -> Handler:
    """The endpoint's handler behind its access rule."""
    access = endpoint.access

    async def handle(request: Request) -> Response:
        engine = runtime(request).auth
        if engine is not None and not access.public:
            request.state.caller = who = await engine.authenticate(request)
            if access.studio_only and not isinstance(who.user, StudioAuthUser):
                raise ApiError(
                    403, "Only the studio on this machine may call this endpoint under custom auth"
                )
            if access.resource is not None and access.action is not None:
                await _check(request, who, access.resource, access.action)
        return await endpoint.handler(request)

    handle.__name__ = endpoint.handler.__name__
    return handle


async def _check(request: Request, who: Caller, resource: Resource, action: str) -> None:
    """Run the handler for `action` on the resource the path names; a resource its filter
    hides is answered 404, as if it did not exist (LangGraph Server answers a hidden thread's
    state update 404 too: it reads the thread first)."""
    rt = runtime(request)
    raw = request.path_params.get(ID_PARAMS[resource]) if resource in ID_PARAMS else None
    resource_id = _canonical(rt, resource, raw)
    if resource_id is None:
        return  # the handler answers an invalid id with 422
    value: dict[str, Any] = {ID_PARAMS[resource]: resource_id}
    run_id = ids.canonical_uuid(request.path_params.get("run_id", "") or "")
    if run_id is not None:
        value["run_id"] = run_id
        if action == "update":  # cancelling the run
            value["action"] = request.query_params.get("action") or "interrupt"
    assert rt.auth is not None, "only called under custom auth"
    filters = await rt.auth.authorize(who, resource, action, value)
    if not filters:
        return
    metadata = await _metadata(rt, resource, resource_id)
    if metadata is not None and not matches(metadata, filters):
        raise missing(resource, resource_id)


def _canonical(rt: Runtime, resource: Resource, raw: str | None) -> str | None:
    if raw is None:
        return None
    if resource == "assistants":
        raw = rt.registry.resolve_assistant_id(raw)  # graph endpoints take a graph id
    return ids.canonical_uuid(raw)


async def _metadata(rt: Runtime, resource: Resource, resource_id: str) -> dict[str, Any] | None:
    """The metadata filters apply to; None if there is no such resource (the handler 404s)."""
    if resource == "threads":
        thread = await rt.storage.get_thread(resource_id)
        return None if thread is None else thread["metadata"]
    if resource == "assistants":
        assistant = await rt.storage.get_assistant(resource_id)
        return None if assistant is None else assistant["metadata"]
    cron = await rt.storage.get_cron(resource_id)
    return None if cron is None else cron["metadata"]
