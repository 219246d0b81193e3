"""The project's long-term memory: langgraph's `AsyncSqliteStore` in the data folder.

The same store backs the /store API and every graph (nodes taking `store: BaseStore`, or
calling `get_store()`), so what a graph remembers the API shows, and the other way round. It is
set up from langgraph.json as LangGraph Server reads it: `store.index` (dims, embed, fields)
turns on semantic search, `store.ttl` sets expiry; expired items are swept in the background
by langgraph's own sweeper.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, cast

from langchain_core.embeddings import Embeddings
from langgraph.store.base import TTLConfig, ensure_embeddings
from langgraph.store.sqlite.aio import AsyncSqliteStore
from langgraph.store.sqlite.base import SqliteIndexConfig

from studio.runtime import sqlite_vectors
from studio.runtime.config import ConfigError, StoreConfig, StoreIndexConfig
from studio.runtime.graphs import import_attribute

logger = logging.getLogger(__name__)

DEFAULT_SWEEP_MINUTES = 5.0


def load_embeddings(index: StoreIndexConfig, root: Path) -> Embeddings:
    """`store.index.embed`: a function (or Embeddings) of the project named './file.py:name',
    else a LangChain model id 'provider:model' (which needs the `langchain` package)."""
    try:
        if ".py:" in index.embed:
            embed = import_attribute(root, index.embed)
            return embed if isinstance(embed, Embeddings) else ensure_embeddings(embed)
        return ensure_embeddings(index.embed)
    except Exception as exc:
        raise ConfigError(f"store.index.embed '{index.embed}' cannot be loaded: {exc}") from exc


async def open_store(path: Path, config: StoreConfig, root: Path) -> AsyncSqliteStore:
    """Open (creating if needed) the store at `path` and start its TTL sweeper."""
    if config.path:
        logger.warning(
            "store.path (%s) is not supported yet: lg-studio serves its built-in store.",
            config.path,
        )
    index = cast(SqliteIndexConfig | None, await index_config(config, root))
    ttl_config = store_ttl(config)
    conn = await sqlite_vectors.connect(path)
    await conn.execute("PRAGMA journal_mode=WAL")
    store = AsyncSqliteStore(conn, index=index, ttl=ttl_config)
    try:
        await store.setup()
    except BaseException:
        await conn.close()
        raise
    await store.start_ttl_sweeper()
    return store


async def close_store(store: AsyncSqliteStore) -> None:
    await store.stop_ttl_sweeper(timeout=5)
    await store.conn.close()


async def index_config(config: StoreConfig, root: Path) -> dict[str, Any] | None:
    """`store.index` as langgraph's SQLite and Postgres stores take it (both read
    `distance_type`, though `IndexConfig` does not declare it)."""
    if config.index is None:
        return None
    # Importing the user's embedding module blocks: keep the loop free meanwhile.
    embed = await asyncio.to_thread(load_embeddings, config.index, root)
    return {
        "dims": config.index.dims,
        "embed": embed,
        "fields": config.index.fields or ["$"],
        "distance_type": config.index.distance_type,
    }


def store_ttl(config: StoreConfig) -> TTLConfig:
    """Always configured (and swept), so an item put with its own `ttl` expires even when
    langgraph.json sets no `store.ttl`; sweep intervals may be fractions of a minute."""
    ttl = config.ttl
    return cast(
        TTLConfig,
        {
            "refresh_on_read": ttl.refresh_on_read if ttl else True,
            "default_ttl": ttl.default_ttl if ttl else None,
            "sweep_interval_minutes": (ttl and ttl.sweep_interval_minutes) or DEFAULT_SWEEP_MINUTES,
        },
    )
