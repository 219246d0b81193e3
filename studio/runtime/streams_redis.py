"""The stream broker of a scale-out deployment: every run's events in a Redis stream.

Any process can follow any run: the process executing it appends, the others read. A run's
log is the stream `{prefix}run:{run_id}`; a thread's is `{prefix}thread:{thread_id}`. Entry
ids are `0-<seq>`, numbered by Redis itself (`XADD key 0-*`, Redis 7), so the seq is the SSE
id whichever process serves the stream, a client resumes with `Last-Event-ID` on any of them,
and a run retried by another process after a crash continues the same numbering. A run's
stream ends with an end marker entry, written after the run was settled in storage (so a
follower that sees the end also sees the final statuses), then expires like the in-memory
logs (an hour for resumable runs, a minute for the others); threads' streams keep their last
`THREAD_EVENTS` events while something happens on them.

Publishing must not wait (the executor publishes from its streaming loop), so appends are
queued and written in order by one flusher task, a whole batch per round trip. Followers read
with blocking `XREAD`s, each on its own connection from the pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError

from studio.runtime.streams import (
    DEFAULT_TTL_SECONDS,
    RESUMABLE_TTL_SECONDS,
    EventLog,
    StreamEvent,
)

logger = logging.getLogger(__name__)

THREAD_EVENTS = 1000
"""Events a thread's stream keeps for followers resuming with Last-Event-ID."""
BLOCK_MS = 10_000
"""How long one XREAD waits for news before it is issued again."""
SOCKET_TIMEOUT_SECONDS = BLOCK_MS / 1000 + 20
"""The broker's Redis client must wait longer than a blocking XREAD for a reply (the
client's default, a few seconds, would end every quiet stream with an error)."""
SETTLE_MS = 2_000
"""How long a follower of a run that has ended waits for the end marker to arrive (its
producer writes it a moment after it settles the run in storage)."""
BATCH = 1000

_EVENT, _DATA, _END = b"event", b"data", b"end"


@dataclass
class _Append:
    key: str
    fields: dict[bytes, bytes]
    ttl: float
    maxlen: int | None = None


@dataclass(eq=False)
class RedisEventLog:
    """A run's or a thread's stream, seen from this process: the producer's (appending,
    then closing it) or a follower's."""

    broker: RedisBroker
    key: str
    run_id: str | None = None
    thread_id: str | None = None
    resumable: bool = False
    producing: bool = False
    _closed: bool = field(default=False, init=False)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """The producer ends the stream; a follower only learns that the run has ended."""
        if self._closed:
            return
        self._closed = True
        if self.producing:
            self.broker.ended(self)

    async def resume_at(self, last_event_id: int | None) -> int:
        last = _entries(await self.broker.redis.xrevrange(self.key, count=1))
        if not last:
            return 0
        entry_id, fields = last[0]
        end = entry_id - 1 if _END in fields else entry_id
        return end if last_event_id is None else max(0, min(last_event_id, end))

    async def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        cursor = after
        while True:
            block = SETTLE_MS if self._closed and not self.producing else BLOCK_MS
            # RESP2 reply: [[key, entries]] (the client types it for RESP3 as well)
            reply: Any = await self.broker.redis.xread(
                {self.key: f"0-{cursor}"}, count=BATCH, block=block
            )
            if not reply:
                if block == SETTLE_MS:
                    return
                continue
            batch: list[StreamEvent] = []
            for entry_id, fields in _entries(reply[0][1]):
                cursor = entry_id
                if _END in fields:
                    if batch:
                        yield batch
                    return
                batch.append(StreamEvent(cursor, fields[_EVENT].decode(), fields[_DATA]))
            yield batch


class RedisBroker:
    """The logs of every run and watched thread of the deployment, in one Redis."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self._prefix = prefix
        self._producing: dict[str, RedisEventLog] = {}
        self._outbox: list[_Append] = []
        self._flusher: asyncio.Task[None] | None = None

    def run_log(
        self, run_id: str, *, thread_id: str | None = None, resumable: bool = False
    ) -> RedisEventLog:
        log = self._producing.get(run_id)
        if log is None:
            return RedisEventLog(self, self._run_key(run_id), run_id, thread_id, resumable)
        log.resumable = log.resumable or resumable
        log.thread_id = log.thread_id or thread_id
        return log

    def get_run_log(self, run_id: str) -> RedisEventLog | None:
        return self._producing.get(run_id)

    def discard(self, run_id: str) -> None:
        self._producing.pop(run_id, None)

    def thread_log(self, thread_id: str) -> RedisEventLog:
        return RedisEventLog(self, self._thread_key(thread_id), thread_id=thread_id)

    def publish(self, log: EventLog, event: str, data: bytes) -> None:
        assert isinstance(log, RedisEventLog), "a log of this broker"
        if not log.producing and log.run_id is not None:
            log.producing = True
            self._producing[log.run_id] = log
        self._send(_Append(log.key, _event(event, data), RESUMABLE_TTL_SECONDS))
        if log.thread_id is not None:
            self.publish_thread(log.thread_id, event, data)

    def publish_thread(self, thread_id: str, event: str, data: bytes) -> None:
        key = self._thread_key(thread_id)
        self._send(_Append(key, _event(event, data), DEFAULT_TTL_SECONDS, THREAD_EVENTS))

    def end_run(self, run_id: str) -> None:
        self._send(_Append(self._run_key(run_id), {_END: b"1"}, DEFAULT_TTL_SECONDS))

    def ended(self, log: RedisEventLog) -> None:
        """`log`'s producer closed it: the end marker goes after its last events."""
        ttl = RESUMABLE_TTL_SECONDS if log.resumable else DEFAULT_TTL_SECONDS
        self._send(_Append(log.key, {_END: b"1"}, ttl))
        if log.run_id is not None and self._producing.get(log.run_id) is log:
            del self._producing[log.run_id]

    async def aclose(self) -> None:
        if self._flusher is not None:
            await self._flusher
        await self.redis.aclose()

    def _send(self, append: _Append) -> None:
        self._outbox.append(append)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush(), name="stream-flusher"
            )

    async def _flush(self) -> None:
        """Write the queued appends, in order, one pipeline per batch."""
        while self._outbox:
            batch, self._outbox = self._outbox, []
            pipe: Pipeline = self.redis.pipeline(transaction=False)
            ttls: dict[str, float] = {}
            for append in batch:
                pipe.xadd(
                    append.key,
                    append.fields,  # type: ignore[arg-type]
                    id="0-*",
                    maxlen=append.maxlen,
                    approximate=True,
                )
                ttls[append.key] = append.ttl
            for key, ttl in ttls.items():
                pipe.expire(key, int(ttl))
            try:
                await pipe.execute()
            except RedisError:
                logger.exception("Lost %d stream events: Redis refused them", len(batch))

    def _run_key(self, run_id: str) -> str:
        return f"{self._prefix}run:{run_id}"

    def _thread_key(self, thread_id: str) -> str:
        return f"{self._prefix}thread:{thread_id}"


def _event(event: str, data: bytes) -> dict[bytes, bytes]:
    return {_EVENT: event.encode(), _DATA: memoryview(data).tobytes()}


def _entries(reply: Any) -> list[tuple[int, dict[bytes, bytes]]]:
    """`XRANGE`/`XREAD` entries as (seq, fields); the client is untyped about them (it
    returns bytes, as `decode_responses` is off)."""
    return [(int(entry_id.rsplit(b"-", 1)[1]), fields) for entry_id, fields in reply]
