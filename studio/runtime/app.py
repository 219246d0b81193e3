"""The ASGI application: routes, error handling, CORS, and the runtime's lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.runtime.api import (
    assistants,
    crons,
    meta,
    protocol_v2,
    runs,
    server_events,
    store,
    threads,
)
from studio.runtime.api.body_limit import BodyLimit
from studio.runtime.api.guard import guarded
from studio.runtime.api.http import Endpoint, json_response
from studio.runtime.config import Project, ServerOptions
from studio.runtime.context import Runtime
from studio.runtime.errors import ApiError
from studio.runtime.graphs import GraphNotFound
from studio.runtime.storage.base import Conflict, NotFound

logger = logging.getLogger(__name__)

ENDPOINTS: list[Endpoint] = [
    *meta.ENDPOINTS,
    *assistants.ENDPOINTS,
    *threads.ENDPOINTS,
    *runs.ENDPOINTS,
    *protocol_v2.ENDPOINTS,
    *crons.ENDPOINTS,
    *store.ENDPOINTS,
    *server_events.ENDPOINTS,
]

EXPOSED_HEADERS = ["X-Pagination-Total", "X-Pagination-Next", "Content-Location", "Location"]


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_response({"detail": exc.detail}, exc.status_code, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return json_response({"detail": exc.detail}, exc.status_code, exc.headers)


async def _storage_conflict(request: Request, exc: Exception) -> Response:
    return json_response({"detail": str(exc)}, 409)


async def _not_found(request: Request, exc: Exception) -> Response:
    return json_response({"detail": str(exc)}, 404)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Log the traceback for the operator; never show it to the client."""
    logger.exception("Unhandled error in %s %s", request.method, request.url.path)
    return json_response(
        {"detail": f"An internal error occurred ({type(exc).__name__}); see the server log."},
        500,
    )


def _cors(project: Project) -> Middleware:
    settings = (project.file.http or {}).get("cors") or {}
    return Middleware(
        CORSMiddleware,
        allow_origins=settings.get("allow_origins", ["*"]),
        allow_methods=settings.get("allow_methods", ["*"]),
        allow_headers=settings.get("allow_headers", ["*"]),
        allow_credentials=settings.get("allow_credentials", False),
        allow_origin_regex=settings.get("allow_origin_regex"),
        expose_headers=settings.get("expose_headers", EXPOSED_HEADERS),
        max_age=settings.get("max_age", 600),
    )


def create_app(project: Project, options: ServerOptions) -> Starlette:
    """The server for one project; the runtime starts with the app and stops with it."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = await Runtime.start(project, options)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.stop()

    app = Starlette(
        routes=[Route(e.path, guarded(e), methods=[e.method]) for e in ENDPOINTS],
        middleware=[
            _cors(project),
            Middleware(BodyLimit, max_bytes=project.file.lg_studio.max_body_bytes),
        ],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Conflict: _storage_conflict,
            NotFound: _not_found,
            GraphNotFound: _not_found,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.endpoints = ENDPOINTS
    return app
