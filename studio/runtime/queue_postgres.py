"""The run queue of a scale-out deployment: every process claims runs from Postgres.

Each process is a worker (storage/postgres_leases.py has the SQL and the rules): it claims
the oldest pending runs of free threads with `FOR UPDATE SKIP LOCKED`, up to its free
capacity, so concurrent claims never take the same run and each run executes exactly once.
It claims when woken, never on a timer: by its own API inserting a run, by LISTEN/NOTIFY when
any process inserts one or finishes one (a thread becomes free), and by a delayed run falling
due. Once a second it refreshes its heartbeat and reaps dead workers, whose runs go back to
pending for any process to retry from their last checkpoint.

A process that loses its worker connection (and with it the lock that says it lives) while
it lives on must not go on executing runs the others are about to retry: it stops
heartbeating and stops its runs at once (each goes back to pending and its lease is
released, as at shutdown), leaves, and joins again as a new worker. The others retry a
lockless worker's runs only once its heartbeat is `LOST_GRACE_SECONDS` old, by when it has
stopped them.

Cancelling is decided in Postgres; a run executing in another process is stopped there by a
Redis signal (studio/runtime/cancel_signals.py), and by the `stop` NOTIFY the cancel's
transaction sends to every worker's connection: Redis pub/sub drops what is published while
a subscriber reconnects, Postgres delivers to each listening session whatever commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from studio.protocol.schema import Run
from studio.runtime import ids
from studio.runtime.background import Periodic
from studio.runtime.cancel_signals import CancelSignals
from studio.runtime.executor import CancelAction, ExecutionAbandoned, RunControl, RunExecutor
from studio.runtime.storage import postgres_leases as leases
from studio.runtime.storage.postgres import PostgresStorage
from studio.runtime.storage.postgres_db import Connection, connect

logger = logging.getLogger(__name__)

LEASE_SECONDS = 60.0
"""A worker whose connection is alive but whose heartbeat is older than this is presumed
hung, and its runs are handed to others (a killed worker is noticed at once: its connection,
and with it its advisory lock, is gone)."""
HOUSEKEEPING_SECONDS = 1.0
LOST_GRACE_SECONDS = 3.0
"""How long a worker whose connection is gone keeps its runs: a process that lives on stops
them within it (this delays the recovery of a killed process's runs by as much)."""
EARLY_STOPS = 1024
"""Cancel signals kept for runs this process has not registered yet: a run claimed a moment
before its cancel committed may be signalled before its task exists."""


@dataclass
class _Running:
    run: Run
    task: asyncio.Task[None]
    control: RunControl = field(default_factory=RunControl)


class PostgresRunQueue:
    """This process's share of the deployment's runs."""

    def __init__(
        self,
        storage: PostgresStorage,
        executor: RunExecutor,
        jobs: int,
        *,
        signals: CancelSignals,
    ) -> None:
        self._storage = storage
        self._db = storage.db
        self._executor = executor
        self._jobs = jobs
        self._signals = signals
        self._running: dict[str, _Running] = {}
        self._early_stops: OrderedDict[str, tuple[CancelAction, str | None]] = OrderedDict()
        self._done_waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._wake = asyncio.Event()
        self._listener: Connection | None = None
        self._lost = False
        """This worker's connection is gone: claim nothing, heartbeat no more, until joined
        again."""
        self._tasks: list[asyncio.Task[None]] = []
        self._housekeeping = Periodic(
            "worker-housekeeping", self._housekeep, retry_seconds=HOUSEKEEPING_SECONDS
        )
        self._stopping = False

    @property
    def _worker_id(self) -> int:
        worker_id = self._storage.worker.worker_id
        assert worker_id is not None, "registered in start()"
        return worker_id

    async def start(self) -> None:
        """Register as a worker, recover what dead workers left, and start claiming."""
        await self._join()
        await self._signals.subscribe()
        await self._housekeep()
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._hold_worker_connection(), name="run-notifications"),
            loop.create_task(self._signals.listen(self._on_signal), name="cancel-signals"),
            loop.create_task(self._dispatch_forever(), name="run-dispatcher"),
        ]
        self._housekeeping.start()

    async def stop(self, grace: float = 5.0) -> None:
        """Let running runs finish within `grace` seconds; the rest go back to pending, for
        the other processes to take; then leave the deployment."""
        self._stopping = True
        await self._housekeeping.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        tasks = [r.task for r in self._running.values()]
        if tasks:
            _, still_running = await asyncio.wait(tasks, timeout=grace)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)
        if self._storage.worker.worker_id is not None:
            await self._db.transaction(leases.retire, self._worker_id, ids.now_iso())
            self._storage.worker.worker_id = None
        await self._signals.aclose()
        if self._listener is not None:
            await self._listener.close()

    def submit(self, run: Run) -> None:
        """A run was stored as pending here: claim now rather than wait for the NOTIFY."""
        self._wake.set()

    async def cancel(self, run: Run, action: CancelAction, reason: str | None = None) -> bool:
        """Mark the run interrupted (or delete it, pending with rollback); if it is executing,
        stop it here, or signal the process that executes it."""
        run_id = run["run_id"]
        outcome = await self._storage.cancel_run(run_id, action, ids.now_iso(), reason)
        if outcome is None:
            return False
        if outcome != "stopping":
            self._executor.broker.end_run(run_id)
        elif not self._stop(run_id, action, reason):
            await self._signals.send(run_id, action, reason)
        return True

    async def wait_done(self, run_id: str) -> None:
        """Wait until the run's task has ended in whichever process executes it."""
        running = self._running.get(run_id)
        if running is not None:
            await running.control.done.wait()
            return
        done = asyncio.get_running_loop().create_future()
        self._done_waiters.setdefault(run_id, []).append(done)
        try:
            if await self._db.run(leases.leased, run_id):
                await done
        finally:
            waiters = self._done_waiters.get(run_id)
            if waiters is not None and done in waiters:
                waiters.remove(done)
                if not waiters:
                    del self._done_waiters[run_id]

    # -- claiming ---------------------------------------------------------------------------

    async def _dispatch_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                delay = await self._dispatch()
            except Exception:
                logger.exception("Could not claim runs; trying again in a second")
                delay = HOUSEKEEPING_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _dispatch(self) -> float | None:
        """Claim what this process has room for; seconds until a delayed run falls due."""
        free = self._jobs - len(self._running)
        if free <= 0 or self._lost:
            return None  # a run ending, or joining again, wakes us
        now = ids.now_iso()
        claimed = await self._db.transaction(leases.claim, self._worker_id, now, free)
        for run, attempt in claimed:
            self._begin(run, attempt)
        if len(claimed) == free:
            return 0.0  # there may be more
        due = await self._db.run(leases.next_due, now)
        if due is None:
            return None
        return max((datetime.fromisoformat(due) - ids.now()).total_seconds(), 0.0)

    def _begin(self, run: Run, attempt: int) -> None:
        running = _Running(run, asyncio.create_task(self._execute(run, attempt)))
        running.task.set_name(f"run-{run['run_id']}")
        self._running[run["run_id"]] = running
        stop = self._early_stops.pop(run["run_id"], None)
        if stop is not None:  # cancelled while it was being claimed
            self._stop(run["run_id"], *stop)

    async def _execute(self, run: Run, attempt: int) -> None:
        await asyncio.sleep(0)  # let _begin register the task before it can finish
        run_id = run["run_id"]
        try:
            await self._executor.execute(run, attempt, self._running[run_id].control)
        except ExecutionAbandoned:
            pass  # back to pending in storage: a process claims it again
        except Exception:
            logger.exception("Run %s could not be settled", run_id)
        finally:
            del self._running[run_id]
            # The thread's next run may start once the lease is gone, whatever happens to
            # this task now (shutdown cancels it): hold it out of cancellation.
            await asyncio.shield(self._release(run_id))
            self._wake.set()

    async def _release(self, run_id: str) -> None:
        try:
            await self._db.transaction(leases.release, run_id, self._worker_id)
        except Exception:
            # The lease stays until this worker is reaped or retires.
            logger.exception("Could not release the lease of run %s", run_id)

    # -- the worker connection ---------------------------------------------------------------

    async def _join(self) -> None:
        """Register as a new worker on a connection of its own (which then holds its lock)."""
        listener = await connect(self._db.uri)
        try:
            worker_id = await leases.register(listener, socket.gethostname(), os.getpid())
        except BaseException:
            await listener.close()
            raise
        self._listener = listener
        self._storage.worker.worker_id = worker_id

    async def _hold_worker_connection(self) -> None:
        """Hear the notifications on the worker connection; if it is lost, stop this
        process's runs and join again."""
        while True:
            assert self._listener is not None
            try:
                await self._listen(self._listener)
            except Exception:
                logger.exception(
                    "Lost the worker connection to Postgres: stopping this process's runs, "
                    "for them to run again from their last checkpoint"
                )
            await self._rejoin()

    async def _rejoin(self) -> None:
        """Stop the runs executing here (before the others may retry them: see
        LOST_GRACE_SECONDS), leave, and register again."""
        self._lost = True
        stopping = [r.task for r in self._running.values() if r.control.action is None]
        for task in stopping:
            task.cancel()  # no action: abandoned, back to pending (fenced by the lease)
        await asyncio.gather(*stopping, return_exceptions=True)
        if self._listener is not None:
            await self._listener.close()
        while True:
            try:
                await self._db.transaction(leases.retire, self._worker_id, ids.now_iso())
                await self._join()
                break
            except Exception:
                logger.exception("Could not join the deployment again; retrying")
                await asyncio.sleep(HOUSEKEEPING_SECONDS)
        self._lost = False
        # `done` notifications sent while the connection was gone were not heard.
        for run_id in list(self._done_waiters):
            if not await self._db.run(leases.leased, run_id):
                for waiter in self._done_waiters.pop(run_id, []):
                    if not waiter.done():
                        waiter.set_result(None)
        self._wake.set()

    # -- hearing the others -----------------------------------------------------------------

    async def _listen(self, connection: Connection) -> None:
        """NOTIFY payloads: `run` (claim again), `done <run_id>` (a run's task ended) and
        `stop {...}` (a run was cancelled)."""
        async for notify in connection.notifies():
            stop = leases.read_stop(notify.payload)
            if stop is not None:
                self._on_signal(stop.run_id, cast(CancelAction, stop.action), stop.reason)
                continue
            if notify.payload.startswith("done "):
                for waiter in self._done_waiters.pop(notify.payload[5:], []):
                    if not waiter.done():
                        waiter.set_result(None)
            self._wake.set()

    def _on_signal(self, run_id: str, action: CancelAction, reason: str | None) -> None:
        if self._stop(run_id, action, reason):
            return
        self._early_stops[run_id] = (action, reason)
        while len(self._early_stops) > EARLY_STOPS:
            self._early_stops.popitem(last=False)

    def _stop(self, run_id: str, action: CancelAction, reason: str | None) -> bool:
        """Stop the run if it executes here (once: both channels bring each cancel)."""
        running = self._running.get(run_id)
        if running is None:
            return False
        if running.control.action is not None:
            return True
        running.control.action = action
        running.control.reason = reason
        running.task.cancel(reason)
        return True

    async def _housekeep(self) -> float:
        """Refresh this worker's heartbeat and requeue what dead workers left."""
        if self._lost:
            return HOUSEKEEPING_SECONDS  # the heartbeat would tell the others to wait
        now = ids.now_iso()
        if not await self._db.run(leases.heartbeat, self._worker_id):
            logger.error(
                "This process was presumed dead (no heartbeat for %g s) and its runs were "
                "handed to other processes",
                LEASE_SECONDS,
            )
        freed = await self._db.transaction(
            leases.reap, self._worker_id, LEASE_SECONDS, LOST_GRACE_SECONDS, now
        )
        for lost in freed:
            logger.warning(
                "Run %s was left by a dead process; %s",
                lost.run_id,
                "it runs again" if lost.requeued else "it had been stopped",
            )
        return HOUSEKEEPING_SECONDS
