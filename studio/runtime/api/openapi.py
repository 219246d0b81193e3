"""/openapi.json built from the routes actually served and their pydantic/TypedDict types,
so the description can never drift from the server."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import TypeAdapter

import studio
from studio.runtime.api.http import Endpoint

_REF = "#/components/schemas/{model}"
_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "title": "ErrorResponse",
}


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(tp).json_schema(ref_template=_REF)
    components.update(schema.pop("$defs", {}))
    title = schema.get("title")
    if schema.get("type") == "object" and isinstance(title, str) and "properties" in schema:
        components[title] = schema
        return {"$ref": _REF.format(model=title)}
    return schema


def _operation(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", endpoint.path)
    ]
    for name, kind in endpoint.query.items():
        schema = (
            {"type": "array", "items": {"type": "string"}} if kind == "array" else {"type": kind}
        )
        parameters.append({"name": name, "in": "query", "required": False, "schema": schema})
    operation: dict[str, Any] = {
        "tags": [endpoint.tag],
        "summary": endpoint.summary,
        "operationId": f"{endpoint.method.lower()}_{endpoint.handler.__name__}",
        "parameters": parameters,
    }
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(endpoint.body, components)}},
        }
    success: dict[str, Any] = {"description": "Success"}
    if endpoint.streams:
        success["content"] = {"text/event-stream": {"schema": {"type": "string"}}}
    elif endpoint.response is not None:
        success["content"] = {
            "application/json": {"schema": _schema(endpoint.response, components)}
        }
    elif endpoint.path == "/docs":
        success["content"] = {"text/html": {"schema": {"type": "string"}}}
    error = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorResponse")}}}
    operation["responses"] = {
        str(endpoint.status): success,
        "404": {"description": "Not Found", "content": error},
        "409": {"description": "Conflict", "content": error},
        "422": {"description": "Validation Error", "content": error},
    }
    return operation


def build_openapi(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    components: dict[str, Any] = {"ErrorResponse": _ERROR}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, components
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lg-studio",
            "version": studio.__version__,
            "description": "A LangGraph Server compatible API served by lg-studio.",
        },
        "paths": paths,
        "components": {"schemas": components},
    }
