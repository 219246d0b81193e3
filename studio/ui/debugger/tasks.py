"""What the `tasks` stream mode says about nodes: which one started, which one finished.

Every run streams this mode (the canvas and the timeline follow it), so its reading lives in
one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TASKS_MODE = "tasks"


def topology_id(name: str, namespace: Sequence[str]) -> str:
    """The node id in an xray drawing: `sub:<task id>` namespaces become `sub:` prefixes."""
    prefixes = [segment.split(":", 1)[0] for segment in namespace]
    return ":".join([*prefixes, name])


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """One `tasks` event: a node started (`started`), or finished with a result or error."""

    task_id: str
    node: str
    """The node's topology id (`research:search` inside the `research` subgraph)."""
    started: bool
    failed: bool
    interrupted: bool
    result: Any


def read_task_event(mode: str, namespace: Sequence[str], data: Any) -> TaskEvent | None:
    """The task event in a stream event, or None when it is not one."""
    if mode != TASKS_MODE or not isinstance(data, Mapping) or "name" not in data:
        return None
    started = "triggers" in data
    return TaskEvent(
        task_id=str(data.get("id", "")),
        node=topology_id(str(data["name"]), namespace),
        started=started,
        failed=not started and data.get("error") is not None,
        interrupted=not started and bool(data.get("interrupts")),
        result=None if started else data.get("result"),
    )
