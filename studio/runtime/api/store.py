"""Routes of the long-term memory store: /store/items and /store/namespaces.

They call the project's langgraph `BaseStore` (see `studio/runtime/store.py`), the one graphs
use, with LangGraph Server's request shapes. Namespace labels are checked here so a bad one is
a 422 naming it (the reference answers in plain text), and filters are checked before they
reach SQL, so a bad filter is a 422 too, never a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.store.base import NOT_PROVIDED, Item, SearchItem
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from studio.protocol import schema
from studio.runtime import ids
from studio.runtime.api.access import IN_HANDLER
from studio.runtime.api.guard import authorize
from studio.runtime.api.http import (
    Endpoint,
    json_response,
    no_content,
    parse_body,
    query_bool,
    runtime,
)
from studio.runtime.api.models import Body, JsonObject
from studio.runtime.api.store_filters import NOTHING, with_auth_filter
from studio.runtime.auth.filters import Filter
from studio.runtime.errors import ApiError

FILTER_OPERATORS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte"})
# The keys langgraph's SQLite store accepts (dots reach into nested values).
_FILTER_KEY = re.compile(r"^[a-zA-Z0-9_.-]+$")


class StorePut(Body):
    namespace: list[str]
    key: str = Field(min_length=1)
    value: JsonObject
    index: Literal[False] | list[str] | None = Field(
        default=None, description="false: not searchable by meaning; a list: the fields to embed."
    )
    ttl: float | None = Field(default=None, gt=0, description="Minutes until the item expires.")


class StoreDelete(Body):
    namespace: list[str] = Field(default_factory=list)
    key: str


class StoreSearch(Body):
    namespace_prefix: list[str] | None = None
    filter: JsonObject | None = None
    limit: int = Field(default=10, ge=1)
    offset: int = Field(default=0, ge=0)
    query: str | None = Field(default=None, description="Rank by meaning (needs store.index).")
    refresh_ttl: bool | None = None


class StoreListNamespaces(Body):
    prefix: list[str] | None = None
    suffix: list[str] | None = None
    max_depth: int | None = Field(default=None, ge=1)
    limit: int = Field(default=100, ge=1)
    offset: int = Field(default=0, ge=0)


def _namespace(labels: list[str] | None, field: str, *, required: bool = False) -> tuple[str, ...]:
    for i, label in enumerate(labels or ()):
        if not label or "." in label or "\x00" in label:
            raise ApiError(
                422,
                f"Invalid request: {field}[{i}]: Namespace label {label!r} must be a "
                "non-empty string without periods",
            )
    if required and not labels:
        raise ApiError(400, f"Invalid request: {field}: Namespace cannot be empty.")
    return tuple(labels or ())


def _check_filter(conditions: dict[str, Any] | None) -> None:
    for key, value in (conditions or {}).items():
        if not _FILTER_KEY.match(key):
            raise ApiError(
                422,
                f"Invalid request: body.filter.{key}: filter keys may hold only letters, digits, "
                "'_', '-' and '.' (a dot reaches into a nested value)",
            )
        if isinstance(value, dict):
            unknown = sorted(set(value) - FILTER_OPERATORS)
            if unknown:
                raise ApiError(
                    422,
                    f"Invalid request: body.filter.{key}: unsupported operator(s) {unknown}; use "
                    f"one of {sorted(FILTER_OPERATORS)}, or a dotted key to match nested values",
                )


def _timestamp(moment: datetime) -> str:
    """The store keeps UTC without an offset; the API always says +00:00."""
    return ids.iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _item(item: Item) -> schema.StoreItem:
    return {
        "namespace": list(item.namespace),
        "key": item.key,
        "value": item.value,
        "created_at": _timestamp(item.created_at),
        "updated_at": _timestamp(item.updated_at),
    }


def _search_item(item: SearchItem) -> schema.SearchItem:
    return {**_item(item), "score": item.score}


async def _authorized(request: Request, action: str, value: dict[str, Any]) -> Filter | None:
    """Run the project's `store` handler; it may rewrite `value["namespace"]` (e.g. put each
    user's items under their own id), so the namespace is checked again after it."""
    filters = await authorize(request, "store", action, value)
    if value.get("namespace") is not None:
        value["namespace"] = _namespace(list(value["namespace"]), "namespace")
    return filters


