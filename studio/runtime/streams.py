"""Per-run event logs that any number of clients follow, join late, or resume.

Every event gets a per-run sequence number that becomes its SSE id, unique and increasing
(LangGraph Server's in-memory ids are millisecond stamps that collide, so a resume can skip
events; ours cannot). A run's log is kept while it runs and for a grace period after, so a
client that reconnects with `Last-Event-ID` gets exactly what it missed. Followers wake once
per batch, not once per event, which keeps high-rate streams cheap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

RESUMABLE_TTL_SECONDS = 3600.0
DEFAULT_TTL_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class StreamEvent:
    seq: int
    event: str
    data: bytes

    @property
    def id(self) -> str:
        return str(self.seq)

    @property
    def mode(self) -> str:
        """The stream mode, without the `|namespace` of subgraph events."""
        return self.event.split("|", 1)[0]


def parse_event_id(value: str | None) -> int | None:
    """The sequence after which to resume; `-` (or an unparsable id) replays from the start."""
    if value is None:
        return None
    tail = value.rsplit("-", 1)[-1] if value != "-" else ""
    try:
        return int(tail)
    except ValueError:
        return 0


@dataclass
class RunLog:
    """The events of one run and the followers waiting for more."""

    run_id: str
    thread_id: str | None = None
    resumable: bool = False
    events: list[StreamEvent] = field(default_factory=list)
    closed: bool = False
    closed_at: float | None = None
    _waiter: asyncio.Future[None] | None = None

    def append(self, event: str, data: bytes) -> StreamEvent:
        item = StreamEvent(len(self.events) + 1, event, data)
        self.events.append(item)
        self._wake()
        return item

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.closed_at = time.monotonic()
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        self._waiter = None

    async def changed(self) -> None:
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._waiter)

    async def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        """Batches of events with seq > `after` until the log is closed and drained."""
        cursor = after
        while True:
            if cursor < len(self.events):
                batch = self.events[cursor:]
                cursor = len(self.events)
                yield batch
                continue
            if self.closed:
                return
            await self.changed()


class StreamBroker:
    """All run logs of this process, by run id."""

    def __init__(self) -> None:
        self._logs: dict[str, RunLog] = {}

    def open(self, run_id: str, *, thread_id: str | None = None, resumable: bool = False) -> RunLog:
        """The log of a run, created if needed (a streaming request opens it before the run)."""
        self._expire()
        log = self._logs.get(run_id)
        if log is None:
            log = self._logs[run_id] = RunLog(run_id, thread_id, resumable)
        else:
            log.resumable = log.resumable or resumable
            log.thread_id = log.thread_id or thread_id
        return log

    def get(self, run_id: str) -> RunLog | None:
        return self._logs.get(run_id)

    def discard(self, run_id: str) -> None:
        self._logs.pop(run_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        expired = [
            run_id
            for run_id, log in self._logs.items()
            if log.closed_at is not None
            and now - log.closed_at
            > (RESUMABLE_TTL_SECONDS if log.resumable else DEFAULT_TTL_SECONDS)
        ]
        for run_id in expired:
            del self._logs[run_id]
