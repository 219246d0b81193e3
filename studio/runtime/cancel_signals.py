"""Cancel signals between the processes of a scale-out deployment, over Redis pub/sub.

A cancel is decided in Postgres (the run is marked interrupted there, in one transaction with
the thread); the process executing the run must then stop its task. Whichever process took
the request publishes `run_id`, the action and the reason on the deployment's channel; every
process hears it, and the one executing the run stops it (studio/runtime/queue_postgres.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from studio.runtime.executor import CancelAction

logger = logging.getLogger(__name__)

OnSignal = Callable[[str, CancelAction, str | None], None]


class CancelSignals:
    """Publish cancel requests, and hear everybody's (call `subscribe` before relying on it)."""

    def __init__(self, redis: Redis, channel: str) -> None:
        self._redis = redis
        self._channel = channel
        self._pubsub: PubSub | None = None

    async def send(self, run_id: str, action: CancelAction, reason: str | None) -> None:
        message = orjson.dumps({"run_id": run_id, "action": action, "reason": reason})
        await self._redis.publish(self._channel, message)

    async def subscribe(self) -> None:
        """Listen from now on: a signal sent after this returns is heard."""
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._channel)

    async def listen(self, on_signal: OnSignal) -> None:
        """Call `on_signal(run_id, action, reason)` for every signal, until cancelled."""
        assert self._pubsub is not None, "subscribe first"
        async for message in self._pubsub.listen():
            try:
                signal = cast(dict[str, Any], orjson.loads(message["data"]))
                on_signal(signal["run_id"], signal["action"], signal["reason"])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                logger.warning("Ignored a malformed cancel signal: %r", message)

    async def aclose(self) -> None:
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
