"""The filters `@auth.on` handlers return, and how a resource's metadata matches them.

The semantics are LangGraph Server's (`_check_filter_match` of its runtime): `{key: value}` and
`{key: {"$eq": value}}` are equality, `{key: {"$contains": x}}` needs a list holding `x` (or
every item of a list `x`), and `$or` / `$and` take lists of at least two filters, nested at
most twice. A malformed filter is the project's bug, so it is refused (500 naming it) before
any row is read, where the reference would ignore an unknown operator and let rows through:
an authorization rule that cannot be understood must not widen access.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

Filter = Mapping[str, Any]
OPERATORS = frozenset({"$eq", "$contains"})
MAX_NESTING = 2


class FilterError(ValueError):
    """An auth handler returned a filter this server cannot apply."""


def validate(filters: Filter, nesting: int = 0) -> None:
    """Raise FilterError naming what is wrong with `filters`."""
    if nesting > MAX_NESTING:
        raise FilterError(
            "Your auth handler returned a filter with too many nested operators. The maximum "
            f"depth for nested operators is {MAX_NESTING}. Please simplify your filter."
        )
    for key, value in filters.items():
        if key in ("$or", "$and"):
            if not isinstance(value, list) or len(value) < 2:
                raise FilterError(
                    f"Your auth handler returned a filter with an invalid {key} operator. The "
                    f"{key} operator must be a list of at least 2 filter objects."
                )
            for group in value:
                if not isinstance(group, Mapping):
                    raise FilterError(f"Each item of {key} in an auth filter must be an object")
                validate(group, nesting + 1)
        elif isinstance(value, Mapping) and (len(value) != 1 or next(iter(value)) not in OPERATORS):
            raise FilterError(
                f"The auth filter on '{key}' must be a value or one of "
                f"{sorted(OPERATORS)}, got {sorted(value)}"
            )


def matches(metadata: Mapping[str, Any] | None, filters: Filter | None) -> bool:
    """Whether a resource with this `metadata` passes a (validated) filter."""
    if not filters:
        return True
    metadata = metadata or {}
    for key, value in filters.items():
        if key == "$or":
            if not any(matches(metadata, group) for group in value):
                return False
        elif key == "$and":
            if not all(matches(metadata, group) for group in value):
                return False
        elif not _condition(metadata, key, value):
            return False
    return True


def _condition(metadata: Mapping[str, Any], key: str, value: Any) -> bool:
    if key not in metadata:
        return False
    actual = metadata[key]
    if isinstance(value, Mapping):
        ((operator, wanted),) = value.items()
        if operator == "$contains":
            if not isinstance(actual, list):
                return False
            needed = wanted if isinstance(wanted, list) else [wanted]
            return all(item in actual for item in needed)
        value = wanted  # $eq
    return bool(actual == value)


def sql_matches(metadata: str | bytes | None, filters: str | bytes | None) -> int:
    """The SQLite function `auth_filter_matches(metadata, filter)` storage searches use."""
    if filters is None:
        return 1
    return int(matches(orjson.loads(metadata) if metadata else {}, orjson.loads(filters)))
