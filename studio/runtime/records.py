"""How rows are built and merged: the data rules of LangGraph Server, free of any I/O.

Every storage backend runs these inside its own transaction, so SQLite and Postgres agree on
what a new run's config, metadata and thread look like (langgraph_runtime's `Runs.put` and
`Threads.set_joint_status` are the reference).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from studio.protocol.schema import (
    Assistant,
    AssistantVersion,
    Config,
    Interrupt,
    MultitaskStrategy,
    Run,
    RunStatus,
    Thread,
    ThreadStatus,
)


def merge_jsonb(*objects: dict[str, Any] | None) -> dict[str, Any]:
    """Shallow merge, later wins: PostgreSQL's `a || b` on objects."""
    result: dict[str, Any] = {}
    for obj in objects:
        if obj:
            result.update(copy.deepcopy(obj))
    return result


def configurable_of(config: Config | dict[str, Any] | None) -> dict[str, Any]:
    return dict((config or {}).get("configurable") or {})


def version_of(assistant: Assistant) -> AssistantVersion:
    return {
        "assistant_id": assistant["assistant_id"],
        "graph_id": assistant["graph_id"],
        "config": assistant["config"],
        "context": assistant["context"],
        "created_at": assistant["updated_at"],
        "metadata": assistant["metadata"],
        "version": assistant["version"],
        "name": assistant["name"],
        "description": assistant["description"],
    }


def assistant_updated(
    current: Assistant, changes: dict[str, Any], latest_version: int, now: str
) -> Assistant:
    """The assistant after a PATCH: a new version on top of the latest one."""
    updated = cast(Assistant, {**current, **changes})
    updated["version"] = latest_version + 1
    updated["updated_at"] = now
    return updated


def assistant_at_version(current: Assistant, chosen: AssistantVersion, now: str) -> Assistant:
    """The assistant set back (or forward) to one of its versions."""
    return cast(
        Assistant,
        {
            **current,
            "graph_id": chosen["graph_id"],
            "config": chosen["config"],
            "context": chosen["context"],
            "metadata": chosen["metadata"],
            "name": chosen["name"],
            "description": chosen["description"],
            "version": chosen["version"],
            "updated_at": now,
        },
    )


def new_thread(thread_id: str, metadata: dict[str, Any], now: str) -> Thread:
    return {
        "thread_id": thread_id,
        "created_at": now,
        "updated_at": now,
        "state_updated_at": now,
        "metadata": copy.deepcopy(metadata),
        "status": "idle",
        "config": {},
        "values": None,
        "interrupts": {},
        "error": None,
    }


def thread_with_metadata(thread: Thread, metadata: dict[str, Any], now: str) -> Thread:
    """The thread after a metadata PATCH: merged, later keys win."""
    updated = copy.deepcopy(thread)
    updated["metadata"] = {**thread["metadata"], **metadata}
    updated["updated_at"] = now
    return updated


def thread_with_state(
    thread: Thread,
    *,
    values: Any,
    interrupts: dict[str, Any],
    next_nodes: Sequence[str],
    graph_id: str | None,
    busy: bool,
    now: str,
) -> Thread:
    """The thread after its state was updated (a state update, a copy): `busy` while runs
    are in flight on it, else interrupted if nodes are next, else idle."""
    updated = copy.deepcopy(thread)
    updated["values"] = values
    updated["interrupts"] = cast(dict[str, list[Interrupt]], interrupts)
    if busy:
        updated["status"] = "busy"
    else:
        updated["status"] = "interrupted" if next_nodes else "idle"
    if graph_id is not None:
        updated["metadata"] = {**thread["metadata"], "graph_id": graph_id}
    updated["updated_at"] = now
    updated["state_updated_at"] = now
    return updated


@dataclass
class RunRequest:
    """A validated request for a new run, before it meets the thread it runs on."""

    run_id: str
    thread_id: str
    assistant: Assistant
    kwargs: dict[str, Any]
    metadata: dict[str, Any]
    multitask_strategy: MultitaskStrategy
    if_not_exists: str
    created_at: str
    now: str
    temporary: bool = False
    config: dict[str, Any] = field(default_factory=dict)


