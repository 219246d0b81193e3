"""Server-sent events and long-poll JSON bodies that follow a run's log.

SSE frames are `event: <name>`, `data: <json>`, `id: <seq>` lines ended by CRLF, then a blank
line, as LangGraph Server writes them; a batch of events goes out in one write. A
`: heartbeat` comment every 5 s keeps idle connections open through proxies, and a wait/join
body sends a newline every 5 s for the same
reason (JSON parsers skip leading whitespace).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from typing import Protocol

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.responses import StreamingResponse

from studio.runtime.run_result import RunResult
from studio.runtime.streams import EventLog, StreamEvent

OnDisconnect = Callable[[], None]


def sse_frame(event: StreamEvent) -> bytes:
    name = event.event.replace("\r", "").replace("\n", "")
    return b"event: %s\r\ndata: %s\r\nid: %d\r\n\r\n" % (name.encode(), event.data, event.seq)


def mode_filter(modes: Collection[str]) -> Callable[[StreamEvent], bool]:
    """Join-stream filter: by mode (subgraph events match their mode; `messages` and
    `messages-tuple` match every `messages*` event), as LangGraph Server filters. An `error`
    always passes: a client must learn that the run failed whatever it asked to see."""
    wanted = set(modes)
    if not wanted:
        return lambda event: True
    messages = bool(wanted & {"messages", "messages-tuple"})

    def keep(event: StreamEvent) -> bool:
        mode = event.mode
        if mode == "error" or mode in wanted:
            return True
        return messages and mode.startswith("messages")

    return keep


class Followable(Protocol):
    """A log a stream can follow: a run's or thread's, or the server's own events."""

    def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]: ...


def event_stream(
    log: Followable,
    *,
    after: int,
    heartbeat: float,
    keep: Callable[[StreamEvent], bool] = lambda e: True,
    on_disconnect: OnDisconnect | None = None,
    headers: Mapping[str, str] | None = None,
) -> EventSourceResponse:
    async def frames() -> AsyncIterator[bytes]:
        finished = False
        try:
            async for batch in log.follow(after):
                chunk = b"".join(sse_frame(e) for e in batch if keep(e))
                if chunk:
                    yield chunk
            finished = True
        finally:
            if not finished and on_disconnect is not None:
                on_disconnect()

    return EventSourceResponse(
        frames(),
        headers=dict(headers or {}),
        ping=heartbeat,
        ping_message_factory=lambda: ServerSentEvent(comment="heartbeat"),
    )


def result_body(
    log: EventLog,
    *,
    after: int,
    heartbeat: float,
    final: Callable[[RunResult], Awaitable[bytes]],
    on_disconnect: OnDisconnect | None = None,
    headers: Mapping[str, str] | None = None,
) -> StreamingResponse:
    """A JSON body written when the run ends, preceded by keep-alive newlines."""

    async def consume() -> bytes:
        result = RunResult()
        async for batch in log.follow(after):
            result.absorb(batch)
        return await final(result)

    async def body() -> AsyncIterator[bytes]:
        task = asyncio.ensure_future(consume())
        finished = False
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=heartbeat)
                if done:
                    finished = True
                    yield task.result()
                    return
                yield b"\n"
        finally:
            if not task.done():
                task.cancel()
            if not finished and on_disconnect is not None:
                on_disconnect()

    return StreamingResponse(body(), media_type="application/json", headers=dict(headers or {}))
