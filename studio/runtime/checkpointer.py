"""The checkpointer: langgraph's SQLite saver, one thread hop per operation.

Why not langgraph's `AsyncSqliteSaver`: it drives aiosqlite, which hops to its worker thread
once per statement, fetch and commit, and it holds one `asyncio.Lock` across those hops. A
one-node run made 27 hops and 14 acquisitions of that lock, and `alist` of 300 checkpoints
785 hops; under load a run spent most of its time queueing for the lock
(tests/benchmarks/PROFILE.md §1).

Here each operation is one function run on a dedicated database thread, the pattern of
`storage/sqlite_db.py`: langgraph's own sync `SqliteSaver` does the work (same schema, so
existing `checkpoints.sqlite` files keep working), every operation costs one hop, operations
queue on the thread instead of behind a lock, and multi-statement operations are one
transaction.

On top of it, in SQL on the same thread and connection, the thread operations the server
needs (`adelete_for_runs` for rollback, `acopy_thread`, `aprune`), which LangGraph's Postgres
saver has and its SQLite savers lack.

Listeners (`add_listener`) hear about every write right after it commits, on the database
thread, before the operation returns: the history cache (`studio/runtime/history_cache.py`)
drops what a write may have changed, and no reader can see the new rows before it does.
"""

from __future__ import annotations

import asyncio
import copy
import random
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    DeltaChannelHistory,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver

from studio.runtime.checkpoint_metadata import server_checkpoint_metadata

T = TypeVar("T")
P = ParamSpec("P")

_RUN_ID = "json_extract(CAST(metadata AS TEXT), '$.run_id')"


