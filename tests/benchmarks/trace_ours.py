"""`lg-studio serve` with timers around the runtime's hot spots (for `run.py --trace`).

    python -m tests.benchmarks.trace_ours serve --config ... (the arguments of `lg-studio`)

Wraps, without changing `studio/`, the storage calls, the checkpointer's calls, the
checkpointer's lock, every aiosqlite statement and database-thread hop, the run executor's
phases, the queue's dispatch and the HTTP handlers with wall-clock timers (count, total ms,
max ms). On SIGUSR1 it writes what it measured since the last SIGUSR1 to `$LG_STUDIO_TRACE`
(JSON) and starts over, so the benchmark driver gets one trace per scenario. With
`LG_STUDIO_CPROFILE=1` it also writes a cProfile of the event-loop thread next to it
(`trace.json.<n>.pstats`, n = 0 for startup, then one per scenario in order).

Wall-clock under concurrency: a timer includes the time its coroutine waited for the event
loop, the database thread or a lock, which is what a request's latency is made of.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import json
import os
import signal
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import FrameType
from typing import Any

STATS: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # count, total, max


def record(label: str, seconds: float) -> None:
    entry = STATS[label]
    entry[0] += 1
    entry[1] += seconds * 1000.0
    entry[2] = max(entry[2], seconds * 1000.0)


def _wrap(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def agen(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            began = time.perf_counter()
            try:
                async for item in fn(*args, **kwargs):
                    yield item
            finally:
                record(label, time.perf_counter() - began)

        return agen
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                record(label, time.perf_counter() - began)

        return coro

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            record(label, time.perf_counter() - began)

    return plain


def patch(owner: Any, name: str, label: str) -> None:
    raw = inspect.getattr_static(owner, name)
    if isinstance(raw, classmethod | staticmethod):
        return
    setattr(owner, name, _wrap(raw, label))


class TimedLock(asyncio.Lock):
    """The checkpointer's lock, timing how long each acquirer waited for it."""

    async def acquire(self) -> bool:
        began = time.perf_counter()
        try:
            return await super().acquire()
        finally:
            record("saver.lock wait", time.perf_counter() - began)


def _since_process_start() -> float:
    """Seconds since the driver spawned this process (it passes the time in the environment)."""
    return time.time() - float(os.environ.get("LG_STUDIO_SPAWNED_AT", time.time()))


def install() -> None:
    record("startup: process start -> tracer installed", _since_process_start())
    import aiosqlite.core
    from langgraph.pregel import Pregel
    from langgraph.store.sqlite.aio import AsyncSqliteStore

    from studio.runtime import app, checkpointer, context, executor, graphs, queue
    from studio.runtime.api import runs as runs_api
    from studio.runtime.services import history as history_service
    from studio.runtime.services import runs as runs_service
    from studio.runtime.services import threads as threads_service
    from studio.runtime.storage import sqlite, sqlite_db

    for name, member in vars(sqlite.SqliteStorage).items():
        if inspect.iscoroutinefunction(member) and not name.startswith("_"):
            patch(sqlite.SqliteStorage, name, f"storage.{name}")
    patch(sqlite_db.SqliteDatabase, "run", "db-thread hop (SqliteDatabase.run)")
    saver = checkpointer.StudioSqliteSaver
    for name in ("aput", "aput_writes", "aget_tuple", "alist", "adelete_for_runs", "aquery"):
        patch(saver, name, f"saver.{name}")
    patch(aiosqlite.core.Connection, "_execute", "aiosqlite hop (Connection._execute)")
    original_open = saver.open.__func__  # type: ignore[attr-defined]

    async def timed_open(cls: Any, path: Path) -> Any:
        began = time.perf_counter()
        opened = await original_open(cls, path)
        record("startup: StudioSqliteSaver.open", time.perf_counter() - began)
        opened.lock = TimedLock()
        return opened

    saver.open = classmethod(timed_open)  # type: ignore[assignment]

    original_start = context.Runtime.start.__func__  # type: ignore[attr-defined]

    async def timed_start(cls: Any, *args: Any) -> Any:
        record("startup: process start -> Runtime.start", _since_process_start())
        began = time.perf_counter()
        started = await original_start(cls, *args)
        record("startup: Runtime.start", time.perf_counter() - began)
        record("startup: process start -> Runtime started", _since_process_start())
        return started

    context.Runtime.start = classmethod(timed_start)  # type: ignore[assignment]
    patch(graphs.GraphRegistry, "load", "startup: GraphRegistry.load (import graphs)")
    patch(sqlite.SqliteStorage, "open", "startup: SqliteStorage.open (migrations)")
    patch(AsyncSqliteStore, "setup", "startup: AsyncSqliteStore.setup")
    patch(context, "register_system_assistants", "startup: register_system_assistants")
    patch(queue.LocalRunQueue, "start", "startup: LocalRunQueue.start")
    patch(executor.RunExecutor, "execute", "executor.execute (whole run)")
    patch(executor.RunExecutor, "_stream", "executor._stream (graph + outcome)")
    patch(executor.RunExecutor, "_outcome", "executor._outcome (aget_state after run)")
    patch(queue.LocalRunQueue, "_start", "queue._start (start_run, serial in dispatcher)")
    patch(queue.LocalRunQueue, "_dispatch", "queue._dispatch")
    patch(graphs.GraphRegistry, "_wire", "registry._wire (graph.copy)")
    patch(Pregel, "aget_state_history", "Pregel.aget_state_history")
    patch(Pregel, "aget_state", "Pregel.aget_state")
    patch(runs_service, "resolve_assistant", "services.resolve_assistant")
    patch(runs_api, "create_run", "services.create_run")
    patch(threads_service, "history", "services.threads.history")
    patch(history_service, "_planned_listing", "history: listing planned by langgraph")
    patch(history_service, "_render", "history: entries rendered by aget_state_history")
    app.ENDPOINTS[:] = [
        dataclasses.replace(e, handler=_wrap(e.handler, f"HTTP {e.method} {e.path}"))
        for e in app.ENDPOINTS
    ]


_PROFILER: list[Any] = []


def dump(signum: int, frame: FrameType | None) -> None:
    target = os.environ.get("LG_STUDIO_TRACE")
    if not target:
        return
    if _PROFILER:  # LG_STUDIO_CPROFILE: the event loop thread's profile since the last dump
        profiler = _PROFILER.pop()
        profiler.disable()
        profiler.dump_stats(f"{target}.{len(list(Path(target).parent.glob('*.pstats')))}.pstats")
        _start_cprofile()
    snapshot = {k: {"n": v[0], "total_ms": v[1], "max_ms": v[2]} for k, v in STATS.items()}
    STATS.clear()
    tmp = Path(target + ".tmp")
    tmp.write_text(json.dumps(snapshot, indent=1), encoding="utf-8")
    tmp.replace(target)


def _start_cprofile() -> None:
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    _PROFILER.append(profiler)


def main() -> int:
    install()
    signal.signal(signal.SIGUSR1, dump)
    if os.environ.get("LG_STUDIO_CPROFILE"):
        _start_cprofile()
    from studio.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
