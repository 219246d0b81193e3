"""The one storage interface of the runtime: assistants, threads, runs and crons.

Checkpoints are not here: they live behind langgraph's `BaseCheckpointSaver`. Every method is
one atomic step, so a crash between two calls never leaves a half-written thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from studio.protocol.schema import (
    Assistant,
    AssistantVersion,
    Cron,
    IfExists,
    Run,
    RunStatus,
    SortOrder,
    Thread,
    ThreadStatus,
)
from studio.runtime.records import RunOutcome, RunRequest

T = TypeVar("T")


class StorageError(Exception):
    """Base of the errors storage reports to the API layer."""


class Conflict(StorageError):
    """The row exists already (409)."""


class NotFound(StorageError):
    """A row the operation needs is missing (404)."""


@dataclass(frozen=True)
class AssistantQuery:
    graph_id: str | None = None
    name: str | None = None
    metadata: dict[str, Any] | None = None
    sort_by: str = "created_at"
    sort_order: SortOrder = "desc"
    limit: int = 10
    offset: int = 0
    auth: dict[str, Any] | None = None
    """A custom-auth filter on metadata (studio.runtime.auth.filters semantics)."""


@dataclass(frozen=True)
class ThreadQuery:
    ids: Sequence[str] | None = None
    metadata: dict[str, Any] | None = None
    values: dict[str, Any] | None = None
    status: ThreadStatus | None = None
    sort_by: str = "created_at"
    sort_order: SortOrder = "desc"
    limit: int = 10
    offset: int = 0
    auth: dict[str, Any] | None = None
    """A custom-auth filter on metadata (studio.runtime.auth.filters semantics)."""


@dataclass(frozen=True)
class CronQuery:
    assistant_id: str | None = None
    thread_id: str | None = None
    enabled: bool | None = None
    metadata: dict[str, Any] | None = None
    sort_by: str = "created_at"
    sort_order: SortOrder = "desc"
    limit: int = 10
    offset: int = 0
    auth: dict[str, Any] | None = None
    """A custom-auth filter on metadata (studio.runtime.auth.filters semantics)."""
    thread_auth: dict[str, Any] | None = None
    """A custom-auth filter on the metadata of a cron's thread; crons without a thread pass
    it (as in LangGraph Server)."""


ThreadTTLStrategy = Literal["delete", "keep_latest"]


@dataclass(frozen=True)
class ExpiredThread:
    thread_id: str
    strategy: ThreadTTLStrategy


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int

    def has_more(self, offset: int) -> bool:
        return offset + len(self.rows) < self.total


@dataclass(frozen=True)
class RunInsert:
    """The result of trying to insert a run: the new run, or why not, and who else is running."""

    run: Run | None
    in_flight: list[Run]


CancelOutcome = Literal["dequeued", "deleted", "stopping"]
"""What a cancel did: a pending run was marked interrupted (`dequeued`) or, cancelled with
rollback, removed (`deleted`); or a running run was marked interrupted, and the process
executing it must now stop it (`stopping`)."""


class Storage(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    # assistants
    async def create_assistant(self, assistant: Assistant, if_exists: IfExists) -> Assistant: ...

    async def get_assistant(self, assistant_id: str) -> Assistant | None: ...

    async def update_assistant(
        self, assistant_id: str, changes: dict[str, Any], now: str
    ) -> Assistant | None: ...

    async def delete_assistant(self, assistant_id: str) -> bool: ...

    async def search_assistants(self, query: AssistantQuery) -> Page[Assistant]: ...

    async def count_assistants(self, query: AssistantQuery) -> int: ...

    async def assistant_versions(
        self, assistant_id: str, metadata: dict[str, Any] | None, limit: int, offset: int
    ) -> list[AssistantVersion]: ...

    async def set_assistant_version(
        self, assistant_id: str, version: int, now: str
    ) -> Assistant | None: ...

    # threads
    async def create_thread(self, thread: Thread, if_exists: IfExists) -> Thread: ...

    async def get_thread(self, thread_id: str) -> Thread | None: ...

    async def update_thread_metadata(
        self, thread_id: str, metadata: dict[str, Any], now: str
    ) -> Thread | None: ...

    async def delete_thread(self, thread_id: str) -> bool: ...

    async def search_threads(self, query: ThreadQuery) -> Page[Thread]: ...

    async def count_threads(self, query: ThreadQuery) -> int: ...

    async def set_thread_state(
        self,
        thread_id: str,
        *,
        values: Any,
        interrupts: dict[str, Any],
        next_nodes: Sequence[str],
        graph_id: str | None,
        now: str,
    ) -> Thread | None: ...

    # runs
    async def create_run(self, request: RunRequest, *, reject_if_busy: bool) -> RunInsert: ...

    async def get_run(self, thread_id: str, run_id: str) -> Run | None: ...

    async def find_run(self, run_id: str) -> Run | None: ...

    async def run_traceback(self, thread_id: str, run_id: str) -> str | None: ...

    async def list_runs(
        self, thread_id: str, *, limit: int, offset: int, status: RunStatus | None
    ) -> list[Run]: ...

    async def delete_run(self, thread_id: str, run_id: str) -> bool: ...

    async def in_flight_runs(self, thread_id: str) -> list[Run]: ...

    async def active_runs(self) -> list[tuple[Run, int]]: ...

    async def requeue_run(self, run_id: str, now: str) -> None: ...

    async def finish_run(self, run: Run, outcome: RunOutcome, graph_id: str, now: str) -> None: ...

    async def cancel_run(self, run_id: str, action: str, now: str) -> CancelOutcome | None: ...

    # crons
    async def create_cron(self, cron: Cron) -> Cron: ...

    async def get_cron(self, cron_id: str) -> Cron | None: ...

    async def update_cron(self, cron_id: str, change: Callable[[Cron], Cron]) -> Cron | None:
        """Replace the cron with `change(current)`, read and written in one transaction."""
        ...

    async def delete_cron(self, cron_id: str) -> bool: ...

    async def search_crons(self, query: CronQuery) -> Page[Cron]: ...

    async def count_crons(self, query: CronQuery) -> int: ...

    async def due_crons(self, now: str, limit: int) -> list[Cron]: ...

    async def next_cron_due(self, now: str) -> str | None:
        """The earliest `next_run_date` of the enabled crons that have not ended by `now`."""
        ...

    async def claim_cron_tick(self, cron_id: str, tick: str, next_tick: str) -> bool:
        """Move the cron from `tick` to `next_tick`; False if someone else already did."""
        ...

    async def fire_cron(
        self, cron_id: str, tick: str, next_tick: str, request: RunRequest, *, reject_if_busy: bool
    ) -> RunInsert | None:
        """Claim the tick and insert its run in one transaction, so a tick never makes two runs,
        whatever number of processes share the database; None if the tick was claimed already."""
        ...

    # thread expiry
    async def set_thread_ttl(
        self, thread_id: str, strategy: ThreadTTLStrategy, ttl_minutes: float
    ) -> None: ...

    async def expired_threads(
        self,
        now: str,
        *,
        default_minutes: float | None,
        default_strategy: ThreadTTLStrategy,
        limit: int,
    ) -> list[ExpiredThread]:
        """Idle threads untouched for longer than their TTL (or the default), not yet swept
        since their last change."""
        ...

    async def mark_thread_swept(self, thread_id: str, now: str) -> None: ...
