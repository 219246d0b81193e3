"""The scale-out queue in Postgres: workers, their leases on runs, claims and recovery.

- A **worker** is one live server process. It registers on a connection of its own, which
  holds a session advisory lock named by its worker id for as long as the process lives, and
  LISTENs there for work. A process killed with `kill -9` drops that connection, Postgres
  releases the lock at once, and the others see it gone once its last heartbeat is
  `grace_seconds` old; a process that hangs with its connection open stops refreshing
  `heartbeat_at`, and is presumed dead after `lease_seconds`. The grace is for a process that
  lost the connection but lives on: it stops heartbeating and stops its runs at once
  (studio/runtime/queue_postgres.py), and only then may the others run them again.
- A **lease** (`run_leases`) says which worker executes a run. There is at most one per
  thread (its primary key), so a thread's runs execute one at a time across processes, and
  the lease is held until the run's task has ended (its rollback included), not merely until
  its status changed.
- A **claim** takes, with `FOR UPDATE SKIP LOCKED`, the oldest pending run of each thread no
  one holds a lease on, up to the worker's free capacity, and leases and starts them in the
  same statement; concurrent claims skip each other's rows instead of waiting.
- The **reaper** (any worker, every second) deletes dead workers; their leases go with them,
  their running runs go back to pending (the next attempt continues from the last
  checkpoint, and `MAX_ATTEMPTS` bounds a run that keeps killing its process).

Every change that may let a run start (a new run, a released lease, a requeued run) is
announced with NOTIFY on `RUNS_CHANNEL`; `done <run_id>` payloads tell waiters that a run's
task ended; `stop {...}` payloads (`stop_payload`) tell the worker executing a run that it was
cancelled. That one is sent in the cancel's own transaction, so it reaches the worker's
connection if and only if the cancel committed: it cannot be lost while the worker holds its
lease, and a worker that loses that connection stops its runs (studio/runtime/queue_postgres.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import orjson

from studio.protocol.schema import Run
from studio.runtime.storage import tables
from studio.runtime.storage.postgres_db import Connection, Cursor
from studio.runtime.storage.postgres_rows import ACTIVE, every, one

RUNS_CHANNEL = "lg_studio_runs"
WORKER_LOCK = 0x6C677377
"""First key of the workers' advisory locks (the second is the worker id)."""
STOP = "stop "
REASON_CHARS = 1000
"""A stop's reason is cut to this: a NOTIFY payload must stay under 8000 bytes."""


@dataclass
class WorkerIdentity:
    """The worker id of this process while it is registered: it fences what the process
    writes about runs (storage/postgres_runs.py)."""

    worker_id: int | None = None


@dataclass(frozen=True)
class Stop:
    """A cancel of a running run, for the worker executing it."""

    run_id: str
    action: str
    reason: str | None


def stop_payload(run_id: str, action: str, reason: str | None) -> str:
    reason = None if reason is None else reason[:REASON_CHARS]
    return STOP + orjson.dumps({"run_id": run_id, "action": action, "reason": reason}).decode()


def read_stop(payload: str) -> Stop | None:
    """The stop a NOTIFY payload carries, if it is one."""
    if not payload.startswith(STOP):
        return None
    fields = cast(dict[str, Any], orjson.loads(payload[len(STOP) :]))
    return Stop(fields["run_id"], fields["action"], fields["reason"])


@dataclass(frozen=True)
class Freed:
    """A lease the reaper took back from a dead worker."""

    run_id: str
    thread_id: str
    requeued: bool


async def register(conn: Connection, host: str, pid: int) -> int:
    """Register this process as a worker on `conn`, its own connection, and listen there.
    The lock is taken before the row exists, so no reaper ever sees the row without it."""
    row = await (await conn.execute("SELECT nextval('workers_seq')::integer AS id")).fetchone()
    assert row is not None
    worker_id = int(row["id"])
    await conn.execute("SELECT pg_advisory_lock(%s, %s)", (WORKER_LOCK, worker_id))
    await conn.execute(
        "INSERT INTO workers (worker_id, host, pid) VALUES (%s, %s, %s)", (worker_id, host, pid)
    )
    await conn.execute(f"LISTEN {RUNS_CHANNEL}")
    return worker_id


async def heartbeat(cursor: Cursor, worker_id: int) -> bool:
    """Refresh the worker's lease; False if it was reaped meanwhile."""
    await cursor.execute(
        "UPDATE workers SET heartbeat_at = now() WHERE worker_id = %s", (worker_id,)
    )
    return cursor.rowcount > 0


async def retire(cursor: Cursor, worker_id: int, now: str) -> None:
    """A worker that stops: what it still leases goes back to the queue, then it is gone."""
    await cursor.execute(
        "UPDATE runs SET status = 'pending', updated_at = %s FROM run_leases l "
        "WHERE l.worker_id = %s AND runs.run_id = l.run_id AND runs.status = 'running'",
        (now, worker_id),
    )
    await cursor.execute("DELETE FROM workers WHERE worker_id = %s", (worker_id,))
    await cursor.execute("SELECT pg_notify(%s, 'run')", (RUNS_CHANNEL,))


