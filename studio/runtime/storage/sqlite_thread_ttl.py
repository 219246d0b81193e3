"""Thread expiry in the embedded SQLite database (`checkpointer.ttl` of langgraph.json).

A thread expires when it has been idle (not busy, `updated_at` unchanged) for longer than its
own TTL, or the project's default. `swept_at` remembers that a thread was handled since its
last change, so a `keep_latest` thread is pruned once per idle period, not at every sweep.
"""

from __future__ import annotations

import sqlite3
from typing import cast

from studio.runtime.storage.base import ExpiredThread, ThreadTTLStrategy


def set_ttl(
    conn: sqlite3.Connection, thread_id: str, strategy: ThreadTTLStrategy, ttl_minutes: float
) -> None:
    conn.execute(
        "INSERT INTO thread_ttl (thread_id, strategy, ttl_minutes) VALUES (?, ?, ?) "
        "ON CONFLICT (thread_id) DO UPDATE SET strategy = excluded.strategy, "
        "ttl_minutes = excluded.ttl_minutes",
        (thread_id, strategy, ttl_minutes),
    )


def expired(
    conn: sqlite3.Connection,
    now: str,
    default_minutes: float | None,
    default_strategy: ThreadTTLStrategy,
    limit: int,
) -> list[ExpiredThread]:
    found = conn.execute(
        """
        SELECT t.thread_id, COALESCE(x.strategy, :strategy) AS strategy
        FROM threads t LEFT JOIN thread_ttl x ON x.thread_id = t.thread_id
        WHERE t.status != 'busy'
          AND COALESCE(x.ttl_minutes, :minutes) IS NOT NULL
          AND julianday(t.updated_at) + COALESCE(x.ttl_minutes, :minutes) / 1440.0
              < julianday(:now)
          AND (x.swept_at IS NULL OR x.swept_at < t.updated_at)
        ORDER BY t.updated_at
        LIMIT :limit
        """,
        {"strategy": default_strategy, "minutes": default_minutes, "now": now, "limit": limit},
    ).fetchall()
    return [
        ExpiredThread(row["thread_id"], cast(ThreadTTLStrategy, row["strategy"])) for row in found
    ]


def mark_swept(conn: sqlite3.Connection, thread_id: str, now: str) -> None:
    conn.execute(
        "INSERT INTO thread_ttl (thread_id, swept_at) VALUES (?, ?) "
        "ON CONFLICT (thread_id) DO UPDATE SET swept_at = excluded.swept_at",
        (thread_id, now),
    )
