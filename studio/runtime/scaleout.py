"""The backend of a scale-out deployment: `lg-studio serve --postgres-uri URI --redis-uri URI`.

Postgres holds everything durable, in one database every process shares: our tables
(storage/postgres*.py, with versioned migrations), langgraph's own checkpoints
(`AsyncPostgresSaver`) and store (`AsyncPostgresStore`), and the run queue. Redis carries
what passes between processes: every run's stream events, so a client joins or resumes a
stream on any process, and cancel signals. Processes started at once on an empty database
create the schemas once, in turn, under an advisory lock.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore
from langgraph.store.postgres.aio import AsyncPostgresStore
from redis.asyncio import Redis
from redis.exceptions import RedisError

from studio.runtime.cancel_signals import CancelSignals
from studio.runtime.checkpointer_postgres import StudioPostgresSaver
from studio.runtime.config import ConfigError, Project, ServerOptions
from studio.runtime.executor import RunExecutor
from studio.runtime.queue import RunQueue
from studio.runtime.queue_postgres import PostgresRunQueue
from studio.runtime.storage.base import Storage
from studio.runtime.storage.postgres import PostgresStorage
from studio.runtime.storage.postgres_db import Pool, PostgresDatabase, make_pool
from studio.runtime.storage.postgres_leases import WorkerIdentity
from studio.runtime.store_postgres import open_postgres_store
from studio.runtime.streams import StreamBroker
from studio.runtime.streams_redis import SOCKET_TIMEOUT_SECONDS, RedisBroker

logger = logging.getLogger(__name__)

SPARE_CONNECTIONS = 8
"""Pooled connections beyond one per run slot: for API requests, housekeeping and the
store."""


class ScaleOutBackend:
    """One process's handles on the deployment's Postgres and Redis."""

    def __init__(
        self,
        *,
        pool: Pool,
        storage: PostgresStorage,
        checkpointer: StudioPostgresSaver,
        store: AsyncPostgresStore,
        redis: Redis,
        prefix: str,
    ) -> None:
        self.storage: Storage = storage
        self.checkpointer: BaseCheckpointSaver[Any] = checkpointer
        self.store: BaseStore = store
        self.broker: StreamBroker = RedisBroker(redis, prefix)
        self._pool = pool
        self._postgres = storage
        self._postgres_store = store
        self._signals = CancelSignals(redis, f"{prefix}cancel")

    @classmethod
    async def open(cls, project: Project, options: ServerOptions) -> ScaleOutBackend:
        assert options.postgres_uri is not None
        if options.redis_uri is None:
            raise ConfigError("--postgres-uri needs --redis-uri as well (or REDIS_URI)")
        uri = options.postgres_uri
        pool = make_pool(uri, max_size=options.jobs + SPARE_CONNECTIONS)
        try:
            await pool.open(wait=True, timeout=30)
        except Exception as exc:
            await pool.close()
            raise ConfigError(f"Cannot connect to Postgres at --postgres-uri: {exc}") from exc
        # A `socket_timeout` in the URI's query wins (redis-py reads it over the keyword).
        redis = Redis.from_url(options.redis_uri, socket_timeout=SOCKET_TIMEOUT_SECONDS)
        try:
            await redis.ping()
        except (RedisError, OSError) as exc:
            await redis.aclose()
            await pool.close()
            raise ConfigError(f"Cannot connect to Redis at --redis-uri: {exc}") from exc
        try:
            db = PostgresDatabase(pool, uri)
            storage = PostgresStorage(db, WorkerIdentity())
            async with db.setup_lock():
                await storage.open()
                checkpointer = StudioPostgresSaver(pool, server_metadata=True)
                await checkpointer.setup()
                store = await open_postgres_store(pool, project.file.store, project.root)
            deployment = await storage.deployment_id()
        except BaseException:
            await redis.aclose()
            await pool.close()
            raise
        return cls(
            pool=pool,
            storage=storage,
            checkpointer=checkpointer,
            store=store,
            redis=redis,
            prefix=f"lg-studio:{deployment}:",
        )

    def queue(self, executor: RunExecutor, jobs: int) -> RunQueue:
        return PostgresRunQueue(self._postgres, executor, jobs, signals=self._signals)

    async def aclose(self) -> None:
        await self._postgres_store.stop_ttl_sweeper(timeout=5)
        await self.broker.aclose()  # delivers the last events, then closes Redis
        await self._pool.close()
