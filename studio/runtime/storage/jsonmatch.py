"""JSON containment with PostgreSQL `jsonb @>` semantics.

LangGraph Server filters threads and assistants by `metadata @> filter` (and `values @>`) in
Postgres; clients rely on that meaning (nested objects, arrays as subsets, `1 != true`). SQLite
has no such operator, so we register this function with it and get the same answers on both
backends.
"""

from __future__ import annotations

from typing import Any

import orjson


def contains(document: Any, pattern: Any, *, top_level: bool = True) -> bool:
    """Whether `document` contains `pattern` as Postgres `jsonb @>` decides it."""
    if isinstance(pattern, dict):
        if not isinstance(document, dict):
            return False
        return all(
            key in document and contains(document[key], value, top_level=False)
            for key, value in pattern.items()
        )
    if isinstance(pattern, list):
        if not isinstance(document, list):
            return False
        return all(
            any(contains(item, wanted, top_level=False) for item in document) for wanted in pattern
        )
    if isinstance(document, list) and top_level:
        # Postgres lets a top-level array contain a bare scalar: '[1,2]' @> '1'.
        return any(_scalar_equal(item, pattern) for item in document)
    return _scalar_equal(document, pattern)


def _scalar_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def sql_contains(document: str | bytes | None, pattern: str | bytes | None) -> int:
    """The SQLite function `json_contains(document, pattern)`; NULL documents match nothing."""
    if pattern is None:
        return 1
    if document is None:
        return 0
    return int(contains(orjson.loads(document), orjson.loads(pattern)))