def thread_for_run(existing: Thread | None, request: RunRequest, now: str) -> Thread:
    """The thread row a run leaves behind when it is inserted: created or marked busy."""
    assistant = request.assistant
    config = request.config
    if existing is None:
        thread = new_thread(
            request.thread_id,
            {
                "graph_id": assistant["graph_id"],
                "assistant_id": assistant["assistant_id"],
                **(config.get("metadata") or {}),
                **request.metadata,
            },
            now,
        )
        thread["status"] = "busy"
        thread["config"] = cast(
            Config,
            merge_jsonb(
                cast(dict[str, Any], assistant["config"]),
                config,
                {"configurable": configurable_of(assistant["config"])},
            ),
        )
        return thread
    if existing["status"] == "busy":
        return existing
    thread = copy.deepcopy(existing)
    thread["status"] = "busy"
    thread["metadata"] = merge_jsonb(
        existing["metadata"],
        {"graph_id": assistant["graph_id"], "assistant_id": assistant["assistant_id"]},
    )
    thread["config"] = cast(
        Config,
        merge_jsonb(
            cast(dict[str, Any], assistant["config"]),
            cast(dict[str, Any], existing["config"]),
            config,
            {
                "configurable": merge_jsonb(
                    configurable_of(assistant["config"]), configurable_of(existing["config"])
                )
            },
        ),
    )
    thread["updated_at"] = now
    return thread


def run_for_request(existing: Thread | None, request: RunRequest, now: str) -> Run:
    """The run row: config and metadata merged from assistant, thread and request.

    `existing` is the thread as the run left it (marked busy, graph and assistant recorded), or
    None when the run created it, which is what LangGraph Server merges from."""
    assistant = request.assistant
    config = request.config
    thread_config = existing["config"] if existing else {}
    user_id = (
        configurable_of(config).get("user_id")
        or configurable_of(thread_config).get("user_id")
        or configurable_of(assistant["config"]).get("user_id")
        or configurable_of(config).get("langgraph_auth_user_id", "")
    )
    configurable = merge_jsonb(
        configurable_of(assistant["config"]),
        configurable_of(thread_config),
        configurable_of(config),
        {
            "run_id": request.run_id,
            "thread_id": request.thread_id,
            "graph_id": assistant["graph_id"],
            "assistant_id": assistant["assistant_id"],
            "user_id": user_id,
        },
    )
    metadata = merge_jsonb(
        assistant["metadata"],
        existing["metadata"] if existing else {},
        config.get("metadata") or {},
        request.metadata,
    )
    metadata["assistant_id"] = assistant["assistant_id"]
    kwargs = merge_jsonb(
        request.kwargs,
        {
            "config": merge_jsonb(
                cast(dict[str, Any], assistant["config"]),
                config,
                {"configurable": configurable},
                {"metadata": metadata},
            ),
            "context": merge_jsonb(assistant["context"], request.kwargs.get("context")),
        },
    )
    return {
        "run_id": request.run_id,
        "thread_id": request.thread_id,
        "assistant_id": assistant["assistant_id"],
        "created_at": request.created_at,
        "updated_at": now,
        "status": "pending",
        "metadata": metadata,
        "kwargs": kwargs,
        "multitask_strategy": request.multitask_strategy,
        "langsmith_session_name": None,
    }


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run leaves on its thread, from its last root checkpoint."""

    run_status: RunStatus
    values: Any = None
    next_nodes: tuple[str, ...] = ()
    interrupts: dict[str, list[Interrupt]] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    """Kept on the thread: why the run failed, or how it was stopped (`UserInterrupt`)."""
    has_checkpoint: bool = False
    rolled_back: bool = False
    traceback: str | None = None
    """The Python traceback of a failed run, for whoever debugs it (not part of the Run)."""


def thread_after_run(
    thread: Thread, outcome: RunOutcome, graph_id: str, others_in_flight: bool, now: str
) -> Thread:
    """LangGraph Server's thread status machine at the end of a run."""
    status: ThreadStatus
    if outcome.run_status in ("error", "timeout"):
        status = "error"
    elif outcome.next_nodes:
        status = "interrupted"
    else:
        status = "idle"
    if others_in_flight:
        status = "busy"
    updated = copy.deepcopy(thread)
    updated["metadata"] = {**thread["metadata"], "graph_id": graph_id}
    updated["status"] = status
    updated["updated_at"] = now
    updated["state_updated_at"] = now
    updated["error"] = outcome.error
    if outcome.has_checkpoint:
        updated["values"] = outcome.values
        updated["interrupts"] = outcome.interrupts
    return updated
