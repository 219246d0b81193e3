"""Wait for an observable condition, with a bounded deadline instead of a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    within: float = 30.0,
    interval: float = 0.1,
    what: str = "the condition",
) -> T:
    """Call `probe` until `accept` takes its result (returned), or fail after `within` s."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {within} s; last seen: {value!r}")
        await asyncio.sleep(interval)
