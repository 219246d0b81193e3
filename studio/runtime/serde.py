"""JSON on the wire: orjson, with the conversions LangGraph Server applies to graph values.

Graph state holds LangChain messages (pydantic models), dataclasses, `Send`, UUIDs, sets and
exceptions; clients expect them in the shapes LangGraph Server produces, so `default` follows
its rules (model_dump for models, `{"node", "args"}` for Send, `{"error", "message"}` for
exceptions with the message hidden unless the exception type is known to carry no secrets).
"""

from __future__ import annotations

import uuid
from base64 import b64encode
from collections import deque
from collections.abc import Mapping
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import PurePath
from re import Pattern
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from langgraph.errors import EmptyInputError, GraphBubbleUp, InvalidUpdateError, TaskNotFound
from langgraph.types import Send

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

# Exception types whose message is shown to clients; others become "An internal error occurred".
PUBLIC_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RuntimeError,
    RecursionError,
    TimeoutError,
    InvalidUpdateError,
    GraphBubbleUp,
    EmptyInputError,
    TaskNotFound,
)


def error_payload(exc: BaseException) -> dict[str, str]:
    """The `{"error", "message"}` body LangGraph Server sends for an exception."""
    if isinstance(exc, PUBLIC_ERRORS) or getattr(exc, "status_code", None):
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"error": type(exc).__name__, "message": "An internal error occurred"}


def _decimal(value: Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    if not value.is_finite() or (isinstance(exponent, int) and exponent < 0):
        return float(value)
    return int(value)


def _default(obj: Any) -> Any:
    if isinstance(obj, Send):
        return {"node": obj.node, "args": obj.arg}
    if hasattr(obj, "model_dump") and callable(obj.model_dump) and not isinstance(obj, type):
        return obj.model_dump()
    if hasattr(obj, "dict") and callable(obj.dict) and not isinstance(obj, type):
        return obj.dict()
    if hasattr(obj, "_asdict") and callable(obj._asdict) and not isinstance(obj, type):
        return obj._asdict()
    if isinstance(obj, BaseException):
        return error_payload(obj)
    if isinstance(obj, set | frozenset | deque):
        return list(obj)
    if isinstance(obj, timezone | ZoneInfo):
        return obj.tzname(None)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, Decimal):
        return _decimal(obj)
    if isinstance(obj, uuid.UUID | PurePath):
        return str(obj)
    if isinstance(obj, Pattern):
        return obj.pattern
    if isinstance(obj, bytes | bytearray):
        return b64encode(obj).decode()
    return None


def _scrub_surrogates(value: Any) -> Any:
    """Replace lone surrogates, which orjson refuses and no client could decode."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, Mapping):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_scrub_surrogates(v) for v in value]
    return value


def dumps(obj: Any) -> bytes:
    """Serialize anything a graph can hold; NUL characters become U+FFFD."""
    try:
        data = orjson.dumps(obj, default=_default, option=_OPTIONS)
    except TypeError as exc:
        if "surrogates not allowed" not in str(exc):
            raise
        data = orjson.dumps(_scrub_surrogates(obj), default=_default, option=_OPTIONS)
    if b"\\u0000" not in data:
        return data
    return data.replace(b"\\\\u0000", b"\\\\ufffd").replace(b"\\u0000", b"\\ufffd")


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def to_jsonable(obj: Any) -> Any:
    """A plain-JSON copy of a graph value, for storing it in a JSON column."""
    return orjson.loads(dumps(obj))
