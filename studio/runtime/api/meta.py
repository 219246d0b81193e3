"""Health, server information, and the API's own description."""

from __future__ import annotations

from typing import Any

import langgraph.version
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

import studio
from studio.runtime import API_COMPAT_VERSION
from studio.runtime.api.access import PUBLIC
from studio.runtime.api.http import Endpoint, json_response, query_bool, runtime
from studio.runtime.api.openapi import build_openapi
from studio.runtime.errors import ApiError
from studio.runtime.storage.base import ThreadQuery

DOCS_PAGE = """<!doctype html>
<html>
<head><title>lg-studio API</title><meta charset="utf-8"/></head>
<body>
<noscript>The API description is at <a href="./openapi.json">/openapi.json</a>.</noscript>
<h1>lg-studio API</h1>
<p>This server speaks the LangGraph Server API. Its OpenAPI description is at
<a href="./openapi.json">/openapi.json</a>; every path, request body and response shape
is listed there.</p>
<ul id="paths"></ul>
<script>
fetch("./openapi.json").then(r => r.json()).then(spec => {
  const list = document.getElementById("paths");
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const item = document.createElement("li");
      item.textContent = `${method.toUpperCase()} ${path} - ${op.summary || ""}`;
      list.appendChild(item);
    }
  }
});
</script>
</body>
</html>
"""


async def ok(request: Request) -> Response:
    rt = runtime(request)
    if query_bool(request, "check_db"):
        try:
            await rt.storage.count_threads(ThreadQuery(limit=1))
        except Exception as exc:
            raise ApiError(500, f"Storage is not answering: {exc}") from None
    return json_response({"ok": True, "services": {}})


async def info(request: Request) -> Response:
    rt = runtime(request)
    body: dict[str, Any] = {
        "version": API_COMPAT_VERSION,
        "lg_studio_version": studio.__version__,
        "langgraph_py_version": langgraph.version.__version__,
        "flags": {"assistants": True, "crons": True, "langsmith": False},
        "host": {
            "kind": "lg-studio",
            "project_id": None,
            "host_revision_id": None,
            "revision_id": None,
            "tenant_id": None,
        },
        "graphs": {graph_id: {"loaded": True} for graph_id in rt.registry.graph_ids},
        "graph_errors": [error.as_dict() for error in rt.registry.errors],
    }
    for error in rt.registry.errors:
        body["graphs"][error.graph_id] = {"loaded": False, "error": error.message}
    return json_response(body)


async def openapi(request: Request) -> Response:
    """Built on first request, not at start-up: it takes ~90 ms that /ok need not wait for."""
    state = request.app.state
    if getattr(state, "openapi", None) is None:
        state.openapi = build_openapi(state.endpoints, runtime(request).project.file.auth)
    return json_response(state.openapi)


async def docs(request: Request) -> Response:
    return HTMLResponse(DOCS_PAGE)


TAG = "System"
ENDPOINTS = [
    Endpoint(
        "GET",
        "/ok",
        ok,
        "Health Check",
        TAG,
        response=dict[str, Any],
        query={"check_db": "boolean"},
        errors=(500,),
        access=PUBLIC,
    ),
    Endpoint("GET", "/", ok, "Health Check", TAG, response=dict[str, Any], access=PUBLIC),
    Endpoint(
        "GET", "/info", info, "Server Information", TAG, response=dict[str, Any], access=PUBLIC
    ),
    Endpoint(
        "GET",
        "/openapi.json",
        openapi,
        "OpenAPI Description",
        TAG,
        response=dict[str, Any],
        access=PUBLIC,
    ),
    Endpoint("GET", "/docs", docs, "API Documentation", TAG, access=PUBLIC),
]
