"""The run queue: durable in storage, dispatched from memory the moment a worker is free.

`RunQueue` is what the API asks of a queue; `LocalRunQueue` is the queue of the embedded
server, one process on SQLite (a scale-out deployment's is studio/runtime/queue_postgres.py).
Runs are written `pending` before the API answers; this queue only decides *when* each one
runs. It is woken by every insert and every finished run, so there is no polling delay (the
reference server sleeps 0.5 s between polls). Runs of one thread run one at a time, oldest
first; at most `jobs` runs execute at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from studio.protocol.schema import Run
from studio.runtime import ids
from studio.runtime.executor import CancelAction, ExecutionAbandoned, RunControl, RunExecutor
from studio.runtime.storage.sqlite import SqliteStorage

logger = logging.getLogger(__name__)


@dataclass
class _Queued:
    run: Run
    not_before: datetime


@dataclass
class _Running:
    run: Run
    task: asyncio.Task[None]
    control: RunControl = field(default_factory=RunControl)


class RunQueue(Protocol):
    """Starts the runs storage holds as pending, and stops them when asked."""

    async def start(self) -> None:
        """Begin executing runs, the ones a stopped or dead process left included."""
        ...

    async def stop(self) -> None:
        """Let running runs finish for a moment; the rest go back to pending."""
        ...

    def submit(self, run: Run) -> None:
        """A run was just stored as pending: schedule it."""
        ...

    async def cancel(self, run: Run, action: CancelAction, reason: str | None = None) -> bool:
        """Stop a run wherever it is. False if it was neither pending nor running."""
        ...

    async def wait_done(self, run_id: str) -> None:
        """Wait until the run's execution (if any) has ended, rollback included."""
        ...


class LocalRunQueue:
    """Pending runs by thread, and the tasks of the runs executing now."""

    def __init__(self, storage: SqliteStorage, executor: RunExecutor, jobs: int) -> None:
        self._storage = storage
        self._executor = executor
        self._jobs = jobs
        self._threads: OrderedDict[str, deque[_Queued]] = OrderedDict()
        self._running: dict[str, _Running] = {}
        self._busy_threads: set[str] = set()
        self._starting: dict[str, tuple[CancelAction, str | None] | None] = {}
        self._wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Resume what storage holds: pending runs, and runs a dead process left running."""
        for run, _attempt in await self._storage.active_runs():
            if run["status"] == "running":
                await self._storage.requeue_run(run["run_id"], ids.now_iso())
            self._enqueue(run)
        self._dispatcher = asyncio.create_task(self._dispatch_forever(), name="run-dispatcher")

    async def stop(self, grace: float = 5.0) -> None:
        """Let running runs finish within `grace` seconds; the rest go back to pending."""
        self._stopping = True
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.gather(self._dispatcher, return_exceptions=True)
        tasks = [r.task for r in self._running.values()]
        if tasks:
            _, still_running = await asyncio.wait(tasks, timeout=grace)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)

    def submit(self, run: Run) -> None:
        """A run was just stored as pending: schedule it."""
        self._enqueue(run)
        self._wake.set()

    async def cancel(self, run: Run, action: CancelAction, reason: str | None = None) -> bool:
        """Stop a run wherever it is. False if it was neither pending nor running."""
        outcome = await self._storage.cancel_run(run["run_id"], action, ids.now_iso())
        if run["run_id"] in self._starting:
            self._starting[run["run_id"]] = (action, reason)
            return True
        running = self._running.get(run["run_id"])
        if running is not None:
            running.control.action = action
            running.control.reason = reason
            running.task.cancel(reason)
            return True
        self._forget(run)
        if outcome is not None:
            self._executor.broker.run_log(run["run_id"]).close()
        return outcome is not None

    async def wait_done(self, run_id: str) -> None:
        running = self._running.get(run_id)
        if running is not None:
            await running.control.done.wait()

    def _enqueue(self, run: Run) -> None:
        item = _Queued(run, datetime.fromisoformat(run["created_at"]))
        self._threads.setdefault(run["thread_id"], deque()).append(item)

    def _forget(self, run: Run) -> None:
        queue = self._threads.get(run["thread_id"])
        if queue is None:
            return
        for item in list(queue):
            if item.run["run_id"] == run["run_id"]:
                queue.remove(item)
        if not queue:
            del self._threads[run["thread_id"]]

    async def _dispatch_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()
            delay = await self._dispatch()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _dispatch(self) -> float | None:
        """Start every run that may start (one storage call for all of them); return seconds
        until a delayed run is due."""
        now = ids.now()
        next_due: float | None = None
        ready: list[Run] = []
        for thread_id in list(self._threads):
            if len(self._running) + len(ready) >= self._jobs:
                break
            queue = self._threads.get(thread_id)
            if thread_id in self._busy_threads or not queue:
                continue
            wait = (queue[0].not_before - now).total_seconds()
            if wait > 0:
                next_due = wait if next_due is None else min(next_due, wait)
                continue
            ready.append(queue.popleft().run)
            if not queue:
                del self._threads[thread_id]
        if ready:
            await self._start(ready)
        return next_due

    async def _start(self, runs: list[Run]) -> None:
        for run in runs:
            self._starting[run["run_id"]] = None
            self._busy_threads.add(run["thread_id"])
        try:
            attempts = await self._storage.start_runs([r["run_id"] for r in runs], ids.now_iso())
        finally:
            stops = {run["run_id"]: self._starting.pop(run["run_id"], None) for run in runs}
        for run in runs:
            attempt = attempts.get(run["run_id"])
            if attempt is None:  # cancelled or deleted while it waited
                self._busy_threads.discard(run["thread_id"])
                continue
            started: Run = {**run, "status": "running"}
            running = _Running(started, asyncio.create_task(self._execute(started, attempt)))
            running.task.set_name(f"run-{run['run_id']}")
            self._running[run["run_id"]] = running
            stop = stops[run["run_id"]]
            if stop is not None:  # a cancel arrived while the run was being started
                running.control.action, running.control.reason = stop
                running.task.cancel(stop[1])

    async def _execute(self, run: Run, attempt: int) -> None:
        await asyncio.sleep(0)  # let _start register the task before it can finish
        control = self._running[run["run_id"]].control
        try:
            await self._executor.execute(run, attempt, control)
        except ExecutionAbandoned:
            if not self._stopping:
                self._enqueue(run)
        except Exception:
            logger.exception("Run %s could not be settled", run["run_id"])
        finally:
            del self._running[run["run_id"]]
            self._busy_threads.discard(run["thread_id"])
            self._wake.set()
