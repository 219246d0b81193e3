"""Thread expiry: `checkpointer.ttl` of langgraph.json (or `LANGGRAPH_THREAD_TTL`).

A thread left idle for longer than its TTL is deleted with everything it holds (strategy
`delete`), or pruned to its latest checkpoint (`keep_latest`). The reference's in-memory
server never sweeps; its Postgres edition does, and so do we, every `sweep_interval_minutes`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from studio.runtime import ids
from studio.runtime.config import ThreadTTLConfig
from studio.runtime.errors import ApiError
from studio.runtime.services.threads import delete_thread

if TYPE_CHECKING:
    from studio.runtime.context import Runtime

logger = logging.getLogger(__name__)

DEFAULT_SWEEP_MINUTES = 5.0


async def sweep_expired_threads(runtime: Runtime, ttl: ThreadTTLConfig | None) -> float:
    """Expire the threads whose time is up; the seconds until the next sweep."""
    ttl = ttl or ThreadTTLConfig()
    now = ids.now_iso()
    expired = await runtime.storage.expired_threads(
        now,
        default_minutes=ttl.default_ttl,
        default_strategy=ttl.strategy,
        limit=ttl.sweep_limit,
    )
    for thread in expired:
        try:
            if thread.strategy == "delete":
                await delete_thread(runtime, thread.thread_id)
            else:
                await runtime.checkpointer.aprune([thread.thread_id], strategy="keep_latest")
                await runtime.storage.mark_thread_swept(thread.thread_id, now)
        except ApiError:
            continue  # deleted meanwhile
        logger.info("Thread %s expired (%s)", thread.thread_id, thread.strategy)
    if len(expired) == ttl.sweep_limit:
        return 0.0
    return (ttl.sweep_interval_minutes or DEFAULT_SWEEP_MINUTES) * 60
