"""Wire types of the LangGraph Server API, shared by our runtime and our client.

They mirror `langgraph_sdk.schema` (the contract clients are written against) without depending
on it, so both sides of the wire agree on one vocabulary and neither imports the other.
Timestamps travel as ISO-8601 strings.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

# typing_extensions, not typing: pydantic needs it to describe TypedDicts on Python 3.11.
from typing_extensions import TypedDict

Json = dict[str, Any]

RunStatus = Literal["pending", "running", "error", "success", "timeout", "interrupted"]
ThreadStatus = Literal["idle", "busy", "interrupted", "error"]
StreamMode = Literal[
    "values",
    "messages",
    "messages-tuple",
    "updates",
    "events",
    "tasks",
    "checkpoints",
    "debug",
    "custom",
]
ThreadStreamMode = Literal["run_modes", "lifecycle", "state_update"]
MultitaskStrategy = Literal["reject", "interrupt", "rollback", "enqueue"]
IfExists = Literal["raise", "do_nothing"]
IfNotExists = Literal["create", "reject"]
OnCompletion = Literal["delete", "keep"]
OnDisconnect = Literal["cancel", "continue"]
CancelAction = Literal["interrupt", "rollback"]
Durability = Literal["sync", "async", "exit"]
SortOrder = Literal["asc", "desc"]

RUN_STATUSES: tuple[RunStatus, ...] = (
    "pending",
    "running",
    "error",
    "success",
    "timeout",
    "interrupted",
)
THREAD_STATUSES: tuple[ThreadStatus, ...] = ("idle", "busy", "interrupted", "error")
STREAM_MODES: tuple[StreamMode, ...] = (
    "values",
    "messages",
    "messages-tuple",
    "updates",
    "events",
    "tasks",
    "checkpoints",
    "debug",
    "custom",
)


class Config(TypedDict, total=False):
    tags: list[str]
    recursion_limit: int
    configurable: dict[str, Any]


class Checkpoint(TypedDict):
    thread_id: str
    checkpoint_ns: str
    checkpoint_id: str | None
    checkpoint_map: NotRequired[dict[str, Any] | None]


class GraphSchema(TypedDict):
    graph_id: str
    input_schema: Json | None
    output_schema: Json | None
    state_schema: Json | None
    config_schema: Json | None
    context_schema: Json | None


class Assistant(TypedDict):
    assistant_id: str
    graph_id: str
    config: Config
    context: Json
    created_at: str
    updated_at: str
    metadata: Json
    version: int
    name: str
    description: str | None


class AssistantVersion(TypedDict):
    assistant_id: str
    graph_id: str
    config: Config
    context: Json
    created_at: str
    metadata: Json
    version: int
    name: str
    description: str | None


class Interrupt(TypedDict):
    id: str
    value: Any
    response_schema: NotRequired[Json]


class Thread(TypedDict):
    thread_id: str
    created_at: str
    updated_at: str
    state_updated_at: str
    metadata: Json
    status: ThreadStatus
    config: Config
    values: Json | list[Any] | None
    interrupts: dict[str, list[Interrupt]]
    error: Any
    extracted: NotRequired[dict[str, Any]]


class ThreadTask(TypedDict):
    id: str
    name: str
    path: list[Any]
    error: Any
    interrupts: list[Interrupt]
    checkpoint: Json | None
    state: ThreadState | None
    result: Any


class ThreadState(TypedDict):
    values: Json | list[Any]
    next: list[str]
    tasks: list[ThreadTask]
    metadata: Json | None
    created_at: str | None
    checkpoint: Checkpoint | None
    parent_checkpoint: Checkpoint | None
    interrupts: list[Interrupt]
    checkpoint_id: str | None
    parent_checkpoint_id: str | None


class Run(TypedDict):
    run_id: str
    thread_id: str
    assistant_id: str
    created_at: str
    updated_at: str
    status: RunStatus
    metadata: Json
    kwargs: Json
    multitask_strategy: MultitaskStrategy
    langsmith_session_name: NotRequired[str | None]


class RunError(TypedDict):
    """The payload of an `error` stream event and of `__error__` in a wait result."""

    error: str
    message: str


CronSortBy = Literal[
    "cron_id", "assistant_id", "thread_id", "next_run_date", "end_time", "created_at", "updated_at"
]


class Cron(TypedDict):
    """A scheduled run: `payload` is the run request it creates at every tick."""

    cron_id: str
    assistant_id: str
    thread_id: str | None
    user_id: str | None
    schedule: str
    timezone: str | None
    end_time: str | None
    payload: Json
    next_run_date: str | None
    metadata: Json
    on_run_completed: OnCompletion | None
    enabled: bool
    created_at: str
    updated_at: str


class StoreItem(TypedDict):
    namespace: list[str]
    key: str
    value: Json
    created_at: str
    updated_at: str


class SearchItem(StoreItem):
    score: float | None


class SearchItemsResponse(TypedDict):
    items: list[SearchItem]


class ListNamespaceResponse(TypedDict):
    namespaces: list[list[str]]