class CheckpointListener(Protocol):
    """Told what each write changed: on the database thread, after its commit (or failure:
    a failed write may have committed part of its rows). Must be quick and must not raise."""

    def checkpoint_changed(self, thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> None:
        """The checkpoint was stored (or stored again), or writes were added to it."""

    def thread_changed(self, thread_id: str) -> None:
        """Checkpoints of the thread were deleted, or copied into it."""


class StudioSqliteSaver(BaseCheckpointSaver[str]):
    """The embedded checkpointer, in `<data_dir>/checkpoints.sqlite`.

    Create it with `await StudioSqliteSaver.open(path)` and end it with `await saver.close()`.
    The async methods serve the event loop it was opened on. The sync ones serve other threads
    (a graph run with `invoke` in a worker): they wait for the database thread, and refuse to
    run on the saver's event loop, which they would block, as langgraph's async savers do.
    """

    def __init__(
        self, path: Path, *, serde: SerializerProtocol | None = None, server_metadata: bool = False
    ) -> None:
        super().__init__(serde=serde)
        self.path = path
        self._server_metadata = server_metadata
        """Store checkpoint metadata as LangGraph Server does (checkpoint_metadata.py), not
        as langgraph's own savers do."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lg-studio-ckpt")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._saver: SqliteSaver | None = None  # used on the database thread only
        # One list, shared by the `with_allowlist` clones (shallow copies), so writes made
        # through a clone are heard too.
        self._listeners: list[CheckpointListener] = []

    @classmethod
    async def open(
        cls, path: Path, *, serde: SerializerProtocol | None = None, server_metadata: bool = False
    ) -> StudioSqliteSaver:
        """Open (creating if needed) the file and its tables, on a new database thread."""
        saver = cls(path, serde=serde, server_metadata=server_metadata)
        saver._loop = asyncio.get_running_loop()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await saver._loop.run_in_executor(saver._executor, saver._connect)
        except BaseException:
            saver._executor.shutdown(wait=False)
            raise
        return saver

    async def close(self) -> None:
        """Finish the queued operations, close the connection and end the thread."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._disconnect)
        self._executor.shutdown(wait=True)

    # -- async interface: one hop each ---------------------------------------------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._run(SqliteSaver.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        for found in await self._run(_list, config, filter, before, limit):
            yield found

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await self._run(self._put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await self._run(self._put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await self._run(self._delete_thread, thread_id)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints made by these runs (metadata `run_id`) and their writes."""
        await self._run(self._delete_for_runs, run_ids)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint and write of a thread to another thread id."""
        await self._run(self._copy_thread, source_thread_id, target_thread_id)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """`delete` every checkpoint of these threads, or `keep_latest` per namespace."""
        await self._run(self._prune, thread_ids, strategy)

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        return await self._run(
            SqliteSaver.get_delta_channel_history, config=config, channels=channels
        )

    # -- sync interface: the same operations, for threads other than the event loop's ----

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._wait(SqliteSaver.get_tuple, config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        return iter(self._wait(_list, config, filter, before, limit))

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self._wait(self._put, config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._wait(self._put_writes, config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        self._wait(self._delete_thread, thread_id)

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        self._wait(self._delete_for_runs, run_ids)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._wait(self._copy_thread, source_thread_id, target_thread_id)

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._wait(self._prune, thread_ids, strategy)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        return self._wait(SqliteSaver.get_delta_channel_history, config=config, channels=channels)

    # -- hooks for the runtime's own readers ---------------------------------------------

    def add_listener(self, listener: CheckpointListener) -> None:
        """Tell `listener` about every write from now on (see `CheckpointListener`)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: CheckpointListener) -> None:
        self._listeners.remove(listener)

    async def aquery(
        self,
        fn: Callable[Concatenate[SqliteSaver, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a read of our own, `fn(sync_saver, ...)`, on the database thread: one hop, in
        order with the other operations. `fn` must not write (listeners would not hear it)."""
        return await self._run(fn, *args, **kwargs)

    # -- the rest of BaseCheckpointSaver ---------------------------------------------------

    def get_next_version(self, current: str | None, channel: None) -> str:
        """`SqliteSaver`'s versions: a zero-padded counter and a random tie-breaker."""
        if current is None:
            current_v = 0
        elif isinstance(current, int):
            current_v = current
        else:
            current_v = int(current.split(".")[0])
        return f"{current_v + 1:032}.{random.random():016}"

    def with_allowlist(
        self, extra_allowlist: Collection[tuple[str, ...]]
    ) -> BaseCheckpointSaver[str]:
        """A clone whose serializer also allows `extra_allowlist` (langgraph's strict msgpack
        mode). It shares this saver's thread and connection: close the original only."""
        clone = super().with_allowlist(extra_allowlist)
        if isinstance(clone, StudioSqliteSaver) and clone is not self and self._saver is not None:
            sync = copy.copy(self._saver)  # same connection and lock, the clone's serializer
            sync.serde = clone.serde
            clone._saver = sync
        return clone

    # -- the database thread ---------------------------------------------------------------

    async def _run(
        self,
        fn: Callable[Concatenate[SqliteSaver, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(sync_saver, ...)` on the database thread: an async operation's one hop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._sync(), *args, **kwargs))

    def _wait(
        self,
        fn: Callable[Concatenate[SqliteSaver, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(sync_saver, ...)` on the database thread and block until it is done."""
        if threading.get_ident() == self._thread_id:  # waiting for itself would deadlock
            return fn(self._sync(), *args, **kwargs)
        if self._loop is not None and _running_loop() is self._loop:
            raise asyncio.InvalidStateError(
                "Synchronous calls to StudioSqliteSaver would block the event loop it serves; "
                "from that loop use the async methods (`await checkpointer.aget_tuple(...)`, "
                "`await graph.ainvoke(...)`), or call from another thread."
            )
        return self._executor.submit(lambda: fn(self._sync(), *args, **kwargs)).result()

    # -- writes, on the database thread, each followed by its notification ----------------

    def _put(
        self,
        db: SqliteSaver,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        try:
            if self._server_metadata:
                metadata = server_checkpoint_metadata(config, metadata)
            return db.put(config, checkpoint, metadata, new_versions)
        finally:
            self._checkpoint_changed(config, checkpoint["id"])

    def _put_writes(
        self,
        db: SqliteSaver,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str,
    ) -> None:
        try:
            db.put_writes(config, writes, task_id, task_path)
        finally:
            self._checkpoint_changed(config, config["configurable"]["checkpoint_id"])

    def _delete_thread(self, db: SqliteSaver, thread_id: str) -> None:
        try:
            db.delete_thread(thread_id)
        finally:
            self._threads_changed([thread_id])

    def _delete_for_runs(self, db: SqliteSaver, run_ids: Sequence[str]) -> None:
        threads: list[str] = []
        try:
            _delete_for_runs(db, run_ids, threads)
        finally:
            self._threads_changed(threads)

    def _copy_thread(self, db: SqliteSaver, source_thread_id: str, target_thread_id: str) -> None:
        try:
            _copy_thread(db, source_thread_id, target_thread_id)
        finally:
            self._threads_changed([target_thread_id])

    def _prune(self, db: SqliteSaver, thread_ids: Sequence[str], strategy: str) -> None:
        try:
            _prune(db, thread_ids, strategy)
        finally:
            self._threads_changed(thread_ids)

    def _checkpoint_changed(self, config: RunnableConfig, checkpoint_id: str) -> None:
        configurable = config["configurable"]
        thread_id = str(configurable["thread_id"])
        checkpoint_ns = str(configurable.get("checkpoint_ns") or "")
        for listener in self._listeners:
            listener.checkpoint_changed(thread_id, checkpoint_ns, str(checkpoint_id))

    def _threads_changed(self, thread_ids: Sequence[str]) -> None:
        for thread_id in thread_ids:
            for listener in self._listeners:
                listener.thread_changed(str(thread_id))

    def _sync(self) -> SqliteSaver:
        if self._saver is None:
            raise RuntimeError(f"checkpointer {self.path} is not open")
        return self._saver

    def _connect(self) -> None:
        # The default (legacy) isolation level: sqlite3 opens a transaction before the first
        # write and `SqliteSaver` commits after each operation, so `put_writes` and
        # `delete_thread` are one transaction each (autocommit would make one per row).
        conn = sqlite3.connect(self.path, check_same_thread=True)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a process crash (kill -9); only an OS crash or a
            # power loss may lose the last commits.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            saver = SqliteSaver(conn, serde=self.serde)
            saver.setup()
            conn.execute(f"CREATE INDEX IF NOT EXISTS checkpoints_run ON checkpoints ({_RUN_ID})")
        except BaseException:
            conn.close()
            raise
        self._thread_id = threading.get_ident()
        self._saver = saver

    def _disconnect(self) -> None:
        if self._saver is not None:
            self._saver.conn.close()
            self._saver = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# -- operations, run on the database thread with langgraph's sync saver ---------------------


@contextmanager
def _transaction(db: SqliteSaver) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT on the saver's connection, ROLLBACK if the body raises."""
    with db.lock:
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def _list(
    db: SqliteSaver,
    config: RunnableConfig | None,
    filter: dict[str, Any] | None,
    before: RunnableConfig | None,
    limit: int | None,
) -> list[CheckpointTuple]:
    """`SqliteSaver.list`, materialized on the database thread: the whole history in one hop.

    It reads the pending writes with one query per checkpoint; for 300 checkpoints those cost
    about 0.5 ms of its 5.5 ms (deserializing is the rest), too little for a variant of our own.
    """
    return list(db.list(config, filter=filter, before=before, limit=limit))


def _delete_for_runs(db: SqliteSaver, run_ids: Sequence[str], threads: list[str]) -> None:
    """Delete the runs' checkpoints and writes; `threads` receives the threads they were in."""
    if not run_ids:
        return
    with _transaction(db) as conn:
        for run_id in run_ids:
            threads.extend(
                row[0]
                for row in conn.execute(
                    f"SELECT DISTINCT thread_id FROM checkpoints WHERE {_RUN_ID} = ?", (run_id,)
                )
            )
            conn.execute(
                "DELETE FROM writes WHERE (thread_id, checkpoint_ns, checkpoint_id) IN "
                "(SELECT thread_id, checkpoint_ns, checkpoint_id FROM checkpoints "
                f"WHERE {_RUN_ID} = ?)",
                (run_id,),
            )
            conn.execute(f"DELETE FROM checkpoints WHERE {_RUN_ID} = ?", (run_id,))


def _copy_thread(db: SqliteSaver, source_thread_id: str, target_thread_id: str) -> None:
    with _transaction(db) as conn:
        conn.execute(
            "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
            "parent_checkpoint_id, type, checkpoint, metadata) "
            "SELECT ?1, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, "
            "CASE WHEN json_extract(CAST(metadata AS TEXT), '$.thread_id') IS NULL "
            "THEN metadata "
            "ELSE CAST(json_set(CAST(metadata AS TEXT), '$.thread_id', ?1) AS BLOB) END "
            "FROM checkpoints WHERE thread_id = ?2",
            (target_thread_id, source_thread_id),
        )
        conn.execute(
            "INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, "
            "idx, channel, type, value) "
            "SELECT ?1, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, "
            "value FROM writes WHERE thread_id = ?2",
            (target_thread_id, source_thread_id),
        )


def _prune(db: SqliteSaver, thread_ids: Sequence[str], strategy: str) -> None:
    """`keep_latest` keeps the newest checkpoint of each (thread, namespace) and its writes.

    It does not keep the ancestors a `DeltaChannel` (beta) needs to rebuild its value (see
    `BaseCheckpointSaver.prune`): a graph using that channel should not be pruned this way.
    """
    if strategy not in ("delete", "keep_latest"):
        raise ValueError(f"unknown prune strategy {strategy!r}: use 'delete' or 'keep_latest'")
    with _transaction(db) as conn:
        for thread_id in thread_ids:
            if strategy == "delete":
                conn.execute("DELETE FROM writes WHERE thread_id = ?", (thread_id,))
                conn.execute("DELETE FROM checkpoints WHERE thread_id = ?", (thread_id,))
                continue
            conn.execute(
                "DELETE FROM writes AS w WHERE thread_id = ? AND checkpoint_id IS NOT "
                "(SELECT MAX(c.checkpoint_id) FROM checkpoints AS c "
                "WHERE c.thread_id = w.thread_id AND c.checkpoint_ns = w.checkpoint_ns)",
                (thread_id,),
            )
            conn.execute(
                "DELETE FROM checkpoints AS c WHERE thread_id = ? AND checkpoint_id < "
                "(SELECT MAX(n.checkpoint_id) FROM checkpoints AS n "
                "WHERE n.thread_id = c.thread_id AND n.checkpoint_ns = c.checkpoint_ns)",
                (thread_id,),
            )
