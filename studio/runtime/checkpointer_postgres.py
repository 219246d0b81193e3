"""The checkpointer of a scale-out deployment: langgraph's own `AsyncPostgresSaver`.

Its tables, reads and writes are langgraph's, so a deployment's checkpoints are what any
LangGraph tool expects to find in Postgres. It lacks two thread operations the server needs
(`BaseCheckpointSaver` declares them, its SQLite and Postgres savers leave them
unimplemented): deleting what some runs checkpointed, for a run cancelled with rollback, and
copying a thread, for `POST /threads/{thread_id}/copy`. They are added here, in SQL on
langgraph's tables, as studio/runtime/checkpointer.py adds them to the SQLite saver.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

from studio.runtime.checkpoint_metadata import server_checkpoint_metadata
from studio.runtime.storage.postgres_db import Pool

_DELETE_WRITES = """
DELETE FROM checkpoint_writes w USING checkpoints c
WHERE c.metadata ->> 'run_id' = ANY(%(runs)s) AND w.thread_id = c.thread_id
  AND w.checkpoint_ns = c.checkpoint_ns AND w.checkpoint_id = c.checkpoint_id
"""
_DELETE_CHECKPOINTS = """
DELETE FROM checkpoints WHERE metadata ->> 'run_id' = ANY(%(runs)s) RETURNING thread_id
"""
_DELETE_UNUSED_BLOBS = """
DELETE FROM checkpoint_blobs b
WHERE b.thread_id = ANY(%(threads)s) AND NOT EXISTS (
    SELECT 1 FROM checkpoints c
    WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns
      AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)
"""
_COPY = (
    """
    INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id,
                             type, checkpoint, metadata)
    SELECT %(target)s, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint,
           CASE WHEN metadata ? 'thread_id'
                THEN jsonb_set(metadata, '{thread_id}', to_jsonb(%(target)s::text))
                ELSE metadata END
    FROM checkpoints WHERE thread_id = %(source)s
    """,
    """
    INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
    SELECT %(target)s, checkpoint_ns, channel, version, type, blob
    FROM checkpoint_blobs WHERE thread_id = %(source)s
    """,
    """
    INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path,
                                   idx, channel, type, blob)
    SELECT %(target)s, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob
    FROM checkpoint_writes WHERE thread_id = %(source)s
    """,
)


class StudioPostgresSaver(AsyncPostgresSaver):
    """langgraph's async Postgres saver on the deployment's pool, with rollback and copy."""

    def __init__(self, pool: Pool, *, server_metadata: bool = False) -> None:
        super().__init__(pool)
        self._pool = pool
        self._server_metadata = server_metadata
        """Store checkpoint metadata as LangGraph Server does (checkpoint_metadata.py), not
        as langgraph's own savers do."""

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        if self._server_metadata:
            metadata = server_checkpoint_metadata(config, metadata)
        return await super().aput(config, checkpoint, metadata, new_versions)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints made by these runs (metadata `run_id`), their writes, and
        the channel values no checkpoint left refers to.

        Runs only while no other run of those threads executes (their lease is held until
        the rollback is done), so no checkpoint being written can lose its values."""
        if not run_ids:
            return
        async with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor() as cursor,
        ):
            runs = list(run_ids)
            await cursor.execute(_DELETE_WRITES, {"runs": runs})
            await cursor.execute(_DELETE_CHECKPOINTS, {"runs": runs})
            threads = sorted({row["thread_id"] for row in await cursor.fetchall()})
            if threads:
                await cursor.execute(_DELETE_UNUSED_BLOBS, {"threads": threads})

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint, channel value and write of a thread to another thread id."""
        params = {"source": source_thread_id, "target": target_thread_id}
        async with (
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor() as cursor,
        ):
            for statement in _COPY:
                await cursor.execute(statement, params)
