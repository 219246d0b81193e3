"""The long-term memory of a scale-out deployment: langgraph's `AsyncPostgresStore`.

Set up from langgraph.json as the SQLite store is (studio/runtime/store.py). Semantic search
(`store.index`) needs Postgres's `vector` extension (pgvector), as LangGraph Server's does;
without it the server refuses to start and says so, instead of failing on the first search.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from langgraph.store.postgres.aio import AsyncPostgresStore
from langgraph.store.postgres.base import PostgresIndexConfig

from studio.runtime.config import ConfigError, StoreConfig
from studio.runtime.storage.postgres_db import Pool
from studio.runtime.store import index_config, store_ttl


async def open_postgres_store(pool: Pool, config: StoreConfig, root: Path) -> AsyncPostgresStore:
    """Create or migrate the store's tables (hold the set-up lock: processes may race) and
    start its TTL sweeper."""
    index = cast(PostgresIndexConfig | None, await index_config(config, root))
    if index is not None:
        async with pool.connection() as conn:
            found = await conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
            )
            if await found.fetchone() is None:
                raise ConfigError(
                    "store.index (semantic search) on Postgres needs the pgvector extension, "
                    "which this Postgres server does not have: install it (e.g. the "
                    "postgresql-NN-pgvector package), or remove store.index from langgraph.json"
                )
    store = AsyncPostgresStore(pool, index=index, ttl=store_ttl(config))
    await store.setup()
    await store.start_ttl_sweeper()
    return store
