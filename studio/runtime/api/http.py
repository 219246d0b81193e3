"""The small HTTP toolkit every route module shares: errors, bodies, params, responses.

Errors are always `{"detail": "<what to fix>"}` with 404 naming the missing thing, 409 for
conflicts and 422 naming the bad field, as LangGraph Server answers; validation never lets a
bad request reach a handler, so bad input cannot become a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from studio.runtime import ids, serde
from studio.runtime.api.access import Access
from studio.runtime.api.json_body import parse_json_body
from studio.runtime.context import Runtime
from studio.runtime.errors import ApiError

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[Request], Awaitable[Response]]


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return serde.dumps(content)


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return JsonResponse(content, status_code=status_code, headers=dict(headers or {}))


def no_content() -> Response:
    return Response(status_code=204)


def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


def describe_validation_error(exc: ValidationError, where: str = "body") -> str:
    """One line per problem, naming the field: what a person needs to fix the request."""
    problems = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(p) for p in error["loc"])
        field_name = f"{where}.{location}" if location else where
        if error["type"] == "missing":
            problems.append(f"{field_name}: field required")
        else:
            got = error.get("input")
            shown = orjson.dumps(got, default=str).decode()[:80] if got is not None else "null"
            problems.append(f"{field_name}: {error['msg']} (got {shown})")
    return "Invalid request: " + "; ".join(problems)


async def read_json(request: Request) -> Any:
    return await parse_json_body(await request.body(), request.headers.get("content-type"))


async def parse_body(request: Request, model: type[M]) -> M:
    data = await read_json(request)
    return validate(model, data)


def validate(model: type[M], data: Any, where: str = "body") -> M:
    if not isinstance(data, dict):
        raise ApiError(422, f"Invalid request: {where} must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, describe_validation_error(exc, where)) from None


def path_uuid(request: Request, name: str, label: str) -> str:
    """A UUID path parameter in canonical form, or 422 naming it."""
    canonical = ids.canonical_uuid(request.path_params[name])
    if canonical is None:
        raise ApiError(422, f"Invalid {label} ID: must be a UUID")
    return canonical


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise ApiError(422, f"Invalid query parameter {name}: expected true or false, got '{value}'")


def query_int(request: Request, name: str, default: int, *, minimum: int = 0) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(
            422, f"Invalid query parameter {name}: expected an integer, got '{value}'"
        ) from None
    if number < minimum:
        raise ApiError(422, f"Invalid query parameter {name}: must be >= {minimum}")
    return number


def query_list(request: Request, *names: str) -> list[str]:
    """A list parameter sent as repeated keys, a JSON array, or a comma list (clients send
    all three: the Python SDK repeats keys, other clients send arrays)."""
    values: list[str] = []
    for name in names:
        for value in request.query_params.getlist(name):
            if value.startswith("["):
                try:
                    parsed = orjson.loads(value)
                except orjson.JSONDecodeError:
                    raise ApiError(422, f"Invalid {name}: {value}") from None
                values.extend(str(v) for v in parsed)
            else:
                values.extend(v for v in value.split(",") if v)
    return values


def pagination_headers(offset: int, returned: int, total: int) -> dict[str, str]:
    """`X-Pagination-Total` (a real total, unlike the reference) and `-Next` when more rows."""
    headers = {"X-Pagination-Total": str(total)}
    if offset + returned < total:
        headers["X-Pagination-Next"] = str(offset + returned)
    return headers


def heartbeat(request: Request) -> float:
    """Seconds of silence after which a stream sends a keep-alive."""
    return runtime(request).project.file.lg_studio.heartbeat_seconds


def configurable_headers(request: Request) -> dict[str, str]:
    """The request headers the project lets graphs read from `configurable`."""
    return runtime(request).header_policy.configurable(request.headers)


def select_fields(rows: list[Any], select: list[str] | None) -> list[Any]:
    if not select:
        return rows
    return [{k: v for k, v in row.items() if k in select} for row in rows]


@dataclass(frozen=True)
class Endpoint:
    """One served route, who may call it, and what /openapi.json says about it."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: Any = None
    """The request body: a pydantic model (or a list of one)."""
    response: Any = None
    status: int = 200
    query: Mapping[str, str] = field(default_factory=dict)
    streams: bool = False
    errors: tuple[int, ...] = ()
    """Error statuses beyond those every endpoint of its kind may answer (see openapi.py)."""
    other_responses: Mapping[int, Any] = field(default_factory=dict)
    """Other success statuses and their bodies (None: empty)."""
    path_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON schemas of path parameters, where the default (ids are UUIDs) does not hold."""
    access: Access = field(kw_only=True)
    """Required: who may call it (studio.runtime.api.access)."""
