"""Channels, namespaces and the filter an event stream applies to protocol events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CHANNELS = frozenset(
    {
        "values",
        "updates",
        "checkpoints",
        "messages",
        "tools",
        "custom",
        "lifecycle",
        "input",
        "tasks",
    }
)

Namespace = list[str]


def is_channel(value: object) -> bool:
    """One of the fixed channels, or `custom:<name>` (a stream transformer's own channel)."""
    if not isinstance(value, str):
        return False
    return value in CHANNELS or (value.startswith("custom:") and len(value) > len("custom:"))


def namespace_key(namespace: Sequence[str]) -> str:
    return "|".join(namespace)


def graph_name_of(namespace: Sequence[str]) -> str:
    """`node:task_id` -> `node`: the name a subgraph is known by."""
    return namespace[-1].split(":")[0] if namespace else "root"


def is_prefix(namespace: Sequence[str], prefix: Sequence[str]) -> bool:
    """Segment by segment; a prefix segment without `:` also matches any `segment:task_id`."""
    if len(prefix) > len(namespace):
        return False
    for wanted, actual in zip(prefix, namespace, strict=False):
        if actual == wanted:
            continue
        if ":" in wanted or actual.split(":")[0] != wanted:
            return False
    return True


@dataclass(frozen=True)
class EventFilter:
    """What one event stream asked for: channels, and optionally namespace prefixes with a
    depth below them."""

    channels: frozenset[str]
    namespaces: tuple[tuple[str, ...], ...] = ()
    depth: int | None = None

    def matches(self, event: dict[str, Any]) -> bool:
        method = event["method"]
        channel = "input" if method == "input.requested" else method
        params = event["params"]
        if channel == "custom":
            # `custom` takes every custom event; `custom:<name>` only those named so.
            data = params.get("data")
            name = data.get("name") if isinstance(data, dict) else None
            if "custom" not in self.channels and (
                name is None or f"custom:{name}" not in self.channels
            ):
                return False
        elif channel not in self.channels or not is_channel(channel):
            return False
        if not self.namespaces:
            return True
        namespace = params.get("namespace") or []
        return any(
            is_prefix(namespace, prefix)
            and (self.depth is None or len(namespace) - len(prefix) <= self.depth)
            for prefix in self.namespaces
        )
