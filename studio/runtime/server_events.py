"""What happens to the server itself, for the studio to show: graph reloads, log records and
what graphs print.

LangGraph Server has no such stream; lg-studio serves it at `GET /lg-studio/events` (SSE), so
the studio's log pane and its redraw-on-reload work against any lg-studio runtime, in process
or not, without reading files or sharing memory. Records come from any thread (graphs run in
worker threads, libraries log from theirs), so publishing hops to the event loop.

The log keeps the last events only; a follower that falls further behind than that resumes
at the oldest one kept.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any, TextIO

import orjson

from studio.runtime.streams import StreamEvent

KEEP_EVENTS = 5000

current_run_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "lg_studio_run_id", default=None
)
"""The run whose code is executing: log records and printed lines are attributed to it."""


class ServerEventLog:
    """A bounded, followable log of server events, numbered from 1 like a run's stream."""

    def __init__(self, keep: int = KEEP_EVENTS) -> None:
        self._events: deque[StreamEvent] = deque(maxlen=keep)
        self._seq = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Publish on `loop` from now on (the server's loop; events before it are kept)."""
        self._loop = loop
        self._changed = asyncio.Event()

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Add an event, from any thread."""
        payload = orjson.dumps(data, default=str)
        loop = self._loop
        if loop is None or loop.is_closed():
            self._append(event, payload)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._append(event, payload)
        else:
            loop.call_soon_threadsafe(self._append, event, payload)

    def _append(self, event: str, payload: bytes) -> None:
        self._seq += 1
        self._events.append(StreamEvent(self._seq, event, payload))
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    async def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        """Batches of events with seq > `after`, as they come, until the follower leaves."""
        cursor = after
        while True:
            waiting = self._changed
            fresh = [e for e in self._events if e.seq > cursor] if cursor < self._seq else []
            if fresh:
                cursor = fresh[-1].seq
                yield fresh
                continue
            if waiting is None:
                return
            await waiting.wait()


class LogCapture(logging.Handler):
    """Log records of the whole process as `log` events."""

    def __init__(self, events: ServerEventLog) -> None:
        super().__init__(logging.INFO)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data: dict[str, Any] = {
                "time": record.created,
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                "run_id": current_run_id.get(),
            }
            if record.exc_info:
                data["traceback"] = logging.Formatter().formatException(record.exc_info)
            self.events.publish("log", data)
        except Exception:  # a log handler must never raise into the code that logged
            self.handleError(record)


class OutputTee:
    """A stand-in for `sys.stdout`/`sys.stderr` that still writes through, and publishes each
    complete line a run prints as an `output` event (lines outside runs are the process's
    own business: the studio's, or the server's console)."""

    def __init__(self, name: str, stream: TextIO, events: ServerEventLog) -> None:
        self.name = name
        self.stream = stream
        self.events = events
        self._partial: dict[str, str] = {}

    def write(self, text: str) -> int:
        written = self.stream.write(text)
        run_id = current_run_id.get()
        if run_id is not None:
            pending = self._partial.pop(run_id, "") + text
            *lines, rest = pending.split("\n")
            for line in lines:
                self.events.publish(
                    "output",
                    {"time": time.time(), "stream": self.name, "text": line, "run_id": run_id},
                )
            if rest:
                self._partial[run_id] = rest
        return written

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class ServerCapture:
    """Installs the log handler and the output tees for a server's lifetime."""

    def __init__(self, events: ServerEventLog) -> None:
        self.events = events
        self._handler = LogCapture(events)

    def start(self) -> None:
        logging.getLogger().addHandler(self._handler)
        # A windowed app on Windows has no console streams at all: nothing to tee then.
        if sys.stdout is not None:
            sys.stdout = OutputTee("stdout", sys.stdout, self.events)
        if sys.stderr is not None:
            sys.stderr = OutputTee("stderr", sys.stderr, self.events)

    def stop(self) -> None:
        """Undo `start`, leaving alone streams someone else replaced in the meantime."""
        logging.getLogger().removeHandler(self._handler)
        if isinstance(sys.stdout, OutputTee) and sys.stdout.events is self.events:
            sys.stdout = sys.stdout.stream
        if isinstance(sys.stderr, OutputTee) and sys.stderr.events is self.events:
            sys.stderr = sys.stderr.stream
