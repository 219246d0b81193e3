"""Thread expiry in the Postgres storage (`checkpointer.ttl` of langgraph.json).

The rules are SQLite's (storage/sqlite_thread_ttl.py): a thread expires when it has been idle
for longer than its own TTL or the project's default, and `swept_at` remembers that it was
handled since its last change. The times are ISO text, read as `timestamptz` to add the TTL.
"""

from __future__ import annotations

from typing import cast

from studio.runtime.storage.base import ExpiredThread, ThreadTTLStrategy
from studio.runtime.storage.postgres_db import Cursor
from studio.runtime.storage.postgres_rows import every


async def set_ttl(
    cursor: Cursor, thread_id: str, strategy: ThreadTTLStrategy, ttl_minutes: float
) -> None:
    await cursor.execute(
        "INSERT INTO thread_ttl (thread_id, strategy, ttl_minutes) VALUES (%s, %s, %s) "
        "ON CONFLICT (thread_id) DO UPDATE SET strategy = excluded.strategy, "
        "ttl_minutes = excluded.ttl_minutes",
        (thread_id, strategy, ttl_minutes),
    )


async def expired(
    cursor: Cursor,
    now: str,
    default_minutes: float | None,
    default_strategy: ThreadTTLStrategy,
    limit: int,
) -> list[ExpiredThread]:
    found = await every(
        cursor,
        """
        SELECT t.thread_id, COALESCE(x.strategy, %(strategy)s) AS strategy
        FROM threads t LEFT JOIN thread_ttl x ON x.thread_id = t.thread_id
        WHERE t.status != 'busy'
          AND COALESCE(x.ttl_minutes, %(minutes)s::double precision) IS NOT NULL
          AND t.updated_at::timestamptz + make_interval(
                secs => COALESCE(x.ttl_minutes, %(minutes)s::double precision) * 60)
              < %(now)s::timestamptz
          AND (x.swept_at IS NULL OR x.swept_at < t.updated_at)
        ORDER BY t.updated_at
        LIMIT %(limit)s
        """,
        {"strategy": default_strategy, "minutes": default_minutes, "now": now, "limit": limit},
    )
    return [
        ExpiredThread(row["thread_id"], cast(ThreadTTLStrategy, row["strategy"])) for row in found
    ]


async def mark_swept(cursor: Cursor, thread_id: str, now: str) -> None:
    await cursor.execute(
        "INSERT INTO thread_ttl (thread_id, swept_at) VALUES (%s, %s) "
        "ON CONFLICT (thread_id) DO UPDATE SET swept_at = excluded.swept_at",
        (thread_id, now),
    )
