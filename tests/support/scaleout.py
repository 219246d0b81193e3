"""Postgres databases and Redis keys for tests of the scale-out backend, on the real services
on loopback (`.ci/run` starts them). Every test deployment gets a database of its own, named
after what it is for, and leaves nothing behind: `drop_deployment` removes the database and
the deployment's Redis keys.

`LG_STUDIO_TEST_BACKEND=postgres` runs every `ServerProcess` (tests/support/server.py) on
this backend, so the runtime suite proves both backends answer alike.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import psycopg
import redis

POSTGRES = os.environ.get("LG_STUDIO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
"""The server (no database) tests create their databases on."""
REDIS = os.environ.get("LG_STUDIO_TEST_REDIS", "redis://127.0.0.1:6379/0")
ON_POSTGRES = os.environ.get("LG_STUDIO_TEST_BACKEND") == "postgres"
"""Whether the whole suite runs its servers on Postgres and Redis."""

_created: set[str] = set()


def database_for(data_dir: Path) -> str:
    """The database of the server whose data folder is `data_dir`: the same folder (a
    restarted server) gets the same database."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"lgs_test_{digest}"


def database_uri(name: str) -> str:
    return f"{POSTGRES}/{name}"


def create_database(name: str) -> str:
    """Create the database unless it exists; its URI."""
    with psycopg.connect(database_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    _created.add(name)
    return database_uri(name)


def has_pgvector() -> bool:
    """Whether the Postgres server can create the `vector` extension (semantic search)."""
    with psycopg.connect(database_uri("postgres"), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return found.fetchone() is not None


def drop_deployment(name: str) -> None:
    """Drop the database (closing what still uses it) and the Redis keys of its deployment."""
    with psycopg.connect(database_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists is not None:
        _drop_redis_keys(name)
        with psycopg.connect(database_uri("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _created.discard(name)


def drop_all_created() -> None:
    for name in sorted(_created):
        drop_deployment(name)


def scaleout_args(data_dir: Path) -> tuple[str, ...]:
    """`lg-studio serve` arguments for the deployment of `data_dir` (created if needed)."""
    return ("--postgres-uri", create_database(database_for(data_dir)), "--redis-uri", REDIS)


def _drop_redis_keys(name: str) -> None:
    with psycopg.connect(database_uri(name), autocommit=True) as conn:
        try:
            row = conn.execute("SELECT deployment_id FROM deployment").fetchone()
        except psycopg.errors.UndefinedTable:
            return  # no server ever started on it
    if row is None:
        return
    client = redis.Redis.from_url(REDIS)
    try:
        keys = list(client.scan_iter(match=f"lg-studio:{row[0]}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
