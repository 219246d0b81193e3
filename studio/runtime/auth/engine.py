"""Running a project's `langgraph_sdk.Auth`: authenticate a request, then authorize each
action on a resource, exactly as LangGraph Server dispatches them.

`authenticate` gets the parameters it names (request, headers, authorization, path, ...)
and returns a user; an `Auth.exceptions.HTTPException` it raises becomes the response (401 by
default). For an action, exactly one handler runs, the most specific registered:
(resource, action), (resource, "*"), ("*", action), ("*", "*"), then a global `@auth.on`.
Its result allows (None, True), refuses (False: 403), or narrows (a filter on metadata);
handlers may also change `value` (e.g. add `metadata.owner`) and the server stores the change.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import orjson
from langgraph_sdk import Auth
from langgraph_sdk.auth.types import AuthContext, BaseUser
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from studio.runtime.auth.caller import Caller
from studio.runtime.auth.filters import Filter, FilterError, validate
from studio.runtime.auth.user import StudioAuthUser, normalize_result
from studio.runtime.config import ConfigError, Project
from studio.runtime.errors import ApiError
from studio.runtime.graphs import import_attribute

logger = logging.getLogger(__name__)

AUTHENTICATE_PARAMETERS = frozenset(
    {
        "request",
        "body",
        "user",
        "path",
        "method",
        "scopes",
        "path_params",
        "query_params",
        "headers",
        "authorization",
        "scope",
    }
)
# Every (resource, action) the API authorizes; a project that covers only some is warned.
ACTIONS = {
    "assistants": ("create", "read", "update", "delete", "search"),
    "threads": ("create", "read", "update", "delete", "search", "create_run"),
    "crons": ("create", "read", "update", "delete", "search"),
    "store": ("put", "get", "search", "delete", "list_namespaces"),
}


class AuthEngine:
    """The project's Auth object, ready to run on requests."""

    def __init__(self, auth: Auth, *, studio_access: bool) -> None:
        if auth._authenticate_handler is None:
            raise ConfigError(
                "The Auth object has no @auth.authenticate handler; add one, e.g.\n"
                "@auth.authenticate\nasync def authenticate(authorization: str) -> str: ..."
            )
        self._auth = auth
        # Typed async by the SDK, but LangGraph Server runs a plain function too (in a thread).
        self._authenticate: Callable[..., Any] = auth._authenticate_handler
        self._parameters = _parameters(self._authenticate)
        self._studio_access = studio_access
        _warn_on_missing_handlers(auth)

    @classmethod
    def load(cls, project: Project, *, loopback: bool) -> AuthEngine | None:
        """The engine for `auth.path` of langgraph.json, or None without one. Imports user
        code: call it off the event loop. The studio on this machine is let in without a
        token (as `langgraph dev` lets its Studio in) only on a loopback server."""
        settings = project.file.auth
        if settings is None or settings.path is None:
            return None
        try:
            auth = import_attribute(project.root, settings.path)
        except Exception as exc:
            raise ConfigError(f"auth.path '{settings.path}' cannot be loaded: {exc}") from exc
        if not isinstance(auth, Auth):
            raise ConfigError(
                f"auth.path '{settings.path}' is a {type(auth).__name__}, not a "
                "langgraph_sdk.Auth (create it with `auth = Auth()`)"
            )
        return cls(auth, studio_access=loopback and not settings.disable_studio_auth)

    async def authenticate(self, request: Request) -> Caller:
        """The caller of `request`, or an ApiError (401 unless the handler said otherwise)."""
        if self._studio_access and request.headers.get("x-auth-scheme") == "langsmith":
            return Caller(StudioAuthUser())
        arguments = await self._arguments(request)
        try:
            if inspect.iscoroutinefunction(self._authenticate):
                result = await self._authenticate(**arguments)
            else:
                result = await run_in_threadpool(self._authenticate, **arguments)
        except (Auth.exceptions.HTTPException, HTTPException) as exc:
            raise _refusal(exc) from None
        except Exception as exc:
            logger.exception("The auth handler's authenticate failed")
            raise ApiError(
                500, f"Authentication failed in the project's auth handler ({type(exc).__name__})"
            ) from None
        try:
            user, permissions = normalize_result(result)
        except TypeError as exc:
            raise ApiError(500, f"The project's authenticate handler is wrong: {exc}") from None
        return Caller(user, tuple(permissions))

    async def _arguments(self, request: Request) -> dict[str, Any]:
        values: dict[str, Callable[[], Any]] = {
            "request": lambda: request,
            "user": lambda: request.scope.get("user"),
            "path": lambda: request.url.path,
            "method": lambda: request.method,
            "scopes": lambda: [],
            "path_params": lambda: dict(request.path_params),
            "query_params": lambda: request.query_params,
            "headers": lambda: dict(request.scope["headers"]),
            "authorization": lambda: request.headers.get("authorization"),
            "scope": lambda: request.scope,
        }
        arguments = {name: values[name]() for name in self._parameters if name != "body"}
        if "body" in self._parameters:
            arguments["body"] = await _json_body(request)
        return arguments

    async def authorize(
        self, caller: Caller, resource: str, action: str, value: dict[str, Any]
    ) -> Filter | None:
        """Run the one handler for (resource, action) on `value` (which it may change): None
        to go ahead unfiltered, a filter on metadata, or an ApiError (403 when refused)."""
        handler = self._handler(resource, action)
        if handler is None:
            return None
        context = AuthContext(
            user=cast(BaseUser, caller.user),
            permissions=list(caller.permissions),
            resource=cast(Any, resource),
            action=cast(Any, action),
        )
        try:
            result = await handler(ctx=context, value=value)
        except Auth.exceptions.HTTPException as exc:
            raise _refusal(exc) from None
        except AssertionError as exc:
            raise ApiError(403, str(exc) or "Forbidden") from None
        except Exception as exc:
            logger.exception("The auth handler for %s.%s failed", resource, action)
            raise ApiError(
                500,
                f"The project's auth handler for {resource}.{action} failed "
                f"({type(exc).__name__}); see the server log.",
            ) from None
        if result is None or result is True:
            return None
        if result is False:
            raise ApiError(403, "Forbidden")
        if not isinstance(result, Mapping):
            raise ApiError(
                500,
                f"The project's auth handler for {resource}.{action} returned a "
                f"{type(result).__name__}; expected None, a bool or a filter dict.",
            )
        if resource != "store":  # a store filter is the store's own (`$gt`, ...), checked there
            try:
                validate(result)
            except FilterError as exc:
                raise ApiError(500, str(exc)) from None
        return result

    def _handler(self, resource: str, action: str) -> Any:
        handlers = self._auth._handlers
        for key in ((resource, action), (resource, "*"), ("*", action), ("*", "*")):
            if key in handlers:
                return handlers[key][-1]
        global_handlers = self._auth._global_handlers
        return global_handlers[-1] if global_handlers else None


