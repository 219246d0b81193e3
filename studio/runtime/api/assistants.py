"""Routes of /assistants."""

from __future__ import annotations

from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from starlette.requests import Request
from starlette.responses import Response

from studio.protocol.schema import Assistant, AssistantVersion, GraphSchema
from studio.runtime import ids
from studio.runtime.api import models
from studio.runtime.api.access import IN_HANDLER, on
from studio.runtime.api.guard import authorize, caller, missing
from studio.runtime.api.http import (
    Endpoint,
    configurable_headers,
    json_response,
    no_content,
    pagination_headers,
    parse_body,
    path_uuid,
    query_bool,
    runtime,
    select_fields,
)
from studio.runtime.auth.filters import matches
from studio.runtime.errors import ApiError, not_found
from studio.runtime.graphs import Graph
from studio.runtime.schemas import drawable_graph, graph_schemas
from studio.runtime.services import assistants as service
from studio.runtime.storage.base import AssistantQuery


async def create_assistant(request: Request) -> Response:
    body = await parse_body(request, models.AssistantCreate)
    rt = runtime(request)
    assistant_id = None if body.assistant_id is None else ids.canonical_uuid(body.assistant_id)
    if body.assistant_id is not None and assistant_id is None:
        raise ApiError(422, "Invalid assistant ID: must be a UUID")
    value = {**body.model_dump(), "assistant_id": assistant_id, "metadata": body.metadata or {}}
    filters = await authorize(request, "assistants", "create", value)
    if filters and assistant_id is not None:
        existing = await rt.storage.get_assistant(assistant_id)
        if existing is not None and not matches(existing["metadata"], filters):
            raise ApiError(409, f"Assistant '{assistant_id}' already exists")
    assistant = await service.create_assistant(
        rt,
        graph_id=body.graph_id,
        assistant_id=assistant_id,
        config=body.config,
        context=body.context,
        metadata=value["metadata"],
        if_exists=body.if_exists,
        name=body.name,
        description=body.description,
    )
    return json_response(assistant)


async def _query(request: Request, body: models.AssistantCount, **page: Any) -> AssistantQuery:
    """The search a caller may make: what they asked for, narrowed by custom auth."""
    value = {"graph_id": body.graph_id, "metadata": body.metadata or {}, **page}
    filters = await authorize(request, "assistants", "search", value)
    return AssistantQuery(
        graph_id=body.graph_id,
        name=body.name,
        metadata=body.metadata,
        auth=None if filters is None else dict(filters),
        **page,
    )


async def search_assistants(request: Request) -> Response:
    body = await parse_body(request, models.AssistantSearch)
    rt = runtime(request)
    if body.graph_id is not None:
        service.require_graph(rt, body.graph_id)
    page = await rt.storage.search_assistants(
        await _query(
            request,
            body,
            sort_by=body.sort_by or "created_at",
            sort_order=body.sort_order or "desc",
            limit=body.limit,
            offset=body.offset,
        )
    )
    return json_response(
        select_fields(list(page.rows), list(body.select or [])),
        headers=pagination_headers(body.offset, len(page.rows), page.total),
    )


async def count_assistants(request: Request) -> Response:
    body = await parse_body(request, models.AssistantCount)
    query = await _query(request, body)
    return json_response(await runtime(request).storage.count_assistants(query))


async def get_assistant(request: Request) -> Response:
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    return json_response(await service.get_assistant(runtime(request), assistant_id))


async def patch_assistant(request: Request) -> Response:
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    body = await parse_body(request, models.AssistantPatch)
    changes = body.model_dump(exclude_unset=True)
    rt = runtime(request)
    value = {**body.model_dump(), "assistant_id": assistant_id, "metadata": body.metadata or {}}
    filters = await authorize(request, "assistants", "update", value)
    if filters:
        current = await rt.storage.get_assistant(assistant_id)
        if current is not None and not matches(current["metadata"], filters):
            raise missing("assistants", assistant_id)
    if value["metadata"]:
        changes["metadata"] = value["metadata"]
    return json_response(await service.patch_assistant(rt, assistant_id, changes))


async def delete_assistant(request: Request) -> Response:
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    await service.delete_assistant(
        runtime(request),
        assistant_id,
        delete_threads=query_bool(request, "delete_threads"),
        caller=caller(request),
    )
    return no_content()


def _xray(request: Request) -> bool | int:
    value = request.query_params.get("xray")
    if not value or value in ("false", "False"):
        return False
    if value in ("true", "True"):
        return True
    try:
        depth = int(value)
    except ValueError:
        depth = 0
    if depth <= 0:
        raise ApiError(422, "Invalid xray value: expected true, false or a positive depth")
    return depth


def _assistant_config(request: Request, assistant: Assistant) -> RunnableConfig:
    config: dict[str, Any] = dict(assistant["config"])
    config["configurable"] = {
        **(config.get("configurable") or {}),
        **configurable_headers(request),
    }
    return cast(RunnableConfig, config)


