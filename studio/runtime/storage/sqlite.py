"""Assistants, threads, runs and crons in the embedded SQLite database.

Each public method is one transaction run on the database thread (see sqlite_db), so the
compound steps of LangGraph Server (insert a run and mark its thread busy; finish a run and
settle its thread) are atomic and durable before the caller hears about them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
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
from studio.runtime.auth.filters import sql_matches
from studio.runtime.records import RunOutcome, RunRequest
from studio.runtime.storage import sqlite_crons as crons
from studio.runtime.storage import sqlite_rows as rows
from studio.runtime.storage import sqlite_thread_ttl as thread_ttl
from studio.runtime.storage import tables
from studio.runtime.storage.base import (
    AssistantQuery,
    CancelOutcome,
    Conflict,
    CronQuery,
    ExpiredThread,
    NotFound,
    Page,
    RunInsert,
    ThreadQuery,
    ThreadTTLStrategy,
)
from studio.runtime.storage.jsonmatch import sql_contains
from studio.runtime.storage.sqlite_db import SqliteDatabase
from studio.runtime.storage.sqlite_schema import MIGRATIONS

ACTIVE = "('pending', 'running')"


class SqliteStorage:
    """The `Storage` of one project, in `<data_dir>/runtime.sqlite`."""

    def __init__(self, path: Path) -> None:
        self.db = SqliteDatabase(
            path,
            functions=[("json_contains", 2, sql_contains), ("auth_filter_matches", 2, sql_matches)],
        )

    async def open(self) -> None:
        await self.db.open(MIGRATIONS)

    async def close(self) -> None:
        await self.db.close()

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
            _delete_returning, "DELETE FROM assistants WHERE assistant_id = ?", (assistant_id,)
        )

    async def search_assistants(self, query: AssistantQuery) -> Page[Assistant]:
        return await self.db.run(_search_assistants, query)

    async def count_assistants(self, query: AssistantQuery) -> int:
        return await self.db.run(rows.count, "assistants", rows.SQL.assistant_where(query))

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
        return await self.db.run(_get_thread, thread_id)

    async def update_thread_metadata(
        self, thread_id: str, metadata: dict[str, Any], now: str
    ) -> Thread | None:
        return await self.db.transaction(_update_thread_metadata, thread_id, metadata, now)

    async def delete_thread(self, thread_id: str) -> bool:
        return await self.db.transaction(
            _delete_returning, "DELETE FROM threads WHERE thread_id = ?", (thread_id,)
        )

    async def search_threads(self, query: ThreadQuery) -> Page[Thread]:
        return await self.db.run(_search_threads, query)

    async def count_threads(self, query: ThreadQuery) -> int:
        return await self.db.run(rows.count, "threads", rows.SQL.thread_where(query))

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
        return await self.db.transaction(_create_run, request, reject_if_busy)

    async def get_run(self, thread_id: str, run_id: str) -> Run | None:
        return await self.db.run(_get_run, thread_id, run_id)

    async def find_run(self, run_id: str) -> Run | None:
        return await self.db.run(_find_run, run_id)

    async def run_traceback(self, thread_id: str, run_id: str) -> str | None:
        return await self.db.run(_run_traceback, thread_id, run_id)

    async def list_runs(
        self, thread_id: str, *, limit: int, offset: int, status: RunStatus | None
    ) -> list[Run]:
        return await self.db.run(_list_runs, thread_id, limit, offset, status)

    async def delete_run(self, thread_id: str, run_id: str) -> bool:
        return await self.db.transaction(
            _delete_returning,
            "DELETE FROM runs WHERE run_id = ? AND thread_id = ?",
            (run_id, thread_id),
        )

    async def in_flight_runs(self, thread_id: str) -> list[Run]:
        return await self.db.run(_in_flight, thread_id)

    async def active_runs(self) -> list[tuple[Run, int]]:
        return await self.db.run(_active_runs)

    async def start_runs(self, run_ids: Sequence[str], now: str) -> dict[str, int]:
        return await self.db.transaction(_start_runs, run_ids, now)

    async def requeue_run(self, run_id: str, now: str) -> None:
        await self.db.transaction(
            _execute,
            "UPDATE runs SET status = 'pending', updated_at = ? "
            "WHERE run_id = ? AND status = 'running'",
            (now, run_id),
        )

    async def finish_run(self, run: Run, outcome: RunOutcome, graph_id: str, now: str) -> None:
        await self.db.transaction(_finish_run, run, outcome, graph_id, now)

    async def cancel_run(self, run_id: str, action: str, now: str) -> CancelOutcome | None:
        return await self.db.transaction(_cancel_run, run_id, action, now)

    # crons ------------------------------------------------------------------------------

    async def create_cron(self, cron: Cron) -> Cron:
        return await self.db.transaction(crons.create, cron)

    async def get_cron(self, cron_id: str) -> Cron | None:
        return await self.db.run(crons.get, cron_id)

    async def update_cron(self, cron_id: str, change: Callable[[Cron], Cron]) -> Cron | None:
        return await self.db.transaction(crons.update, cron_id, change)

    async def delete_cron(self, cron_id: str) -> bool:
        return await self.db.transaction(
            _delete_returning, "DELETE FROM crons WHERE cron_id = ?", (cron_id,)
        )

    async def search_crons(self, query: CronQuery) -> Page[Cron]:
        return await self.db.run(crons.search, query)

    async def count_crons(self, query: CronQuery) -> int:
        return await self.db.run(rows.count, "crons", rows.SQL.cron_where(query))

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
            crons.fire, cron_id, tick, next_tick, request, reject_if_busy, _create_run
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


# --- shared ------------------------------------------------------------------------------


def _execute(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> None:
    conn.execute(sql, params)


def _delete_returning(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> bool:
    return conn.execute(sql, params).rowcount > 0


# --- assistants ---------------------------------------------------------------------------


def _get_assistant(conn: sqlite3.Connection, assistant_id: str) -> Assistant | None:
    row = conn.execute("SELECT * FROM assistants WHERE assistant_id = ?", (assistant_id,))
    found = row.fetchone()
    return rows.assistant(found) if found else None


def _insert_version(conn: sqlite3.Connection, assistant: Assistant) -> None:
    version = records.version_of(assistant)
    conn.execute(
        rows.SQL.insert("assistant_versions", tables.VERSION_COLUMNS),
        rows.SQL.encode(dict(version), tables.ASSISTANT_JSON),
    )


def _create_assistant(
    conn: sqlite3.Connection, assistant: Assistant, if_exists: IfExists
) -> Assistant:
    existing = _get_assistant(conn, assistant["assistant_id"])
    if existing is not None:
        if if_exists == "do_nothing":
            return existing
        raise Conflict(f"Assistant '{assistant['assistant_id']}' already exists")
    conn.execute(
        rows.SQL.insert("assistants", tables.ASSISTANT_COLUMNS),
        rows.SQL.encode(dict(assistant), tables.ASSISTANT_JSON),
    )
    _insert_version(conn, assistant)
    return assistant


def _update_assistant(
    conn: sqlite3.Connection, assistant_id: str, changes: dict[str, Any], now: str
) -> Assistant | None:
    current = _get_assistant(conn, assistant_id)
    if current is None:
        return None
    (latest,) = conn.execute(
        "SELECT MAX(version) FROM assistant_versions WHERE assistant_id = ?", (assistant_id,)
    ).fetchone()
    updated = records.assistant_updated(current, changes, int(latest or 0), now)
    conn.execute(
        rows.SQL.update("assistants", tables.ASSISTANT_COLUMNS, "assistant_id"),
        rows.SQL.encode(dict(updated), tables.ASSISTANT_JSON),
    )
    _insert_version(conn, updated)
    return updated


def _search_assistants(conn: sqlite3.Connection, query: AssistantQuery) -> Page[Assistant]:
    where = rows.SQL.assistant_where(query)
    order = rows.SQL.assistant_order(query)
    return rows.page(conn, "assistants", where, order, query.limit, query.offset, rows.assistant)


def _assistant_versions(
    conn: sqlite3.Connection,
    assistant_id: str,
    metadata: dict[str, Any] | None,
    limit: int,
    offset: int,
) -> list[AssistantVersion]:
    where = rows.SQL.where()
    where.add("assistant_id = ?", assistant_id)
    where.contains("metadata", metadata)
    found = conn.execute(
        f"SELECT * FROM assistant_versions {where.sql()} ORDER BY version DESC LIMIT ? OFFSET ?",
        [*where.params, limit, offset],
    ).fetchall()
    return [rows.assistant_version(r) for r in found]


def _set_assistant_version(
    conn: sqlite3.Connection, assistant_id: str, version: int, now: str
) -> Assistant | None:
    current = _get_assistant(conn, assistant_id)
    found = conn.execute(
        "SELECT * FROM assistant_versions WHERE assistant_id = ? AND version = ?",
        (assistant_id, version),
    ).fetchone()
    if current is None or found is None:
        return None
    updated = records.assistant_at_version(current, rows.assistant_version(found), now)
    conn.execute(
        rows.SQL.update("assistants", tables.ASSISTANT_COLUMNS, "assistant_id"),
        rows.SQL.encode(dict(updated), tables.ASSISTANT_JSON),
    )
    return updated


# --- threads ------------------------------------------------------------------------------


def _get_thread(conn: sqlite3.Connection, thread_id: str) -> Thread | None:
    found = conn.execute("SELECT * FROM threads WHERE thread_id = ?", (thread_id,)).fetchone()
    return rows.thread(found) if found else None


def _write_thread(conn: sqlite3.Connection, thread: Thread, *, insert: bool) -> None:
    sql = (
        rows.SQL.insert("threads", tables.THREAD_COLUMNS)
        if insert
        else rows.SQL.update("threads", tables.THREAD_COLUMNS, "thread_id")
    )
    conn.execute(sql, rows.SQL.encode(dict(thread), tables.THREAD_JSON))


def _create_thread(conn: sqlite3.Connection, thread: Thread, if_exists: IfExists) -> Thread:
    existing = _get_thread(conn, thread["thread_id"])
    if existing is not None:
        if if_exists == "do_nothing":
            return existing
        raise Conflict(f"Thread with ID {thread['thread_id']} already exists")
    _write_thread(conn, thread, insert=True)
    return thread


def _update_thread_metadata(
    conn: sqlite3.Connection, thread_id: str, metadata: dict[str, Any], now: str
) -> Thread | None:
    thread = _get_thread(conn, thread_id)
    if thread is None:
        return None
    updated = records.thread_with_metadata(thread, metadata, now)
    _write_thread(conn, updated, insert=False)
    return updated


def _search_threads(conn: sqlite3.Connection, query: ThreadQuery) -> Page[Thread]:
    where = rows.SQL.thread_where(query)
    order = rows.SQL.thread_order(query)
    return rows.page(conn, "threads", where, order, query.limit, query.offset, rows.thread)


def _has_in_flight(conn: sqlite3.Connection, thread_id: str) -> bool:
    found = conn.execute(
        f"SELECT 1 FROM runs WHERE thread_id = ? AND status IN {ACTIVE} LIMIT 1", (thread_id,)
    ).fetchone()
    return found is not None


def _set_thread_state(
    conn: sqlite3.Connection,
    thread_id: str,
    values: Any,
    interrupts: dict[str, Any],
    next_nodes: Sequence[str],
    graph_id: str | None,
    now: str,
) -> Thread | None:
    thread = _get_thread(conn, thread_id)
    if thread is None:
        return None
    updated = records.thread_with_state(
        thread,
        values=values,
        interrupts=interrupts,
        next_nodes=next_nodes,
        graph_id=graph_id,
        busy=_has_in_flight(conn, thread_id),
        now=now,
    )
    _write_thread(conn, updated, insert=False)
    return updated


# --- runs ---------------------------------------------------------------------------------


def _get_run(conn: sqlite3.Connection, thread_id: str, run_id: str) -> Run | None:
    found = conn.execute(
        "SELECT * FROM runs WHERE run_id = ? AND thread_id = ?", (run_id, thread_id)
    ).fetchone()
    return rows.run(found) if found else None


def _find_run(conn: sqlite3.Connection, run_id: str) -> Run | None:
    found = conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return rows.run(found) if found else None


def _run_traceback(conn: sqlite3.Connection, thread_id: str, run_id: str) -> str | None:
    found = conn.execute(
        "SELECT traceback FROM runs WHERE run_id = ? AND thread_id = ?", (run_id, thread_id)
    ).fetchone()
    return None if found is None else found["traceback"]


def _in_flight(conn: sqlite3.Connection, thread_id: str) -> list[Run]:
    found = conn.execute(
        f"SELECT * FROM runs WHERE thread_id = ? AND status IN {ACTIVE} ORDER BY created_at",
        (thread_id,),
    ).fetchall()
    return [rows.run(r) for r in found]


def _list_runs(
    conn: sqlite3.Connection, thread_id: str, limit: int, offset: int, status: RunStatus | None
) -> list[Run]:
    where = rows.SQL.where()
    where.add("thread_id = ?", thread_id)
    if status is not None:
        where.add("status = ?", status)
    found = conn.execute(
        f"SELECT * FROM runs {where.sql()} ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?",
        [*where.params, limit, offset],
    ).fetchall()
    return [rows.run(r) for r in found]


def _create_run(conn: sqlite3.Connection, request: RunRequest, reject_if_busy: bool) -> RunInsert:
    existing = _get_thread(conn, request.thread_id)
    if existing is None and request.if_not_exists != "create":
        raise NotFound(f"Thread '{request.thread_id}' not found")
    in_flight = _in_flight(conn, request.thread_id) if existing is not None else []
    if in_flight and reject_if_busy:
        return RunInsert(None, in_flight)
    thread = records.thread_for_run(existing, request, request.now)
    if thread is not existing:
        _write_thread(conn, thread, insert=existing is None)
    run = records.run_for_request(thread if existing is not None else None, request, request.now)
    record = {**run, "temporary": int(request.temporary)}
    conn.execute(
        rows.SQL.insert("runs", tables.RUN_COLUMNS), rows.SQL.encode(record, tables.RUN_JSON)
    )
    return RunInsert(run, in_flight)


def _active_runs(conn: sqlite3.Connection) -> list[tuple[Run, int]]:
    found = conn.execute(
        f"SELECT * FROM runs WHERE status IN {ACTIVE} ORDER BY created_at, run_id"
    ).fetchall()
    return [(rows.run(r), int(r["attempt"])) for r in found]


def _start_runs(conn: sqlite3.Connection, run_ids: Sequence[str], now: str) -> dict[str, int]:
    """Mark the runs that are still pending as running; their attempt numbers, by run id."""
    started: dict[str, int] = {}
    for run_id in run_ids:
        found = conn.execute(
            "UPDATE runs SET status = 'running', attempt = attempt + 1, updated_at = ? "
            "WHERE run_id = ? AND status = 'pending' RETURNING attempt",
            (now, run_id),
        ).fetchone()
        if found:
            started[run_id] = int(found[0])
    return started


def _finish_run(
    conn: sqlite3.Connection, run: Run, outcome: RunOutcome, graph_id: str, now: str
) -> None:
    if outcome.rolled_back:
        conn.execute("DELETE FROM runs WHERE run_id = ?", (run["run_id"],))
    else:
        conn.execute(
            "UPDATE runs SET status = ?, updated_at = ?, traceback = ? WHERE run_id = ?",
            (outcome.run_status, now, outcome.traceback, run["run_id"]),
        )
    thread = _get_thread(conn, run["thread_id"])
    if thread is None:
        return
    updated = records.thread_after_run(
        thread, outcome, graph_id, _has_in_flight(conn, run["thread_id"]), now
    )
    _write_thread(conn, updated, insert=False)


def _cancel_run(
    conn: sqlite3.Connection, run_id: str, action: str, now: str
) -> CancelOutcome | None:
    """Mark a pending or running run interrupted at once, as the reference does; a pending run
    cancelled with rollback is deleted, and its thread goes back to idle."""
    found = conn.execute(
        f"SELECT thread_id, status FROM runs WHERE run_id = ? AND status IN {ACTIVE}", (run_id,)
    ).fetchone()
    if found is None:
        return None
    thread_id = found["thread_id"]
    outcome: CancelOutcome
    if action == "rollback" and found["status"] == "pending":
        conn.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
        outcome = "deleted"
    else:
        conn.execute(
            "UPDATE runs SET status = 'interrupted', updated_at = ? WHERE run_id = ?",
            (now, run_id),
        )
        outcome = "dequeued" if found["status"] == "pending" else "stopping"
    if found["status"] == "pending" and not _has_in_flight(conn, thread_id):
        conn.execute(
            "UPDATE threads SET status = 'idle', updated_at = ? "
            "WHERE thread_id = ? AND status = 'busy'",
            (now, thread_id),
        )
    return outcome