async def _json_body(request: Request) -> Any:
    """The parsed body for an `authenticate(body)`; None when there is no JSON body (the
    route answers a malformed one with its own 422)."""
    raw = await request.body()
    try:
        return orjson.loads(raw) if raw.strip() else None
    except orjson.JSONDecodeError:
        return None


def _refusal(exc: Auth.exceptions.HTTPException | HTTPException) -> ApiError:
    return ApiError(exc.status_code, str(exc.detail), dict(exc.headers or {}))


def _parameters(handler: Callable[..., Any]) -> frozenset[str]:
    """The names `authenticate` asks for; ConfigError if it requires one we cannot give."""
    signature = inspect.signature(handler)
    unknown = [
        name
        for name, parameter in signature.parameters.items()
        if name not in AUTHENTICATE_PARAMETERS and parameter.default is parameter.empty
    ]
    if unknown:
        raise ConfigError(
            f"@auth.authenticate asks for {', '.join(unknown)}; it may take "
            f"{', '.join(sorted(AUTHENTICATE_PARAMETERS))}"
        )
    return frozenset(name for name in signature.parameters if name in AUTHENTICATE_PARAMETERS)


def _warn_on_missing_handlers(auth: Auth) -> None:
    """Actions no handler covers are allowed to every authenticated user (LangGraph Server
    fails open too): say so at start-up, where a forgotten handler is still cheap."""
    handlers = auth._handlers
    if auth._global_handlers or ("*", "*") in handlers:
        return
    missing = [
        f"{resource}.{action}"
        for resource, actions in ACTIONS.items()
        for action in actions
        if not {(resource, action), (resource, "*"), ("*", action)} & handlers.keys()
    ]
    if missing:
        logger.warning(
            "Custom auth has no handler for %s: every authenticated user may do these to any "
            "resource. Add a default-deny `@auth.on` handler and allow per resource.",
            ", ".join(missing),
        )
