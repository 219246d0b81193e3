"""Event logs that any number of clients follow, join late, or resume: one per run, and one
per watched thread (all its runs, run ends, and state updates).

Every event gets a per-log sequence number that becomes its SSE id, unique and increasing
(LangGraph Server's in-memory ids are millisecond stamps that collide, so a resume can skip
events; ours cannot). A run's log is kept while it runs and for a grace period after, so a
client that reconnects with `Last-Event-ID` gets exactly what it missed.

`StreamBroker` and `EventLog` are the interface the executor and the API use. Here is the
broker of a single process (`MemoryBroker`), where followers wake once per batch, not once per
event, which keeps high-rate streams cheap; `streams_redis.py` has the broker of a scale-out
deployment, where a client joins a stream that another process produces.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

RESUMABLE_TTL_SECONDS = 3600.0
DEFAULT_TTL_SECONDS = 60.0
SWEEP_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class StreamEvent:
    seq: int
    event: str
    data: bytes

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


class EventLog(Protocol):
    """A run's or a thread's events, as the API follows them."""

    @property
    def closed(self) -> bool:
        """No more events will come (as far as this process knows)."""
        ...

    def close(self) -> None:
        """The run has ended: followers stop once they have what the log holds."""
        ...

    async def resume_at(self, last_event_id: int | None) -> int:
        """Where a new follower starts: after `last_event_id` (at most the last event the
        log holds), or at the log's current end."""
        ...

    def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        """Batches of events with seq > `after`, until the log is closed and drained."""
        ...


class StreamBroker(Protocol):
    """The logs of runs, by run id, and of watched threads, by thread id."""

    def run_log(
        self, run_id: str, *, thread_id: str | None = None, resumable: bool = False
    ) -> EventLog:
        """The log of a run (a streaming request opens it before the run exists)."""
        ...

    def get_run_log(self, run_id: str) -> EventLog | None:
        """The run's log if this process has it open."""
        ...

    def discard(self, run_id: str) -> None: ...

    def thread_log(self, thread_id: str) -> EventLog:
        """The log of a thread that someone watches."""
        ...

    def publish(self, log: EventLog, event: str, data: bytes) -> None:
        """Append to a run's log (it becomes this process's to produce), and to its
        thread's log when the thread is watched."""
        ...

    def publish_thread(self, thread_id: str, event: str, data: bytes) -> None:
        """An event of the thread itself (a run ended, its state was updated)."""
        ...

    def end_run(self, run_id: str) -> None:
        """Close the log of a run that will never execute (cancelled while pending)."""
        ...

    async def aclose(self) -> None:
        """Deliver what is still buffered, then release the broker's resources."""
        ...


@dataclass(eq=False)
class MemoryEventLog:
    """An append-only list of events and the followers waiting for more."""

    key: str
    thread_id: str | None = None
    resumable: bool = False
    closes: bool = True
    events: list[StreamEvent] = field(default_factory=list)
    closed: bool = False
    idle_since: float | None = None
    followers: int = 0
    _waiter: asyncio.Future[None] | None = None

    def append(self, event: str, data: bytes) -> StreamEvent:
        # orjson hands back bytes with kilobytes of spare capacity (4 KiB for `{"i":1}`);
        # a log keeps thousands of them, so keep an exact-size copy instead.
        item = StreamEvent(len(self.events) + 1, event, memoryview(data).tobytes())
        self.events.append(item)
        self._wake()
        return item

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.idle_since = time.monotonic()
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        self._waiter = None

    async def _changed(self) -> None:
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._waiter)

    async def resume_at(self, last_event_id: int | None) -> int:
        count = len(self.events)
        return count if last_event_id is None else min(last_event_id, count)

    async def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        """Batches of events with seq > `after` until the log is closed and drained."""
        cursor = after
        self.followers += 1
        try:
            while True:
                if cursor < len(self.events):
                    batch = self.events[cursor:]
                    cursor = len(self.events)
                    yield batch
                    continue
                if self.closed:
                    return
                await self._changed()
        finally:
            self.followers -= 1
            if self.followers == 0:
                self.idle_since = time.monotonic()

    def expired(self, now: float) -> bool:
        """Unwatched, and past its grace period: a run log once the run ended, a thread log
        once nobody follows it."""
        if self.followers or self.idle_since is None or (self.closes and not self.closed):
            return False
        ttl = RESUMABLE_TTL_SECONDS if self.resumable else DEFAULT_TTL_SECONDS
        return now - self.idle_since > ttl


class MemoryBroker:
    """The logs of this process: runs by run id, watched threads by thread id."""

    def __init__(self) -> None:
        self._runs: dict[str, MemoryEventLog] = {}
        self._threads: dict[str, MemoryEventLog] = {}
        self._swept_at = time.monotonic()

    def run_log(
        self, run_id: str, *, thread_id: str | None = None, resumable: bool = False
    ) -> MemoryEventLog:
        """The log of a run, created if needed (a streaming request opens it before the run)."""
        self._expire()
        log = self._runs.get(run_id)
        if log is None:
            log = self._runs[run_id] = MemoryEventLog(run_id, thread_id, resumable)
        else:
            log.resumable = log.resumable or resumable
            log.thread_id = log.thread_id or thread_id
        return log

    def get_run_log(self, run_id: str) -> MemoryEventLog | None:
        return self._runs.get(run_id)

    def discard(self, run_id: str) -> None:
        self._runs.pop(run_id, None)

    def thread_log(self, thread_id: str) -> MemoryEventLog:
        """The log of a thread that someone watches (created on first watch)."""
        self._expire()
        log = self._threads.get(thread_id)
        if log is None:
            log = self._threads[thread_id] = MemoryEventLog(thread_id, closes=False)
        return log

    def publish(self, log: EventLog, event: str, data: bytes) -> None:
        """Append to a run's log, and to its thread's log when the thread is watched."""
        assert isinstance(log, MemoryEventLog), "a log of this broker"
        log.append(event, data)
        if log.thread_id is not None and (watched := self._threads.get(log.thread_id)):
            watched.append(event, data)

    def publish_thread(self, thread_id: str, event: str, data: bytes) -> None:
        """An event of the thread itself (a run ended, its state was updated)."""
        if watched := self._threads.get(thread_id):
            watched.append(event, data)

    def end_run(self, run_id: str) -> None:
        self.run_log(run_id).close()

    async def aclose(self) -> None:
        """Nothing is buffered: every event is in its log the moment it is published."""

    def _expire(self) -> None:
        """Drop expired logs, at most once per sweep interval (not on every call: a burst
        opens thousands of logs, and scanning them all each time grows quadratically)."""
        now = time.monotonic()
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = now
        for logs in (self._runs, self._threads):
            for key in [key for key, log in logs.items() if log.expired(now)]:
                del logs[key]
