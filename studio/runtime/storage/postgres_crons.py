"""Crons in the Postgres storage, and the claim of a tick exactly once across processes.

As in SQLite (storage/sqlite_crons.py), a tick is claimed by a compare-and-set UPDATE that
moves `next_run_date` from the tick to the next one, and the tick's run is inserted in the
same transaction. Under READ COMMITTED, a second process updating the same row waits for the
first to commit, then re-reads the row: `next_run_date` is no longer the tick, so its UPDATE
changes nothing and it inserts no run.
"""

from __future__ import annotations

from collections.abc import Callable

from studio.protocol.schema import Cron
from studio.runtime.records import RunRequest
from studio.runtime.storage import postgres_runs, tables
from studio.runtime.storage.base import CronQuery, Page, RunInsert
from studio.runtime.storage.postgres_db import Cursor
from studio.runtime.storage.postgres_rows import every, execute, one, page
from studio.runtime.storage.postgres_sql import SQL


async def create(cursor: Cursor, cron: Cron) -> Cron:
    await cursor.execute(
        SQL.insert("crons", tables.CRON_COLUMNS), SQL.encode(cron, tables.CRON_JSON)
    )
    return cron


async def get(cursor: Cursor, cron_id: str, *, lock: bool = False) -> Cron | None:
    sql = "SELECT * FROM crons WHERE cron_id = %s" + (" FOR UPDATE" if lock else "")
    found = await one(cursor, sql, (cron_id,))
    return tables.cron(found) if found else None


async def update(cursor: Cursor, cron_id: str, change: Callable[[Cron], Cron]) -> Cron | None:
    current = await get(cursor, cron_id, lock=True)
    if current is None:
        return None
    updated = change(current)
    await cursor.execute(
        SQL.update("crons", tables.CRON_COLUMNS, "cron_id"), SQL.encode(updated, tables.CRON_JSON)
    )
    return updated


async def search(cursor: Cursor, query: CronQuery) -> Page[Cron]:
    where, order = SQL.cron_where(query), SQL.cron_order(query)
    return await page(cursor, "crons", where, order, query.limit, query.offset, tables.cron)


async def due(cursor: Cursor, now: str, limit: int) -> list[Cron]:
    found = await every(
        cursor,
        "SELECT * FROM crons WHERE enabled AND next_run_date <= %s "
        "AND (end_time IS NULL OR end_time > %s) ORDER BY next_run_date LIMIT %s",
        (now, now, limit),
    )
    return [tables.cron(r) for r in found]


async def next_due(cursor: Cursor, now: str) -> str | None:
    found = await one(
        cursor,
        "SELECT MIN(next_run_date) AS earliest FROM crons WHERE enabled "
        "AND (end_time IS NULL OR end_time > %s)",
        (now,),
    )
    return None if found is None or found["earliest"] is None else str(found["earliest"])


async def claim(cursor: Cursor, cron_id: str, tick: str, next_tick: str) -> bool:
    changed = await execute(
        cursor,
        "UPDATE crons SET next_run_date = %s WHERE cron_id = %s AND next_run_date = %s",
        (next_tick, cron_id, tick),
    )
    return changed > 0


async def fire(
    cursor: Cursor,
    cron_id: str,
    tick: str,
    next_tick: str,
    request: RunRequest,
    reject_if_busy: bool,
) -> RunInsert | None:
    if not await claim(cursor, cron_id, tick, next_tick):
        return None
    return await postgres_runs.create(cursor, request, reject_if_busy)
