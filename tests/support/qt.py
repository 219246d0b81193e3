"""Awaiting Qt signals from coroutines, without nested event loops.

`next_emission` starts listening at once, so a test can arm it, trigger the action, then
await: an emission that happens before the await is not lost. Bound long waits with
`asyncio.timeout(...)` where it matters; pytest-timeout is the backstop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SignalInstance


def next_emission(signal: SignalInstance) -> asyncio.Future[list[Any]]:
    """A future resolved with the arguments of the next emission of `signal`."""
    future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()

    def receive(*args: Any) -> None:
        if not future.done():
            future.set_result(list(args))

    signal.connect(receive)
    future.add_done_callback(lambda _: signal.disconnect(receive))
    return future


async def wait_signal(signal: SignalInstance) -> list[Any]:
    return await next_emission(signal)


async def wait_for(condition: Callable[[], bool], signal: SignalInstance) -> None:
    """Wait until `condition()` holds, checking it each time `signal` fires."""
    while not condition():
        await wait_signal(signal)
