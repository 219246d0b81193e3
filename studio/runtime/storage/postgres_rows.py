"""Reading rows on a Postgres cursor, and the statements several Postgres modules share.

Rows come back as dicts with `jsonb` already decoded, so they become records directly
(storage/tables.py). Statements that change a thread's status first lock the thread's row
(`lock_thread`): every transaction takes the thread before its runs, so two processes settling
the same thread wait for each other instead of deadlocking or deciding on stale statuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from psycopg.rows import DictRow

from studio.protocol.schema import Run, Thread
from studio.runtime.storage import tables
from studio.runtime.storage.base import Page
from studio.runtime.storage.postgres_db import Cursor
from studio.runtime.storage.postgres_sql import SQL
from studio.runtime.storage.sql import Where

T = TypeVar("T")

ACTIVE = "('pending', 'running')"
Params = Sequence[Any] | Mapping[str, Any]


async def one(cursor: Cursor, sql: str, params: Params = ()) -> DictRow | None:
    await cursor.execute(sql, params)
    return await cursor.fetchone()


async def every(cursor: Cursor, sql: str, params: Params = ()) -> list[DictRow]:
    await cursor.execute(sql, params)
    return await cursor.fetchall()


async def execute(cursor: Cursor, sql: str, params: Params = ()) -> int:
    """Run a statement; how many rows it changed."""
    await cursor.execute(sql, params)
    return cursor.rowcount


async def deleted(cursor: Cursor, sql: str, params: Params = ()) -> bool:
    return await execute(cursor, sql, params) > 0


async def count(cursor: Cursor, table: str, where: Where) -> int:
    found = await one(cursor, *SQL.count(table, where))
    return int(found["total"]) if found else 0


async def page(
    cursor: Cursor,
    table: str,
    where: Where,
    order: str,
    limit: int,
    offset: int,
    convert: Callable[[DictRow], T],
) -> Page[T]:
    """One page of a search, with the total of matching rows (for X-Pagination-Total)."""
    found = await every(cursor, *SQL.page(table, where, order, limit, offset))
    return Page([convert(r) for r in found], await count(cursor, table, where))


async def get_thread(cursor: Cursor, thread_id: str) -> Thread | None:
    found = await one(cursor, "SELECT * FROM threads WHERE thread_id = %s", (thread_id,))
    return tables.thread(found) if found else None


async def lock_thread(cursor: Cursor, thread_id: str) -> Thread | None:
    """The thread, its row locked until the transaction ends."""
    found = await one(cursor, "SELECT * FROM threads WHERE thread_id = %s FOR UPDATE", (thread_id,))
    return tables.thread(found) if found else None


async def write_thread(cursor: Cursor, thread: Thread, *, insert: bool) -> None:
    sql = (
        SQL.insert("threads", tables.THREAD_COLUMNS)
        if insert
        else SQL.update("threads", tables.THREAD_COLUMNS, "thread_id")
    )
    await cursor.execute(sql, SQL.encode(thread, tables.THREAD_JSON))


async def in_flight(cursor: Cursor, thread_id: str) -> list[Run]:
    found = await every(
        cursor,
        f"SELECT * FROM runs WHERE thread_id = %s AND status IN {ACTIVE} "
        "ORDER BY created_at, run_id",
        (thread_id,),
    )
    return [tables.run(r) for r in found]


async def has_in_flight(cursor: Cursor, thread_id: str) -> bool:
    found = await one(
        cursor,
        f"SELECT 1 FROM runs WHERE thread_id = %s AND status IN {ACTIVE} LIMIT 1",
        (thread_id,),
    )
    return found is not None