_REAP = f"""
WITH dead AS (
    SELECT w.worker_id FROM workers w
    WHERE w.worker_id IS DISTINCT FROM %(me)s
      AND (w.heartbeat_at < now() - make_interval(secs => %(lease)s)
           OR w.heartbeat_at < now() - make_interval(secs => %(grace)s) AND NOT EXISTS (
               SELECT 1 FROM pg_locks l
               WHERE l.locktype = 'advisory' AND l.granted
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND l.classid = {WORKER_LOCK}::oid
                 AND l.objid = w.worker_id::oid
                 AND l.objsubid = 2))
    FOR UPDATE SKIP LOCKED
), freed AS (
    DELETE FROM run_leases l USING dead WHERE l.worker_id = dead.worker_id
    RETURNING l.run_id, l.thread_id
), requeued AS (
    UPDATE runs r SET status = 'pending', updated_at = %(now)s
    FROM freed WHERE r.run_id = freed.run_id AND r.status = 'running'
    RETURNING r.run_id
), gone AS (
    DELETE FROM workers w USING dead WHERE w.worker_id = dead.worker_id
)
SELECT freed.run_id, freed.thread_id, requeued.run_id IS NOT NULL AS requeued
FROM freed LEFT JOIN requeued ON requeued.run_id = freed.run_id
"""


async def reap(
    cursor: Cursor, me: int | None, lease_seconds: float, grace_seconds: float, now: str
) -> list[Freed]:
    """Delete the dead workers; requeue their running runs and free their threads. A run they
    had been told to stop (no longer `running`) stays as it was marked, and its thread goes
    back to idle if nothing else is in flight on it."""
    found = await every(
        cursor, _REAP, {"me": me, "lease": lease_seconds, "grace": grace_seconds, "now": now}
    )
    freed = [Freed(row["run_id"], row["thread_id"], bool(row["requeued"])) for row in found]
    if not freed:
        return freed
    stranded = [f.thread_id for f in freed if not f.requeued]
    if stranded:
        await cursor.execute(
            "UPDATE threads t SET status = 'idle', updated_at = %s "
            "WHERE t.thread_id = ANY(%s) AND t.status = 'busy' AND NOT EXISTS "
            f"(SELECT 1 FROM runs r WHERE r.thread_id = t.thread_id AND r.status IN {ACTIVE})",
            (now, stranded),
        )
    await cursor.execute(
        "SELECT pg_notify(%s, 'done ' || run_id) FROM unnest(%s::text[]) AS run_id",
        (RUNS_CHANNEL, [f.run_id for f in freed]),
    )
    await cursor.execute("SELECT pg_notify(%s, 'run')", (RUNS_CHANNEL,))
    return freed


_CLAIM = f"""
WITH picked AS (
    SELECT r.run_id, r.thread_id FROM runs r
    WHERE r.status = 'pending' AND r.created_at <= %(now)s
      AND NOT EXISTS (SELECT 1 FROM run_leases l WHERE l.thread_id = r.thread_id)
      AND NOT EXISTS (
          SELECT 1 FROM runs o
          WHERE o.thread_id = r.thread_id AND o.status IN {ACTIVE}
            AND (o.created_at, o.run_id) < (r.created_at, r.run_id))
    ORDER BY r.created_at, r.run_id
    LIMIT %(capacity)s
    FOR UPDATE OF r SKIP LOCKED
), leased AS (
    INSERT INTO run_leases (thread_id, run_id, worker_id)
    SELECT thread_id, run_id, %(worker)s FROM picked
    ON CONFLICT (thread_id) DO NOTHING
    RETURNING run_id
)
UPDATE runs SET status = 'running', attempt = attempt + 1, updated_at = %(now)s
FROM leased WHERE runs.run_id = leased.run_id
RETURNING runs.*
"""


async def claim(cursor: Cursor, worker_id: int, now: str, capacity: int) -> list[tuple[Run, int]]:
    """Lease and start up to `capacity` runs: the oldest pending run of each free thread.

    A run waits while an older run of its thread is pending or running (so a thread's runs
    start in order) or while its thread is leased (so they run one at a time)."""
    found = await every(cursor, _CLAIM, {"worker": worker_id, "now": now, "capacity": capacity})
    started = [(tables.run(row), int(row["attempt"])) for row in found]
    started.sort(key=lambda item: (item[0]["created_at"], item[0]["run_id"]))
    return started


async def release(cursor: Cursor, run_id: str, worker_id: int) -> None:
    """The run's task has ended: its thread may run the next one."""
    await cursor.execute(
        "WITH gone AS (DELETE FROM run_leases WHERE run_id = %s AND worker_id = %s "
        "RETURNING run_id) SELECT pg_notify(%s, 'done ' || run_id) FROM gone",
        (run_id, worker_id, RUNS_CHANNEL),
    )


async def next_due(cursor: Cursor, now: str) -> str | None:
    """When the earliest delayed run (`after_seconds`) becomes due."""
    found = await one(
        cursor,
        "SELECT MIN(created_at) AS due FROM runs WHERE status = 'pending' AND created_at > %s",
        (now,),
    )
    return None if found is None or found["due"] is None else str(found["due"])


async def leased(cursor: Cursor, run_id: str) -> bool:
    """Whether some worker still executes the run."""
    return await one(cursor, "SELECT 1 FROM run_leases WHERE run_id = %s", (run_id,)) is not None