async def get_graph(request: Request) -> Response:
    rt = runtime(request)
    assistant = await service.resolve_assistant(rt, request.path_params["assistant_id"])
    xray = _xray(request)
    config = _assistant_config(request, assistant)
    async with rt.registry.graph(assistant["graph_id"], config) as graph:
        try:
            return json_response(await drawable_graph(graph, xray))
        except NotImplementedError:
            raise ApiError(422, "The graph does not support visualization") from None


async def get_schemas(request: Request) -> Response:
    rt = runtime(request)
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    assistant = await service.get_assistant(rt, assistant_id)
    config = _assistant_config(request, assistant)
    async with rt.registry.graph(assistant["graph_id"], config) as graph:
        return json_response({"graph_id": assistant["graph_id"], **graph_schemas(graph)})


async def get_subgraphs(request: Request) -> Response:
    rt = runtime(request)
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    assistant = await service.get_assistant(rt, assistant_id)
    config = _assistant_config(request, assistant)
    namespace = request.path_params.get("namespace")
    recurse = query_bool(request, "recurse")
    async with rt.registry.graph(assistant["graph_id"], config) as graph:
        found = {
            ns: graph_schemas(cast(Graph, subgraph))
            async for ns, subgraph in graph.aget_subgraphs(namespace=namespace, recurse=recurse)
        }
    return json_response(found)


async def list_versions(request: Request) -> Response:
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    body = await parse_body(request, models.AssistantVersionsSearch)
    versions = await runtime(request).storage.assistant_versions(
        assistant_id, body.metadata, body.limit, body.offset
    )
    if not versions:
        raise not_found(f"Assistant '{assistant_id}' not found")
    return json_response(versions)


async def set_latest(request: Request) -> Response:
    assistant_id = path_uuid(request, "assistant_id", "assistant")
    body = await parse_body(request, models.AssistantVersionChange)
    assistant = await runtime(request).storage.set_assistant_version(
        assistant_id, body.version, ids.now_iso()
    )
    if assistant is None:
        raise not_found(f"Assistant '{assistant_id}' has no version {body.version}")
    return json_response(assistant)


TAG = "Assistants"
GRAPH_OR_ASSISTANT = {"type": "string", "description": "An assistant id (UUID), or a graph id."}
ENDPOINTS = [
    Endpoint(
        "POST",
        "/assistants",
        create_assistant,
        "Create Assistant",
        TAG,
        body=models.AssistantCreate,
        response=Assistant,
        access=IN_HANDLER,
        errors=(400, 404, 409),
    ),
    Endpoint(
        "POST",
        "/assistants/search",
        search_assistants,
        "Search Assistants",
        TAG,
        body=models.AssistantSearch,
        response=list[Assistant],
        access=IN_HANDLER,
        errors=(404,),
    ),
    Endpoint(
        "POST",
        "/assistants/count",
        count_assistants,
        "Count Assistants",
        TAG,
        body=models.AssistantCount,
        response=int,
        access=IN_HANDLER,
    ),
    Endpoint(
        "GET",
        "/assistants/{assistant_id}",
        get_assistant,
        "Get Assistant",
        TAG,
        response=Assistant,
        access=on("assistants", "read"),
    ),
    Endpoint(
        "PATCH",
        "/assistants/{assistant_id}",
        patch_assistant,
        "Patch Assistant",
        TAG,
        body=models.AssistantPatch,
        response=Assistant,
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "DELETE",
        "/assistants/{assistant_id}",
        delete_assistant,
        "Delete Assistant",
        TAG,
        status=204,
        query={"delete_threads": "boolean"},
        access=on("assistants", "delete"),
    ),
    Endpoint(
        "GET",
        "/assistants/{assistant_id}/graph",
        get_graph,
        "Get Assistant Graph",
        TAG,
        response=dict[str, Any],
        query={"xray": "string"},
        access=on("assistants", "read"),
        path_params={"assistant_id": GRAPH_OR_ASSISTANT},
    ),
    Endpoint(
        "GET",
        "/assistants/{assistant_id}/schemas",
        get_schemas,
        "Get Assistant Schemas",
        TAG,
        response=GraphSchema,
        access=on("assistants", "read"),
    ),
    Endpoint(
        "GET",
        "/assistants/{assistant_id}/subgraphs",
        get_subgraphs,
        "Get Assistant Subgraphs",
        TAG,
        response=dict[str, Any],
        query={"recurse": "boolean"},
        access=on("assistants", "read"),
    ),
    Endpoint(
        "GET",
        "/assistants/{assistant_id}/subgraphs/{namespace}",
        get_subgraphs,
        "Get Assistant Subgraphs by Namespace",
        TAG,
        response=dict[str, Any],
        query={"recurse": "boolean"},
        access=on("assistants", "read"),
    ),
    Endpoint(
        "POST",
        "/assistants/{assistant_id}/versions",
        list_versions,
        "Get Assistant Versions",
        TAG,
        body=models.AssistantVersionsSearch,
        response=list[AssistantVersion],
        access=on("assistants", "read"),
    ),
    Endpoint(
        "POST",
        "/assistants/{assistant_id}/latest",
        set_latest,
        "Set Latest Assistant Version",
        TAG,
        body=models.AssistantVersionChange,
        response=Assistant,
        access=on("assistants", "update"),
    ),
]
