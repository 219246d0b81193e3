"""Runs in the Postgres storage: inserted with their thread's status, settled, cancelled.

The data rules are records.py's, as in SQLite; what Postgres adds is concurrency between
processes. A transaction that reads a thread's runs to decide its status (insert with
`reject`, finish, cancel) locks the thread's row first, so its decision holds until it
commits. Settling a run is fenced by the run's lease (storage/postgres_leases.py): a process
that lost its lease (it was presumed dead and the run was handed to another) cannot overwrite
what the new owner writes. Inserting a run notifies every process listening for work.
"""

from __future__ import annotations

from studio.protocol.schema import Run, RunStatus
from studio.runtime import records
from studio.runtime.records import RunOutcome, RunRequest
from studio.runtime.storage import tables
from studio.runtime.storage.base import CancelOutcome, NotFound, RunInsert
from studio.runtime.storage.postgres_db import Cursor
from studio.runtime.storage.postgres_leases import RUNS_CHANNEL, stop_payload
from studio.runtime.storage.postgres_rows import (
    ACTIVE,
    every,
    execute,
    has_in_flight,
    in_flight,
    lock_thread,
    one,
    write_thread,
)
from studio.runtime.storage.postgres_sql import SQL

_HOLDS_LEASE = (
    "(%(worker)s::integer IS NULL OR EXISTS (SELECT 1 FROM run_leases l "
    "WHERE l.run_id = %(run_id)s AND l.worker_id = %(worker)s))"
)
"""Whether the run's lease is this process's (no worker: the process executes no runs)."""


async def get(cursor: Cursor, thread_id: str, run_id: str) -> Run | None:
    found = await one(
        cursor, "SELECT * FROM runs WHERE run_id = %s AND thread_id = %s", (run_id, thread_id)
    )
    return tables.run(found) if found else None


async def find(cursor: Cursor, run_id: str) -> Run | None:
    found = await one(cursor, "SELECT * FROM runs WHERE run_id = %s", (run_id,))
    return tables.run(found) if found else None


async def traceback(cursor: Cursor, thread_id: str, run_id: str) -> str | None:
    found = await one(
        cursor,
        "SELECT traceback FROM runs WHERE run_id = %s AND thread_id = %s",
        (run_id, thread_id),
    )
    return None if found is None else found["traceback"]


async def listed(
    cursor: Cursor, thread_id: str, limit: int, offset: int, status: RunStatus | None
) -> list[Run]:
    where = SQL.where()
    where.equals("thread_id", thread_id)
    if status is not None:
        where.equals("status", status)
    found = await every(
        cursor,
        f"SELECT * FROM runs {where.sql()} ORDER BY created_at DESC, run_id DESC "
        "LIMIT %s OFFSET %s",
        [*where.params, limit, offset],
    )
    return [tables.run(r) for r in found]


async def active(cursor: Cursor) -> list[tuple[Run, int]]:
    found = await every(
        cursor, f"SELECT * FROM runs WHERE status IN {ACTIVE} ORDER BY created_at, run_id"
    )
    return [(tables.run(r), int(r["attempt"])) for r in found]


async def create(cursor: Cursor, request: RunRequest, reject_if_busy: bool) -> RunInsert:
    existing = await lock_thread(cursor, request.thread_id)
    if existing is None and request.if_not_exists != "create":
        raise NotFound(f"Thread '{request.thread_id}' not found")
    others = await in_flight(cursor, request.thread_id) if existing is not None else []
    if others and reject_if_busy:
        return RunInsert(None, others)
    thread = records.thread_for_run(existing, request, request.now)
    if thread is not existing:
        await write_thread(cursor, thread, insert=existing is None)
    run = records.run_for_request(thread if existing is not None else None, request, request.now)
    record = {**run, "temporary": request.temporary}
    await cursor.execute(
        SQL.insert("runs", tables.RUN_COLUMNS), SQL.encode(record, tables.RUN_JSON)
    )
    await cursor.execute("SELECT pg_notify(%s, 'run')", (RUNS_CHANNEL,))
    return RunInsert(run, others)


async def requeue(cursor: Cursor, run_id: str, now: str, worker: int | None) -> None:
    await cursor.execute(
        "UPDATE runs SET status = 'pending', updated_at = %(now)s "
        f"WHERE run_id = %(run_id)s AND status = 'running' AND {_HOLDS_LEASE}",
        {"now": now, "run_id": run_id, "worker": worker},
    )


async def finish(
    cursor: Cursor, run: Run, outcome: RunOutcome, graph_id: str, now: str, worker: int | None
) -> None:
    thread = await lock_thread(cursor, run["thread_id"])
    held = await one(
        cursor, f"SELECT {_HOLDS_LEASE} AS held", {"run_id": run["run_id"], "worker": worker}
    )
    if held is None or not held["held"]:
        return  # the run was handed to another process: its outcome is the new owner's
    if outcome.rolled_back:
        await cursor.execute("DELETE FROM runs WHERE run_id = %s", (run["run_id"],))
    else:
        await cursor.execute(
            "UPDATE runs SET status = %s, updated_at = %s, traceback = %s WHERE run_id = %s",
            (outcome.run_status, now, outcome.traceback, run["run_id"]),
        )
    if thread is None:
        return
    others = await has_in_flight(cursor, run["thread_id"])
    await write_thread(
        cursor, records.thread_after_run(thread, outcome, graph_id, others, now), insert=False
    )


async def cancel(
    cursor: Cursor, run_id: str, action: str, now: str, reason: str | None = None
) -> CancelOutcome | None:
    """Mark a pending or running run interrupted at once, as the reference does; a pending run
    cancelled with rollback is deleted, and its thread goes back to idle. A running run's
    worker is told in the same transaction (a `stop` NOTIFY, storage/postgres_leases.py), so
    the cancel reaches it even if no other signal does."""
    found = await one(cursor, "SELECT thread_id FROM runs WHERE run_id = %s", (run_id,))
    if found is None:
        return None
    thread_id = found["thread_id"]
    await lock_thread(cursor, thread_id)
    # Locked: a claim starting the run now (storage/postgres_leases.py) commits first, and
    # then the run is seen `running`, so its executor is told to stop.
    current = await one(
        cursor,
        f"SELECT status FROM runs WHERE run_id = %s AND status IN {ACTIVE} FOR UPDATE",
        (run_id,),
    )
    if current is None:
        return None
    pending = current["status"] == "pending"
    outcome: CancelOutcome
    if action == "rollback" and pending:
        await cursor.execute("DELETE FROM runs WHERE run_id = %s", (run_id,))
        outcome = "deleted"
    else:
        await cursor.execute(
            "UPDATE runs SET status = 'interrupted', updated_at = %s WHERE run_id = %s",
            (now, run_id),
        )
        outcome = "dequeued" if pending else "stopping"
        if not pending:
            await cursor.execute(
                "SELECT pg_notify(%s, %s)", (RUNS_CHANNEL, stop_payload(run_id, action, reason))
            )
    if pending and not await has_in_flight(cursor, thread_id):
        await execute(
            cursor,
            "UPDATE threads SET status = 'idle', updated_at = %s "
            "WHERE thread_id = %s AND status = 'busy'",
            (now, thread_id),
        )
    return outcome
