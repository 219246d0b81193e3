"""Assistants, threads, runs and crons in Postgres: the storage of a scale-out deployment.

The same `Storage` as SQLite's (storage/sqlite.py), with the same rules (records.py) and the
same SQL builders (storage/sql.py); every public method is one transaction on a pooled
connection, so any number of server processes can share the database. Runs, crons and thread
expiry live in their own modules; this one holds assistants and threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from studio.protocol.schema import (
    Assistant,
    AssistantVersion,
    Cron,
    IfExists,
    Run,
    RunStatus,
    Thread,
)
from studio.runtime import records
from studio.runtime.records import RunOutcome, RunRequest
from studio.runtime.storage import postgres_crons as crons
from studio.runtime.storage import postgres_runs as runs
from studio.runtime.storage import postgres_thread_ttl as thread_ttl
from studio.runtime.storage import tables
from studio.runtime.storage.base import (
    AssistantQuery,
    CancelOutcome,
    Conflict,
    CronQuery,
    ExpiredThread,
    Page,
    RunInsert,
    ThreadQuery,
    ThreadTTLStrategy,
)
from studio.runtime.storage.postgres_db import Cursor, PostgresDatabase
from studio.runtime.storage.postgres_leases import WorkerIdentity
from studio.runtime.storage.postgres_rows import (
    count,
    deleted,
    every,
    get_thread,
    has_in_flight,
    in_flight,
    lock_thread,
    one,
    page,
    write_thread,
)
from studio.runtime.storage.postgres_schema import MIGRATIONS, MIGRATIONS_TABLE
from studio.runtime.storage.postgres_sql import SQL


class PostgresStorage:
    """The `Storage` of a deployment, in the database of its pool.

    `worker` is this process's registration as a queue worker (queue_postgres.py): runs are
    settled only while the process still holds their lease."""

    def __init__(self, db: PostgresDatabase, worker: WorkerIdentity) -> None:
        self.db = db
        self.worker = worker

    async def open(self) -> None:
        """Create or migrate the tables (hold `db.setup_lock()` when processes may race)."""
        await self.db.migrate(MIGRATIONS_TABLE, MIGRATIONS)

    async def close(self) -> None:
        """Nothing of its own to close: the pool belongs to whoever made it."""

    async def deployment_id(self) -> str:
        """The id of the deployment this database holds (made with its tables)."""
        return await self.db.run(_deployment_id)

    # assistants -------------------------------------------------------------------------

    async def create_assistant(self, assistant: Assistant, if_exists: IfExists) -> Assistant:
        return await self.db.transaction(_create_assistant, assistant, if_exists)

    async def get_assistant(self, assistant_id: str) -> Assistant | None:
        return await self.db.run(_get_assistant, assistant_id)

    async def update_assistant(
        self, assistant_id: str, changes: dict[str, Any], now: str
    ) -> Assistant | None:
        return await self.db.transaction(_update_assistant, assistant_id, changes, now)

    async def delete_assistant(self, assistant_id: str) -> bool:
        return await self.db.transaction(
            deleted, "DELETE FROM assistants WHERE assistant_id = %s", (assistant_id,)
        )

    async def search_assistants(self, query: AssistantQuery) -> Page[Assistant]:
        where, order = SQL.assistant_where(query), SQL.assistant_order(query)
        return await self.db.run(
            page, "assistants", where, order, query.limit, query.offset, tables.assistant
        )

    async def count_assistants(self, query: AssistantQuery) -> int:
        return await self.db.run(count, "assistants", SQL.assistant_where(query))

    async def assistant_versions(
        self, assistant_id: str, metadata: dict[str, Any] | None, limit: int, offset: int
    ) -> list[AssistantVersion]:
        return await self.db.run(_assistant_versions, assistant_id, metadata, limit, offset)

    async def set_assistant_version(
        self, assistant_id: str, version: int, now: str
    ) -> Assistant | None:
        return await self.db.transaction(_set_assistant_version, assistant_id, version, now)

    # threads ----------------------------------------------------------------------------

    async def create_thread(self, thread: Thread, if_exists: IfExists) -> Thread:
        return await self.db.transaction(_create_thread, thread, if_exists)

    async def get_thread(self, thread_id: str) -> Thread | None:
        return await self.db.run(get_thread, thread_id)

    async def update_thread_metadata(
        self, thread_id: str, metadata: dict[str, Any], now: str
    ) -> Thread | None:
        return await self.db.transaction(_update_thread_metadata, thread_id, metadata, now)

    async def delete_thread(self, thread_id: str) -> bool:
        return await self.db.transaction(
            deleted, "DELETE FROM threads WHERE thread_id = %s", (thread_id,)
        )

    async def search_threads(self, query: ThreadQuery) -> Page[Thread]:
        where, order = SQL.thread_where(query), SQL.thread_order(query)
        return await self.db.run(
            page, "threads", where, order, query.limit, query.offset, tables.thread
        )

    async def count_threads(self, query: ThreadQuery) -> int:
        return await self.db.run(count, "threads", SQL.thread_where(query))

    async def set_thread_state(
        self,
        thread_id: str,
        *,
        values: Any,
        interrupts: dict[str, Any],
        next_nodes: Sequence[str],
        graph_id: str | None,
        now: str,
    ) -> Thread | None:
        return await self.db.transaction(
            _set_thread_state, thread_id, values, interrupts, next_nodes, graph_id, now
        )

    # runs -------------------------------------------------------------------------------

    async def create_run(self, request: RunRequest, *, reject_if_busy: bool) -> RunInsert:
        return await self.db.transaction(runs.create, request, reject_if_busy)

    async def get_run(self, thread_id: str, run_id: str) -> Run | None:
        return await self.db.run(runs.get, thread_id, run_id)

    async def find_run(self, run_id: str) -> Run | None:
        return await self.db.run(runs.find, run_id)

    async def run_traceback(self, thread_id: str, run_id: str) -> str | None:
        return await self.db.run(runs.traceback, thread_id, run_id)

    async def list_runs(
        self, thread_id: str, *, limit: int, offset: int, status: RunStatus | None
    ) -> list[Run]:
        return await self.db.run(runs.listed, thread_id, limit, offset, status)

    async def delete_run(self, thread_id: str, run_id: str) -> bool:
        return await self.db.transaction(
            deleted,
            "DELETE FROM runs WHERE run_id = %s AND thread_id = %s",
            (run_id, thread_id),
        )

    async def in_flight_runs(self, thread_id: str) -> list[Run]:
        return await self.db.run(in_flight, thread_id)

    async def active_runs(self) -> list[tuple[Run, int]]:
        return await self.db.run(runs.active)

    async def requeue_run(self, run_id: str, now: str) -> None:
        await self.db.transaction(runs.requeue, run_id, now, self.worker.worker_id)

    async def finish_run(self, run: Run, outcome: RunOutcome, graph_id: str, now: str) -> None:
        await self.db.transaction(runs.finish, run, outcome, graph_id, now, self.worker.worker_id)

    async def cancel_run(
        self, run_id: str, action: str, now: str, reason: str | None = None
    ) -> CancelOutcome | None:
        """`reason` goes to the worker executing the run, with the cancel."""
        return await self.db.transaction(runs.cancel, run_id, action, now, reason)

    # crons ------------------------------------------------------------------------------

    async def create_cron(self, cron: Cron) -> Cron:
        return await self.db.transaction(crons.create, cron)

    async def get_cron(self, cron_id: str) -> Cron | None:
        return await self.db.run(crons.get, cron_id)

    async def update_cron(self, cron_id: str, change: Callable[[Cron], Cron]) -> Cron | None:
        return await self.db.transaction(crons.update, cron_id, change)

    async def delete_cron(self, cron_id: str) -> bool:
        return await self.db.transaction(
            deleted, "DELETE FROM crons WHERE cron_id = %s", (cron_id,)
        )

    async def search_crons(self, query: CronQuery) -> Page[Cron]:
        return await self.db.run(crons.search, query)

    async def count_crons(self, query: CronQuery) -> int:
        return await self.db.run(count, "crons", SQL.cron_where(query))

    async def due_crons(self, now: str, limit: int) -> list[Cron]:
        return await self.db.run(crons.due, now, limit)

    async def next_cron_due(self, now: str) -> str | None:
        return await self.db.run(crons.next_due, now)

    async def claim_cron_tick(self, cron_id: str, tick: str, next_tick: str) -> bool:
        return await self.db.transaction(crons.claim, cron_id, tick, next_tick)

    async def fire_cron(
        self, cron_id: str, tick: str, next_tick: str, request: RunRequest, *, reject_if_busy: bool
    ) -> RunInsert | None:
        return await self.db.transaction(
            crons.fire, cron_id, tick, next_tick, request, reject_if_busy
        )

    # thread expiry ----------------------------------------------------------------------

    async def set_thread_ttl(
        self, thread_id: str, strategy: ThreadTTLStrategy, ttl_minutes: float
    ) -> None:
        await self.db.transaction(thread_ttl.set_ttl, thread_id, strategy, ttl_minutes)

    async def expired_threads(
        self,
        now: str,
        *,
        default_minutes: float | None,
        default_strategy: ThreadTTLStrategy,
        limit: int,
    ) -> list[ExpiredThread]:
        return await self.db.run(thread_ttl.expired, now, default_minutes, default_strategy, limit)

    async def mark_thread_swept(self, thread_id: str, now: str) -> None:
        await self.db.transaction(thread_ttl.mark_swept, thread_id, now)


async def _deployment_id(cursor: Cursor) -> str:
    found = await one(cursor, "SELECT deployment_id FROM deployment")
    assert found is not None, "the first migration makes it"
    return str(found["deployment_id"])


# --- assistants ---------------------------------------------------------------------------


async def _get_assistant(
    cursor: Cursor, assistant_id: str, *, lock: bool = False
) -> Assistant | None:
    sql = "SELECT * FROM assistants WHERE assistant_id = %s" + (" FOR UPDATE" if lock else "")
    found = await one(cursor, sql, (assistant_id,))
    return tables.assistant(found) if found else None


async def _write_assistant(cursor: Cursor, assistant: Assistant, *, insert: bool) -> None:
    sql = (
        SQL.insert("assistants", tables.ASSISTANT_COLUMNS)
        if insert
        else SQL.update("assistants", tables.ASSISTANT_COLUMNS, "assistant_id")
    )
    await cursor.execute(sql, SQL.encode(assistant, tables.ASSISTANT_JSON))


async def _insert_version(cursor: Cursor, assistant: Assistant) -> None:
    await cursor.execute(
        SQL.insert("assistant_versions", tables.VERSION_COLUMNS),
        SQL.encode(records.version_of(assistant), tables.ASSISTANT_JSON),
    )


async def _create_assistant(cursor: Cursor, assistant: Assistant, if_exists: IfExists) -> Assistant:
    existing = await _get_assistant(cursor, assistant["assistant_id"])
    if existing is not None:
        if if_exists == "do_nothing":
            return existing
        raise Conflict(f"Assistant '{assistant['assistant_id']}' already exists")
    await _write_assistant(cursor, assistant, insert=True)
    await _insert_version(cursor, assistant)
    return assistant


async def _update_assistant(
    cursor: Cursor, assistant_id: str, changes: dict[str, Any], now: str
) -> Assistant | None:
    current = await _get_assistant(cursor, assistant_id, lock=True)
    if current is None:
        return None
    latest = await one(
        cursor,
        "SELECT MAX(version) AS latest FROM assistant_versions WHERE assistant_id = %s",
        (assistant_id,),
    )
    version = int(latest["latest"] or 0) if latest else 0
    updated = records.assistant_updated(current, changes, version, now)
    await _write_assistant(cursor, updated, insert=False)
    await _insert_version(cursor, updated)
    return updated


async def _assistant_versions(
    cursor: Cursor, assistant_id: str, metadata: dict[str, Any] | None, limit: int, offset: int
) -> list[AssistantVersion]:
    where = SQL.where()
    where.equals("assistant_id", assistant_id)
    where.contains("metadata", metadata)
    found = await every(
        cursor,
        f"SELECT * FROM assistant_versions {where.sql()} ORDER BY version DESC LIMIT %s OFFSET %s",
        [*where.params, limit, offset],
    )
    return [tables.assistant_version(r) for r in found]


async def _set_assistant_version(
    cursor: Cursor, assistant_id: str, version: int, now: str
) -> Assistant | None:
    current = await _get_assistant(cursor, assistant_id, lock=True)
    found = await one(
        cursor,
        "SELECT * FROM assistant_versions WHERE assistant_id = %s AND version = %s",
        (assistant_id, version),
    )
    if current is None or found is None:
        return None
    updated = records.assistant_at_version(current, tables.assistant_version(found), now)
    await _write_assistant(cursor, updated, insert=False)
    return updated


# --- threads ------------------------------------------------------------------------------


async def _create_thread(cursor: Cursor, thread: Thread, if_exists: IfExists) -> Thread:
    existing = await get_thread(cursor, thread["thread_id"])
    if existing is not None:
        if if_exists == "do_nothing":
            return existing
        raise Conflict(f"Thread with ID {thread['thread_id']} already exists")
    await write_thread(cursor, thread, insert=True)
    return thread


async def _update_thread_metadata(
    cursor: Cursor, thread_id: str, metadata: dict[str, Any], now: str
) -> Thread | None:
    thread = await lock_thread(cursor, thread_id)
    if thread is None:
        return None
    updated = records.thread_with_metadata(thread, metadata, now)
    await write_thread(cursor, updated, insert=False)
    return updated


async def _set_thread_state(
    cursor: Cursor,
    thread_id: str,
    values: Any,
    interrupts: dict[str, Any],
    next_nodes: Sequence[str],
    graph_id: str | None,
    now: str,
) -> Thread | None:
    thread = await lock_thread(cursor, thread_id)
    if thread is None:
        return None
    updated = records.thread_with_state(
        thread,
        values=values,
        interrupts=interrupts,
        next_nodes=next_nodes,
        graph_id=graph_id,
        busy=await has_in_flight(cursor, thread_id),
        now=now,
    )
    await write_thread(cursor, updated, insert=False)
    return updated
