"""A store search filter narrowed by custom auth: the client's conditions AND the handler's.

langgraph's stores take one flat filter (a value or an operator object per key, all ANDed),
with no `$and`; so the two are merged key by key, and a key both constrain gets both sets of
operators. Two different conditions of the same operator on one key cannot be merged: the
search then matches nothing (never only the client's half).
"""

from __future__ import annotations

from typing import Any, Final

from studio.runtime.auth.filters import Filter

NOTHING: Final[dict[str, Any]] = {"$nothing": True}
"""The merged filter of contradicting conditions: no item can match it."""


def _operators(condition: Any) -> dict[str, Any]:
    return dict(condition) if isinstance(condition, dict) else {"$eq": condition}


def with_auth_filter(
    requested: dict[str, Any] | None, auth: Filter | None
) -> dict[str, Any] | None:
    """`requested` AND `auth`, as one store filter (or NOTHING)."""
    if not auth:
        return requested
    merged = dict(requested or {})
    for key, condition in auth.items():
        if key not in merged or merged[key] == condition:
            merged[key] = condition
            continue
        mine, theirs = _operators(merged[key]), _operators(condition)
        if any(op in mine and mine[op] != wanted for op, wanted in theirs.items()):
            return NOTHING
        merged[key] = {**mine, **theirs}
    return merged