async def put_item(request: Request) -> Response:
    body = await parse_body(request, StorePut)
    namespace = _namespace(body.namespace, "body.namespace", required=True)
    value: dict[str, Any] = {
        "namespace": namespace,
        "key": body.key,
        "value": body.value,
        "index": body.index,
        "ttl": body.ttl,
    }
    await _authorized(request, "put", value)
    await runtime(request).store.aput(
        value["namespace"],
        value["key"],
        value["value"],
        index=value["index"],
        ttl=NOT_PROVIDED if value["ttl"] is None else value["ttl"],
    )
    return no_content()


async def get_item(request: Request) -> Response:
    labels = request.query_params.get("namespace", "").split(".")
    namespace = _namespace(labels, "query parameter namespace")
    key = request.query_params.get("key")
    if not key:
        raise ApiError(400, "Invalid query parameter key: a key is required")
    refresh = request.query_params.get("refresh_ttl")
    value: dict[str, Any] = {
        "namespace": namespace,
        "key": key,
        "refresh_ttl": None if refresh is None else query_bool(request, "refresh_ttl"),
    }
    await _authorized(request, "get", value)
    item = await runtime(request).store.aget(
        value["namespace"], value["key"], refresh_ttl=value["refresh_ttl"]
    )
    return json_response(None if item is None else _item(item))


async def delete_item(request: Request) -> Response:
    body = await parse_body(request, StoreDelete)
    namespace = _namespace(body.namespace, "body.namespace", required=True)
    value: dict[str, Any] = {"namespace": namespace, "key": body.key}
    await _authorized(request, "delete", value)
    await runtime(request).store.adelete(value["namespace"], value["key"])
    return no_content()


async def search_items(request: Request) -> Response:
    body = await parse_body(request, StoreSearch)
    prefix = _namespace(body.namespace_prefix, "body.namespace_prefix")
    _check_filter(body.filter)
    value: dict[str, Any] = {
        "namespace": prefix,
        "filter": body.filter,
        "limit": body.limit,
        "offset": body.offset,
        "query": body.query,
        "refresh_ttl": body.refresh_ttl,
    }
    conditions = with_auth_filter(value["filter"], await _authorized(request, "search", value))
    if conditions is NOTHING:
        return json_response({"items": []})
    items = await runtime(request).store.asearch(
        value["namespace"],
        query=value["query"],
        filter=conditions,
        limit=value["limit"],
        offset=value["offset"],
        refresh_ttl=value["refresh_ttl"],
    )
    return json_response({"items": [_search_item(item) for item in items]})


async def list_namespaces(request: Request) -> Response:
    body = await parse_body(request, StoreListNamespaces)
    value: dict[str, Any] = {
        "namespace": _namespace(body.prefix, "body.prefix") or None,
        "suffix": _namespace(body.suffix, "body.suffix") or None,
        "max_depth": body.max_depth,
        "limit": body.limit,
        "offset": body.offset,
    }
    await _authorized(request, "list_namespaces", value)
    if value["suffix"] is not None:
        value["suffix"] = _namespace(list(value["suffix"]), "suffix")
    namespaces = await runtime(request).store.alist_namespaces(
        prefix=value["namespace"] or None,
        suffix=value["suffix"] or None,
        max_depth=value["max_depth"],
        limit=value["limit"],
        offset=value["offset"],
    )
    return json_response({"namespaces": [list(ns) for ns in namespaces]})


TAG = "Store"
ENDPOINTS = [
    Endpoint(
        "PUT",
        "/store/items",
        put_item,
        "Store or Update Item",
        TAG,
        body=StorePut,
        status=204,
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "GET",
        "/store/items",
        get_item,
        "Retrieve a Single Item",
        TAG,
        response=schema.StoreItem | None,
        query={"namespace": "string", "key": "string", "refresh_ttl": "boolean"},
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "DELETE",
        "/store/items",
        delete_item,
        "Delete an Item",
        TAG,
        body=StoreDelete,
        status=204,
        access=IN_HANDLER,
        errors=(400,),
    ),
    Endpoint(
        "POST",
        "/store/items/search",
        search_items,
        "Search Items",
        TAG,
        body=StoreSearch,
        response=schema.SearchItemsResponse,
        access=IN_HANDLER,
    ),
    Endpoint(
        "POST",
        "/store/namespaces",
        list_namespaces,
        "List Namespaces",
        TAG,
        body=StoreListNamespaces,
        response=schema.ListNamespaceResponse,
        access=IN_HANDLER,
    ),
]
