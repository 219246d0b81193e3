"""The Postgres connection pool of one server process, its transactions and migrations.

One pool serves our tables, langgraph's saver and langgraph's store (their connections need
autocommit, `dict_row` and no prepared statements, so ours use the same). A transaction here
is a coroutine run on one pooled connection inside BEGIN ... COMMIT, retried from the start
when Postgres reports that it collided with a concurrent one (a serialization failure, a
deadlock, or two processes inserting the same row after both checked it was not there):
each transaction function reads what it needs inside, so running it again is safe.

Several processes may start at once on an empty database: `setup_lock` holds an advisory
lock while the schemas are created, so they are created once, in order.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from psycopg import AsyncConnection, AsyncCursor, errors
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")
P = ParamSpec("P")

logger = logging.getLogger(__name__)

Cursor = AsyncCursor[DictRow]
Connection = AsyncConnection[DictRow]
Pool = AsyncConnectionPool[Connection]

CONNECTION_KWARGS: dict[str, Any] = {
    "autocommit": True,
    "prepare_threshold": 0,
    "row_factory": dict_row,
}
"""What langgraph's Postgres saver and store expect of a connection (their docs say so)."""

SETUP_LOCK = 0x6C6773  # "lgs": the advisory lock key of schema set-up
SETUP_CHANNEL = "lg_studio_setup"
SETUP_RETRY_SECONDS = 2.0
RETRIES = 5
_COLLISIONS = (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation)


def make_pool(uri: str, *, max_size: int) -> Pool:
    """A pool for `uri`, to be opened with `await pool.open()`."""
    return AsyncConnectionPool(
        uri,
        min_size=1,
        max_size=max_size,
        kwargs=CONNECTION_KWARGS,
        connection_class=Connection,
        open=False,
        name="lg-studio",
    )


async def connect(uri: str) -> Connection:
    """A connection of its own, outside the pool (for LISTEN and session locks)."""
    return await Connection.connect(uri, **CONNECTION_KWARGS)


class PostgresDatabase:
    """Transactions and reads on a pool; `uri` is for connections of their own."""

    def __init__(self, pool: Pool, uri: str) -> None:
        self.pool = pool
        self.uri = uri

    async def run(
        self, fn: Callable[Concatenate[Cursor, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(cursor, ...)` on a pooled connection, each statement committing on its own."""
        async with self.pool.connection() as conn, conn.cursor() as cursor:
            return await fn(cursor, *args, **kwargs)

    async def transaction(
        self, fn: Callable[Concatenate[Cursor, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(cursor, ...)` inside one transaction, retried when it collided with another."""
        for attempt in range(1, RETRIES + 1):
            try:
                async with (
                    self.pool.connection() as conn,
                    conn.transaction(),
                    conn.cursor() as cursor,
                ):
                    return await fn(cursor, *args, **kwargs)
            except _COLLISIONS as exc:
                if attempt == RETRIES:
                    raise
                logger.debug("Transaction %s collided (%s); again", fn.__name__, exc)
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def setup_lock(self) -> AsyncIterator[None]:
        """Hold the set-up lock: one process at a time creates or migrates the schemas.

        Waiting processes must hold no snapshot: langgraph's saver builds its indexes
        `CONCURRENTLY`, which waits for every older snapshot, and a session blocked in
        `pg_advisory_lock` or `LOCK TABLE` holds one (the two would deadlock). So a waiter
        tries the lock, and between tries sits idle in LISTEN until the holder announces
        it is done (or, if the holder died without a word, for `SETUP_RETRY_SECONDS`)."""
        conn = await connect(self.uri)
        try:
            await conn.execute(f"LISTEN {SETUP_CHANNEL}")
            while not await _try_setup_lock(conn):
                async for _ in conn.notifies(timeout=SETUP_RETRY_SECONDS, stop_after=1):
                    pass
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))
                await conn.execute(f"NOTIFY {SETUP_CHANNEL}")
        finally:
            await conn.close()

    async def migrate(self, table: str, migrations: Sequence[str]) -> None:
        """Apply the migrations not yet recorded in `table`, each in its own transaction.
        Call it under `setup_lock`."""
        await self.run(_execute, f"CREATE TABLE IF NOT EXISTS {table} (v INTEGER PRIMARY KEY)")
        rows = await self.run(_fetch, f"SELECT v FROM {table}")
        applied = {row["v"] for row in rows}
        for version, script in enumerate(migrations, start=1):
            if version not in applied:
                await self.transaction(_apply, table, version, script)


async def _try_setup_lock(conn: Connection) -> bool:
    found = await conn.execute("SELECT pg_try_advisory_lock(%s) AS locked", (SETUP_LOCK,))
    row = await found.fetchone()
    return bool(row and row["locked"])


async def _execute(cursor: Cursor, sql: str) -> None:
    await cursor.execute(sql)


async def _fetch(cursor: Cursor, sql: str) -> list[DictRow]:
    await cursor.execute(sql)
    return await cursor.fetchall()


async def _apply(cursor: Cursor, table: str, version: int, script: str) -> None:
    await cursor.execute(script, prepare=False)  # a script: several statements, no params
    await cursor.execute(f"INSERT INTO {table} (v) VALUES (%s)", (version,))
