"""Request bodies of the API, validated before any handler runs.

They follow LangGraph Server's OpenAPI components field for field; unknown fields are ignored
(the SDK sends some, e.g. `on_disconnect` to non-streaming endpoints). They also generate the
request schemas of our own /openapi.json.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from studio.protocol.schema import (
    Durability,
    IfExists,
    IfNotExists,
    MultitaskStrategy,
    OnCompletion,
    OnDisconnect,
    SortOrder,
    StreamMode,
    ThreadStatus,
)

JsonObject = dict[str, Any]
Limit = Field(default=10, ge=1, le=1000, description="Maximum number to return.")
Offset = Field(default=0, ge=0, description="Number of rows to skip.")


class Body(BaseModel):
    """Strict: a value of the wrong JSON type is a 422 naming the field, never coerced
    (`"offset": true` is not 1, `"limit": "5"` is not 5), as LangGraph Server's JSON-schema
    validation answers it."""

    model_config = ConfigDict(extra="ignore", strict=True)


class RunnableConfigBody(Body):
    tags: list[str] | None = None
    recursion_limit: int | None = None
    configurable: JsonObject | None = None
    model_config = ConfigDict(extra="allow")


class CheckpointConfig(Body):
    thread_id: str | None = None
    checkpoint_ns: str | None = None
    checkpoint_id: str | None = None
    checkpoint_map: JsonObject | None = None


# --- assistants ----------------------------------------------------------------------------


class AssistantCreate(Body):
    graph_id: str = Field(description="The graph the assistant runs.")
    assistant_id: str | None = None
    config: JsonObject | None = None
    context: JsonObject | None = None
    metadata: JsonObject | None = None
    if_exists: IfExists = "raise"
    name: str | None = None
    description: str | None = None


class AssistantPatch(Body):
    graph_id: str | None = None
    config: JsonObject | None = None
    context: JsonObject | None = None
    metadata: JsonObject | None = None
    name: str | None = None
    description: str | None = None


AssistantSortBy = Literal["assistant_id", "created_at", "updated_at", "name", "graph_id"]
AssistantField = Literal[
    "assistant_id",
    "graph_id",
    "name",
    "description",
    "config",
    "context",
    "created_at",
    "updated_at",
    "metadata",
    "version",
]


class AssistantCount(Body):
    metadata: JsonObject | None = None
    graph_id: str | None = None
    name: str | None = None


class AssistantSearch(AssistantCount):
    limit: int = Limit
    offset: int = Offset
    sort_by: AssistantSortBy | None = None
    sort_order: SortOrder | None = None
    select: list[AssistantField] | None = None


class AssistantVersionsSearch(Body):
    metadata: JsonObject | None = None
    limit: int = Limit
    offset: int = Offset


class AssistantVersionChange(Body):
    version: int = Field(ge=1, description="The version to make current.")


# --- threads -------------------------------------------------------------------------------


class ThreadTTL(Body):
    strategy: Literal["delete", "keep_latest"] = "delete"
    ttl: float = Field(gt=0, description="Minutes until the thread expires.")


class SuperstepUpdate(Body):
    values: Any = None
    command: JsonObject | None = None
    as_node: str


class Superstep(Body):
    updates: list[SuperstepUpdate]


class ThreadCreate(Body):
    thread_id: str | None = None
    metadata: JsonObject | None = None
    if_exists: IfExists = "raise"
    ttl: ThreadTTL | None = None
    supersteps: list[Superstep] | None = None


class ThreadPatch(Body):
    metadata: JsonObject | None = None
    ttl: ThreadTTL | None = None


ThreadSortBy = Literal["thread_id", "status", "created_at", "updated_at", "state_updated_at"]
ThreadField = Literal[
    "thread_id",
    "created_at",
    "updated_at",
    "state_updated_at",
    "metadata",
    "config",
    "status",
    "values",
    "interrupts",
    "error",
]


class ThreadCount(Body):
    metadata: JsonObject | None = None
    values: JsonObject | None = None
    status: ThreadStatus | None = None


class ThreadSearch(ThreadCount):
    ids: list[str] | None = None
    limit: int = Limit
    offset: int = Offset
    sort_by: ThreadSortBy | None = None
    sort_order: SortOrder | None = None
    select: list[ThreadField] | None = None
    extract: dict[str, str] | None = Field(default=None, max_length=10)


class ThreadPrune(Body):
    thread_ids: list[str]
    strategy: Literal["delete", "keep_latest"] = "delete"


class ThreadStateUpdate(Body):
    values: JsonObject | list[Any] | None = None
    as_node: str | None = None
    checkpoint_id: str | None = None
    checkpoint: CheckpointConfig | None = None


class ThreadStateCheckpoint(Body):
    checkpoint: CheckpointConfig
    subgraphs: bool = False


class ThreadHistory(Body):
    limit: int = Field(default=10, ge=1, le=1000)
    before: str | JsonObject | None = Field(
        default=None,
        description="A checkpoint id, a checkpoint object, or a config with `configurable`.",
    )
    metadata: JsonObject | None = None
    checkpoint: CheckpointConfig | None = None


# --- runs ----------------------------------------------------------------------------------


class SendBody(Body):
    node: str
    input: Any = None


class CommandBody(Body):
    update: JsonObject | list[Any] | None = None
    resume: Any = None
    goto: SendBody | list[SendBody | str] | str | None = None


class RunCreateBase(Body):
    assistant_id: str = Field(description="An assistant id, or the id of a graph.")
    input: Any = None
    command: CommandBody | None = None
    metadata: JsonObject | None = None
    config: RunnableConfigBody | None = None
    context: JsonObject | None = None
    webhook: str | None = Field(default=None, min_length=1, max_length=65536)
    stream_mode: list[StreamMode] | StreamMode | None = None
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    feedback_keys: list[str] | None = None
    after_seconds: float | None = Field(default=None, ge=0)
    checkpoint_during: bool | None = None
    durability: Durability | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    on_disconnect: OnDisconnect = "continue"


class RunCreateStateful(RunCreateBase):
    checkpoint_id: str | None = None
    checkpoint: CheckpointConfig | None = None
    multitask_strategy: MultitaskStrategy = "enqueue"
    if_not_exists: IfNotExists = "reject"


class RunCreateStateless(RunCreateBase):
    on_completion: OnCompletion = "delete"
    if_not_exists: IfNotExists = "create"


class RunsCancel(Body):
    status: Literal["pending", "running", "all"] | None = None
    thread_id: str | None = None
    run_ids: list[str] | None = None
