"""Thread states shaped like the server's history, for tests of the pure debugger logic."""

from __future__ import annotations

from typing import Any

from studio.protocol.schema import ThreadState, ThreadTask


def task(name: str, result: Any = None, interrupts: int = 0) -> ThreadTask:
    return {
        "id": f"task-{name}",
        "name": name,
        "path": [],
        "error": None,
        "interrupts": [{"id": f"i{n}", "value": n} for n in range(interrupts)],
        "checkpoint": None,
        "state": None,
        "result": result,
    }


def state(
    checkpoint: str,
    parent: str | None,
    step: int,
    *,
    source: str = "loop",
    values: dict[str, Any] | None = None,
    tasks: list[ThreadTask] | None = None,
    created_at: str | None = None,
) -> ThreadState:
    tasks = tasks or []
    return {
        "values": values or {},
        "next": [t["name"] for t in tasks],
        "tasks": tasks,
        "metadata": {"source": source, "step": step},
        "created_at": created_at or f"2026-01-01T00:00:{int(checkpoint[2:]):02d}+00:00",
        "checkpoint": {"thread_id": "t", "checkpoint_ns": "", "checkpoint_id": checkpoint},
        "parent_checkpoint": (
            {"thread_id": "t", "checkpoint_ns": "", "checkpoint_id": parent} if parent else None
        ),
        "interrupts": [i for t in tasks for i in t["interrupts"]],
        "checkpoint_id": checkpoint,
        "parent_checkpoint_id": parent,
    }
