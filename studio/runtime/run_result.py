"""The JSON body of `runs.wait` and `runs.join`: what a run ended with.

LangGraph Server's rules: the last `values` event; if the run stopped on interrupts, the
event(s) carrying `__interrupt__` (merged when several); `{"__error__": ...}` if it raised;
and when the run produced nothing (e.g. it had already finished), the thread's current values,
error or interrupts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from studio.protocol.schema import Thread
from studio.runtime.streams import StreamEvent

_INTERRUPT = b"__interrupt__"


def _interrupts_in(data: bytes) -> list[Any]:
    if _INTERRUPT not in data:
        return []
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError:
        return []
    interrupts = payload.get("__interrupt__") if isinstance(payload, dict) else None
    return interrupts if isinstance(interrupts, list) else []


class RunResult:
    """Folds a run's events into its final body."""

    def __init__(self) -> None:
        self._latest: bytes | None = None
        self._interrupt_chunks: list[bytes] = []
        self._errored = False

    def absorb(self, events: Iterable[StreamEvent]) -> None:
        for event in events:
            if event.event == "error":
                self._latest = b'{"__error__":' + event.data + b"}"
                self._errored = True
            elif event.event in ("values", "updates"):
                if _interrupts_in(event.data):
                    self._interrupt_chunks.append(event.data)
                    self._latest = event.data
                elif event.event == "values":
                    self._latest = event.data

    def body(self, thread: Thread | None) -> bytes:
        if not self._errored and self._interrupt_chunks:
            if len(self._interrupt_chunks) == 1:
                return self._interrupt_chunks[0]
            merged = [i for chunk in self._interrupt_chunks for i in _interrupts_in(chunk)]
            return orjson.dumps({"__interrupt__": merged})
        if self._latest is not None:
            return self._latest
        return thread_result(thread)


def thread_result(thread: Thread | None) -> bytes:
    """The result of a run that streamed nothing, read off its thread."""
    if thread is None:
        return b"{}"
    if thread["status"] == "error" and thread.get("error") is not None:
        return orjson.dumps({"__error__": thread["error"]})
    if thread["status"] == "interrupted":
        interrupts = [i for group in (thread["interrupts"] or {}).values() for i in group]
        if interrupts:
            return orjson.dumps({"__interrupt__": interrupts})
    values = thread.get("values")
    return orjson.dumps(values) if values else b"{}"
