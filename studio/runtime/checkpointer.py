"""langgraph's async SQLite saver, completed with the thread operations the server needs.

`AsyncSqliteSaver` leaves `adelete_for_runs` (rollback), `acopy_thread` (thread copy) and
`aprune` unimplemented; LangGraph's Postgres saver has them. We add them in SQL on the saver's
own connection and lock, so they are atomic with respect to its writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

_RUN_CHECKPOINTS = (
    "SELECT thread_id, checkpoint_ns, checkpoint_id FROM checkpoints "
    "WHERE json_extract(CAST(metadata AS TEXT), '$.run_id') = ?"
)


class StudioSqliteSaver(AsyncSqliteSaver):
    """The embedded checkpointer, in `<data_dir>/checkpoints.sqlite`."""

    @classmethod
    async def open(cls, path: Path) -> StudioSqliteSaver:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=10000")
        saver = cls(conn)
        await saver.setup()
        await conn.execute(
            "CREATE INDEX IF NOT EXISTS checkpoints_run ON checkpoints "
            "(json_extract(CAST(metadata AS TEXT), '$.run_id'))"
        )
        return saver

    async def close(self) -> None:
        await self.conn.close()

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await self.setup()
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                for run_id in run_ids:
                    async with self.conn.execute(_RUN_CHECKPOINTS, (run_id,)) as cursor:
                        doomed = list(await cursor.fetchall())
                    for thread_id, ns, checkpoint_id in doomed:
                        for table in ("checkpoints", "writes"):
                            await self.conn.execute(
                                f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = ? "
                                "AND checkpoint_id = ?",
                                (thread_id, ns, checkpoint_id),
                            )
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await self.setup()
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                await self.conn.execute(
                    "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                    "parent_checkpoint_id, type, checkpoint, metadata) "
                    "SELECT ?1, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, "
                    "checkpoint, CASE WHEN json_extract(CAST(metadata AS TEXT), '$.thread_id') "
                    "IS NULL THEN metadata "
                    "ELSE json_set(CAST(metadata AS TEXT), '$.thread_id', ?1) "
                    "END FROM checkpoints WHERE thread_id = ?2",
                    (target_thread_id, source_thread_id),
                )
                await self.conn.execute(
                    "INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, "
                    "task_path, idx, channel, type, value) "
                    "SELECT ?, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, "
                    "type, value FROM writes WHERE thread_id = ?",
                    (target_thread_id, source_thread_id),
                )
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if strategy != "delete":
            raise NotImplementedError("only the 'delete' prune strategy is supported")
        for thread_id in thread_ids:
            await self.adelete_thread(thread_id)
