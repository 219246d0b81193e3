"""`extract` of thread search: pick values out of threads by `root.key[index]` paths.

Lets a thread list show e.g. the last message of each thread without shipping whole states.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from studio.runtime.errors import ApiError

ROOTS = frozenset({"values", "metadata", "config", "interrupts"})
_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STEP = re.compile(r"\.([^.\[\]]+)|\[(-?\d+)\]")


def validate_extract(extract: Mapping[str, str], reserved: frozenset[str]) -> None:
    for alias, path in extract.items():
        if not _ALIAS.match(alias):
            raise ApiError(
                422,
                f"Extract key '{alias}' must be a valid identifier (letters, digits, underscores)",
            )
        if alias in reserved:
            raise ApiError(422, f"Extract key '{alias}' is a thread field name")
        root = re.split(r"[.\[]", path, maxsplit=1)[0]
        if root not in ROOTS:
            raise ApiError(
                422, f"Extract path '{path}' must start with one of: {', '.join(sorted(ROOTS))}"
            )


def extract_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at `path` (`values.messages[-1].content`), or None when it does not resolve."""
    root = re.split(r"[.\[]", path, maxsplit=1)[0]
    current: Any = data.get(root)
    for match in _STEP.finditer(path, len(root)):
        key, index = match.groups()
        if current is None:
            return None
        if key is not None:
            current = current.get(key) if isinstance(current, dict) else None
        elif isinstance(current, list):
            position = int(index)
            current = current[position] if -len(current) <= position < len(current) else None
        else:
            return None
    return current


def extract_paths(data: Mapping[str, Any], extract: Mapping[str, str]) -> dict[str, Any]:
    return {alias: extract_path(data, path) for alias, path in extract.items()}
