"""Read raw SSE responses with the SDK's own spec-correct decoder, keeping ids and comments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from langgraph_sdk.sse import SSEDecoder, aiter_lines_raw


@dataclass(frozen=True)
class Event:
    event: str
    data: Any
    id: str | None


async def events(response: httpx.Response) -> AsyncIterator[Event]:
    decoder = SSEDecoder()
    async for line in aiter_lines_raw(response):
        part = decoder.decode(bytes(line).rstrip(b"\r\n"))
        if part is not None:
            yield Event(part.event, part.data, part.id)


async def collect(response: httpx.Response, *, until: str | None = None) -> list[Event]:
    """All events, or those up to and including the first named `until`."""
    found = []
    async for event in events(response):
        found.append(event)
        if until is not None and event.event == until:
            break
    return found
