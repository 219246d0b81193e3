"""/openapi.json built from the routes actually served and their pydantic/TypedDict types,
so the description can never drift from the server.

Every status an operation can answer is listed, with its body: the success response, the
errors every endpoint of its kind may give (422 for a bad body, query or id; 404 for a path
naming a missing resource; 413 for a body over the limit; 401 and 403 under custom auth),
and the ones its own handler raises (`Endpoint.errors`). The test suite fuzzes the server
against this description (tests/runtime/test_fuzz.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter

import studio
from studio.runtime.api.http import Endpoint
from studio.runtime.config import AuthConfig

_REF = "#/components/schemas/{model}"
_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "title": "ErrorResponse",
}
_UUID = {"type": "string", "format": "uuid"}
# Path parameters that are ids: UUIDs, unless an endpoint says otherwise (`path_params`).
_ID_PARAMS = frozenset({"thread_id", "run_id", "cron_id", "assistant_id"})
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Body Too Large",
    422: "Validation Error",
    500: "Internal Server Error",
}
_QUERY_TYPES = {"array": {"type": "array", "items": {"type": "string"}}}


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(tp).json_schema(ref_template=_REF)
    components.update(schema.pop("$defs", {}))
    title = schema.get("title")
    if schema.get("type") == "object" and isinstance(title, str) and "properties" in schema:
        components[title] = schema
        return {"$ref": _REF.format(model=title)}
    return schema


def _selectable(endpoint: Endpoint) -> bool:
    """Whether the client may choose the fields returned (`select`)."""
    body = endpoint.body
    in_body = (
        isinstance(body, type) and issubclass(body, BaseModel) and "select" in body.model_fields
    )
    return in_body or "select" in endpoint.query


def _partial(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A list of rows whose fields a `select` may narrow: each row is the whole model, or any
    subset of its fields."""
    ref = schema.get("items", {}).get("$ref")
    if schema.get("type") != "array" or ref is None:
        return schema
    name = ref.rsplit("/", 1)[1]
    selection = f"{name}Selection"
    full = components[name]
    components[selection] = {
        **{k: v for k, v in full.items() if k != "required"},
        "title": selection,
        "description": f"The fields of {name} that `select` named.",
    }
    items = {"anyOf": [{"$ref": ref}, {"$ref": _REF.format(model=selection)}]}
    return {**schema, "items": items}


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in re.findall(r"{(\w+)}", endpoint.path):
        schema = endpoint.path_params.get(name) or (
            _UUID if name in _ID_PARAMS else {"type": "string"}
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": dict(schema)})
    for name, kind in endpoint.query.items():
        schema = _QUERY_TYPES.get(kind, {"type": kind})
        parameters.append({"name": name, "in": "query", "required": False, "schema": schema})
    return parameters


def _error_statuses(endpoint: Endpoint, auth: bool) -> set[int]:
    statuses = set(endpoint.errors)
    if endpoint.body is not None:
        statuses |= {413, 422}
    if endpoint.query or "{" in endpoint.path:
        statuses.add(422)
    if any(name in _ID_PARAMS for name in re.findall(r"{(\w+)}", endpoint.path)):
        statuses.add(404)
    if auth and not endpoint.access.public:
        statuses |= {401, 403}
    return statuses


def _success(
    endpoint: Endpoint, tp: Any, components: dict[str, Any], description: str = "Success"
) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if endpoint.streams:
        response["content"] = {"text/event-stream": {"schema": {"type": "string"}}}
    elif tp is not None:
        schema = _schema(tp, components)
        if _selectable(endpoint):
            schema = _partial(schema, components)
        response["content"] = {"application/json": {"schema": schema}}
    elif endpoint.path == "/docs":
        response["content"] = {"text/html": {"schema": {"type": "string"}}}
    return response


def _operation(endpoint: Endpoint, components: dict[str, Any], auth: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [endpoint.tag],
        "summary": endpoint.summary,
        "operationId": f"{endpoint.method.lower()}_{endpoint.handler.__name__}",
        "parameters": _parameters(endpoint),
    }
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(endpoint.body, components)}},
        }
    responses = {str(endpoint.status): _success(endpoint, endpoint.response, components)}
    for status, tp in endpoint.other_responses.items():
        description = _REASONS[status] if status >= 400 else "Success"
        responses[str(status)] = _success(endpoint, tp, components, description)
    error = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorResponse")}}}
    for status in sorted(_error_statuses(endpoint, auth)):
        responses[str(status)] = {"description": _REASONS[status], "content": error}
    operation["responses"] = responses
    if auth and endpoint.access.public:
        operation["security"] = []  # open to anyone, whatever the project's scheme
    return operation


def build_openapi(endpoints: Iterable[Endpoint], auth: AuthConfig | None = None) -> dict[str, Any]:
    """The description of `endpoints`; with custom auth, the project's `auth.openapi`
    (`securitySchemes`, `security`) is merged in, as LangGraph Server does."""
    protected = auth is not None and auth.path is not None
    components: dict[str, Any] = {"ErrorResponse": _ERROR}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, components, protected
        )
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "lg-studio",
            "version": studio.__version__,
            "description": "A LangGraph Server compatible API served by lg-studio.",
        },
        "paths": paths,
        "components": {"schemas": components},
    }
    project_spec = (auth.openapi if auth is not None else None) or {}
    if "securitySchemes" in project_spec:
        spec["components"]["securitySchemes"] = project_spec["securitySchemes"]
    if "security" in project_spec:
        spec["security"] = project_spec["security"]
    return spec
