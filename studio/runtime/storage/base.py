"""The one storage interface of the runtime: assistants, threads and runs.

Checkpoints are not here: they live behind langgraph's `BaseCheckpointSaver`. Every method is
one atomic step, so a crash between two calls never leaves a half-written thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from studio.protocol.schema import (
    Assistant,
    AssistantVersion,
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


CancelOutcome = Literal["interrupted", "deleted"]


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

    async def start_runs(self, run_ids: Sequence[str], now: str) -> dict[str, int]: ...

    async def requeue_run(self, run_id: str, now: str) -> None: ...

    async def finish_run(self, run: Run, outcome: RunOutcome, graph_id: str, now: str) -> None: ...

    async def cancel_run(self, run_id: str, action: str, now: str) -> CancelOutcome | None: ...
