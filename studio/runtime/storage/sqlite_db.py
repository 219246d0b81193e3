"""One SQLite connection confined to one thread, driven from asyncio.

Why not aiosqlite here: it hops to its thread once per statement, so a multi-statement
transaction costs several hops and other coroutines can slip statements into it. We run each
whole transaction as one function on the database thread instead: one hop, atomic, and
serialized with every other write without an asyncio lock. (The checkpointer works the
same way on its own file: see `studio/runtime/checkpointer.py`.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

Migration = str


class SqliteDatabase:
    """A WAL-mode database whose connection lives on a single worker thread."""

    def __init__(
        self,
        path: Path,
        *,
        functions: Sequence[tuple[str, int, Callable[..., Any]]] = (),
    ) -> None:
        self.path = path
        self._functions = functions
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lg-studio-db")
        self._local = threading.local()

    async def open(self, migrations: Sequence[Migration]) -> None:
        """Create the file if needed and bring its schema up to date."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.get_running_loop().run_in_executor(self._executor, self._connect)
        await self.run(_migrate, migrations)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._disconnect)
        self._executor.shutdown(wait=True)

    async def run(
        self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `fn(connection, ...)` on the database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self._call(fn, args, kwargs))

    async def transaction(
        self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Like `run`, inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK if `fn` raises)."""
        return await self.run(_in_transaction, fn, *args, **kwargs)

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError(f"database {self.path} is not open")
        return fn(conn, *args, **kwargs)

    def _connect(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the
        # last commits, which is the trade LangGraph's own savers make as well.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        for name, n_args, func in self._functions:
            conn.create_function(name, n_args, func, deterministic=True)
        self._local.conn = conn

    def _disconnect(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None


def _in_transaction(
    conn: sqlite3.Connection, fn: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args, **kwargs)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> None:
    """Apply the migrations the file has not seen yet, tracked in PRAGMA user_version."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    for version, script in enumerate(migrations, start=1):
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
