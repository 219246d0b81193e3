"""LangGraph `StateSnapshot`s in the shapes of the server's ThreadState and interrupts."""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Interrupt, StateSnapshot

from studio.protocol.schema import Checkpoint, ThreadState, ThreadTask
from studio.protocol.schema import Interrupt as InterruptRecord


def checkpoint_of(config: RunnableConfig | None) -> Checkpoint | None:
    """The `{thread_id, checkpoint_ns, checkpoint_id, checkpoint_map?}` object of a config."""
    configurable = (config or {}).get("configurable") or {}
    if not configurable.get("thread_id") or not configurable.get("checkpoint_id"):
        return None
    checkpoint: Checkpoint = {
        "thread_id": configurable["thread_id"],
        "checkpoint_ns": configurable.get("checkpoint_ns") or "",
        "checkpoint_id": configurable["checkpoint_id"],
    }
    if "checkpoint_map" in configurable:
        checkpoint["checkpoint_map"] = configurable["checkpoint_map"]
    return checkpoint


def interrupt_record(interrupt: Interrupt | dict[str, Any]) -> InterruptRecord:
    if isinstance(interrupt, dict):
        interrupt = Interrupt(**interrupt)
    record: InterruptRecord = {"id": interrupt.id, "value": interrupt.value}
    schema = getattr(interrupt, "response_schema", None)
    if schema is not None:
        record["response_schema"] = schema
    return record


def interrupts_by_task(snapshot: StateSnapshot) -> dict[str, list[InterruptRecord]]:
    return {
        task.id: [interrupt_record(i) for i in task.interrupts]
        for task in snapshot.tasks
        if task.interrupts
    }


def thread_state(snapshot: StateSnapshot) -> ThreadState:
    """ThreadState as `GET /threads/{id}/state` returns it (nested for subgraphs=true)."""
    tasks: list[ThreadTask] = []
    for task in snapshot.tasks:
        nested = task.state if isinstance(task.state, StateSnapshot) else None
        tasks.append(
            {
                "id": task.id,
                "name": task.name,
                "path": list(task.path),
                # The server shows a failed task's error as its repr: "ValueError('kaboom')".
                "error": repr(task.error) if isinstance(task.error, Exception) else task.error,
                "interrupts": [interrupt_record(i) for i in task.interrupts],
                "checkpoint": task.state["configurable"]
                if task.state is not None and not isinstance(task.state, StateSnapshot)
                else None,
                "state": thread_state(nested) if nested is not None else None,
                "result": getattr(task, "result", None),
            }
        )
    config = snapshot.config
    parent = snapshot.parent_config
    return {
        "values": snapshot.values,
        "next": list(snapshot.next),
        "tasks": tasks,
        "metadata": dict(snapshot.metadata) if snapshot.metadata is not None else None,
        "created_at": snapshot.created_at,
        "checkpoint": checkpoint_of(config),
        "parent_checkpoint": checkpoint_of(parent),
        "interrupts": [interrupt_record(i) for i in getattr(snapshot, "interrupts", ())],
        "checkpoint_id": (config or {}).get("configurable", {}).get("checkpoint_id"),
        "parent_checkpoint_id": (parent or {}).get("configurable", {}).get("checkpoint_id"),
    }


EMPTY_STATE: ThreadState = {
    "values": {},
    "next": [],
    "tasks": [],
    "metadata": None,
    "created_at": None,
    "checkpoint": None,
    "parent_checkpoint": None,
    "interrupts": [],
    "checkpoint_id": None,
    "parent_checkpoint_id": None,
}
