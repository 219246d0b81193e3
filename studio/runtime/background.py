"""A background loop for the runtime's housekeeping: the cron scheduler and the thread sweeper.

Each turn of the loop calls a step that does its work and says how long to wait before the next
turn; `wake()` cuts a wait short (a cron was just created), and `stop()` ends the loop between
steps. A failing step is logged and tried again later: housekeeping never brings the server down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Step = Callable[[], Awaitable[float]]


class Periodic:
    def __init__(self, name: str, step: Step, *, retry_seconds: float) -> None:
        self._name = name
        self._step = step
        self._retry_seconds = retry_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self._name)

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                delay = await self._step()
            except Exception:
                logger.exception("%s failed; trying again in %g s", self._name, self._retry_seconds)
                delay = self._retry_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.0))
