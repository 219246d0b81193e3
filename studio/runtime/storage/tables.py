"""The tables every storage backend keeps, column by column, and how a row becomes a record.

SQLite and Postgres store the same columns under the same names (JSON as text in one, as
`jsonb` in the other), so the SQL builders (`storage/sql.py`) and the record rules here serve
both: a row read back is the same `Assistant`, `Thread`, `Run` or `Cron` whichever database
held it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from studio.protocol.schema import Assistant, AssistantVersion, Cron, Run, Thread

ASSISTANT_COLUMNS = (
    "assistant_id",
    "graph_id",
    "config",
    "context",
    "metadata",
    "name",
    "description",
    "version",
    "created_at",
    "updated_at",
)
VERSION_COLUMNS = (
    "assistant_id",
    "version",
    "graph_id",
    "config",
    "context",
    "metadata",
    "name",
    "description",
    "created_at",
)
THREAD_COLUMNS = (
    "thread_id",
    "created_at",
    "updated_at",
    "state_updated_at",
    "metadata",
    "status",
    "config",
    "values",
    "interrupts",
    "error",
)
RUN_COLUMNS = (
    "run_id",
    "thread_id",
    "assistant_id",
    "created_at",
    "updated_at",
    "status",
    "metadata",
    "kwargs",
    "multitask_strategy",
    "temporary",
)
CRON_COLUMNS = (
    "cron_id",
    "assistant_id",
    "thread_id",
    "user_id",
    "schedule",
    "timezone",
    "end_time",
    "payload",
    "next_run_date",
    "metadata",
    "on_run_completed",
    "enabled",
    "created_at",
    "updated_at",
)

ASSISTANT_JSON = ("config", "context", "metadata")
THREAD_JSON = ("metadata", "config", "values", "interrupts", "error")
RUN_JSON = ("metadata", "kwargs")
CRON_JSON = ("payload", "metadata")

_RUN_BOOKKEEPING = ("attempt", "temporary", "traceback")
"""Columns of `runs` that are the queue's business, not part of the API's Run."""


def assistant(data: Mapping[str, Any]) -> Assistant:
    return cast(Assistant, dict(data))


def assistant_version(data: Mapping[str, Any]) -> AssistantVersion:
    return cast(AssistantVersion, dict(data))


def thread(data: Mapping[str, Any]) -> Thread:
    return cast(Thread, dict(data))


def run(data: Mapping[str, Any]) -> Run:
    record = {k: v for k, v in data.items() if k not in _RUN_BOOKKEEPING}
    record["langsmith_session_name"] = None
    return cast(Run, record)


def cron(data: Mapping[str, Any]) -> Cron:
    record = dict(data)
    record["enabled"] = bool(record["enabled"])
    return cast(Cron, record)
