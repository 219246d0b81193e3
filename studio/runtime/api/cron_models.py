"""Request bodies of the cron routes (LangGraph Server's CronCreate, ThreadCronCreate, CronPatch,
CronSearch and CronCountRequest), validated before any handler runs.

A cron's run fields are kept as its `payload` and become a run request at every tick, so they
are the run fields LangGraph Server's cron schemas list; unknown fields are ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from studio.protocol.schema import (
    CronSortBy,
    Durability,
    MultitaskStrategy,
    OnCompletion,
    SortOrder,
    StreamMode,
)
from studio.runtime.api.models import Body, JsonObject, Limit, Offset, RunnableConfigBody

CronField = Literal[
    "cron_id",
    "assistant_id",
    "thread_id",
    "on_run_completed",
    "end_time",
    "schedule",
    "timezone",
    "created_at",
    "updated_at",
    "user_id",
    "payload",
    "next_run_date",
    "metadata",
    "enabled",
]


class CronRunFields(Body):
    """What each run of the cron is created with."""

    input: Any = None
    metadata: JsonObject | None = None
    config: RunnableConfigBody | None = None
    context: JsonObject | None = None
    webhook: str | None = Field(default=None, min_length=1, max_length=65536)
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    stream_mode: list[StreamMode] | StreamMode | None = None
    stream_subgraphs: bool | None = None
    stream_resumable: bool | None = None
    durability: Durability | None = None
    checkpoint_during: bool | None = None


class CronSchedule(Body):
    timezone: str | None = Field(default=None, description="IANA time zone (default UTC).")
    end_time: datetime | None = Field(
        default=None,
        strict=False,  # JSON has no datetime: an ISO 8601 string is the only way to send one
        description="No runs after this moment.",
    )


class CronCreate(CronRunFields, CronSchedule):
    assistant_id: str = Field(description="An assistant id, or the id of a graph.")
    schedule: str = Field(description="A cron expression (5 fields, or 6 with seconds last).")
    enabled: bool = True
    on_run_completed: OnCompletion = Field(
        default="delete", description="Whether each run's new thread is deleted or kept."
    )
    multitask_strategy: MultitaskStrategy | None = Field(
        default=None, description="Accepted for the SDK; a stateless cron's runs never overlap."
    )


class ThreadCronCreate(CronRunFields, CronSchedule):
    assistant_id: str = Field(description="An assistant id, or the id of a graph.")
    schedule: str = Field(description="A cron expression (5 fields, or 6 with seconds last).")
    enabled: bool = True
    multitask_strategy: MultitaskStrategy = "enqueue"


class CronPatch(CronRunFields, CronSchedule):
    """Any subset: schedule fields replace, `metadata` merges, run fields merge into `payload`;
    an explicit `end_time: null` clears the end time."""

    schedule: str | None = None
    enabled: bool | None = None
    on_run_completed: OnCompletion | None = None


class CronCount(Body):
    assistant_id: str | None = None
    thread_id: str | None = None
    metadata: JsonObject | None = None


class CronSearch(CronCount):
    enabled: bool | None = None
    limit: int = Limit
    offset: int = Offset
    sort_by: CronSortBy = "created_at"
    sort_order: SortOrder = "desc"
    select: list[CronField] | None = None
