"""Reading a JSON request body defensively: whatever arrives is either a JSON value we can
store and send back, or a 422 naming the problem.

orjson parses up to 1024 levels of nesting but writes at most 254, and storage adds a few
levels around a run's input; so bodies may nest `MAX_DEPTH` levels, which real requests never
approach. Text may not hold NUL characters: PostgreSQL's JSON refuses them, and both storage
backends must accept the same requests. Large bodies are parsed off the event loop, as
LangGraph Server does, so one upload does not stall every stream.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from studio.runtime.errors import ApiError

MAX_DEPTH = 100
OFF_LOOP_BYTES = 100_000
"""Bodies larger than this are parsed in a worker thread."""


async def parse_json_body(raw: bytes, content_type: str | None) -> Any:
    """The JSON value of a request body; an empty body is `{}` (curl's bare `-X POST`)."""
    if not raw.strip():
        return {}
    if len(raw) > OFF_LOOP_BYTES:
        return await asyncio.to_thread(_parse, raw, content_type)
    return _parse(raw, content_type)


def _parse(raw: bytes, content_type: str | None) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        hint = ""
        if content_type and "json" not in content_type.lower():
            hint = f" (it was sent as {content_type.split(';')[0]}; the API takes application/json)"
        raise ApiError(422, f"Request body is not valid JSON: {exc}{hint}") from None
    check_value(value)
    return value


def check_value(value: Any, where: str = "body") -> None:
    """Refuse nesting deeper than MAX_DEPTH and NUL characters in keys or strings, naming
    where they are (the path is only spelled out for the error)."""
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(value, 1, ())]
    while stack:
        item, depth, trail = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise _invalid(where, trail, f"JSON nested deeper than {MAX_DEPTH} levels")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and "\x00" in key:
                    raise _invalid(where, trail, f"key {_shown(key)} contains a NUL character")
                stack.append((child, depth + 1, (trail, key)))
        elif isinstance(item, str) and "\x00" in item:
            raise _invalid(where, trail, "text contains a NUL character (U+0000)")


def _invalid(where: str, trail: tuple[Any, ...], problem: str) -> ApiError:
    return ApiError(422, f"Invalid request: {_path(where, trail)}: {problem}")


def _path(where: str, trail: tuple[Any, ...]) -> str:
    keys: list[Any] = []
    while trail:
        trail, key = trail
        keys.append(key)
    path = where
    for key in reversed(keys):
        path += f"[{key}]" if isinstance(key, int) else f".{_shown(key, quote=False)}"
    return path


def _shown(text: str, *, quote: bool = True) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    shown = shown.replace("\x00", "<U+0000>")
    return f"'{shown}'" if quote else shown
