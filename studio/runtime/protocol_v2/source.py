"""The events of every run of a thread, oldest run first, from each run's first event, then
live, then the runs that come after: what an event-stream connection replays and follows.

Each run is read from its own log (opened ahead of time for a pending run, so nothing it
streams is missed); a run whose log has expired contributes nothing. Between runs the
thread's log (which every published event also reaches while it is watched) wakes us when a
new run starts. Runs of a thread execute one at a time, so their events never interleave.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from studio.protocol.schema import Run
from studio.runtime.context import Runtime
from studio.runtime.streams import EventLog, StreamEvent

# Runs of one thread looked at per pass (newest first); older runs' logs have long expired.
MAX_RUNS = 1000

RunBatch = tuple[Run, list[StreamEvent] | None]
"""Events of a run; `None` once the run's log has ended."""


async def thread_run_events(
    rt: Runtime, thread_id: str, *, live: bool = True
) -> AsyncIterator[RunBatch]:
    """Batches of run events, forever (the caller stops by closing the iterator); with
    `live=False`, only what the logs hold now."""
    seen: set[str] = set()
    while True:
        watch = rt.broker.thread_log(thread_id)
        mark = await watch.resume_at(None)  # before listing: a later run shows up there
        runs = await rt.storage.list_runs(thread_id, limit=MAX_RUNS, offset=0, status=None)
        fresh = [run for run in reversed(runs) if run["run_id"] not in seen]
        for run in fresh:
            seen.add(run["run_id"])
            log = rt.broker.get_run_log(run["run_id"])
            if log is None and run["status"] not in ("pending", "running"):
                # Ended, and not on this process: another process's (its events are kept in
                # the broker), or expired.
                kept = await _ended_run_events(rt, run["run_id"], thread_id)
                if kept:
                    yield run, kept
                    yield run, None
                continue
            if not live:
                if log is not None:
                    yield run, await _held(log)
                    if log.closed:
                        yield run, None
                continue
            if log is None:
                log = rt.broker.run_log(run["run_id"], thread_id=thread_id, resumable=True)
            async for batch in log.follow(0):
                yield run, batch
            yield run, None
        if not live:
            return
        if not fresh:
            async for _ in watch.follow(mark):
                break


async def _held(log: EventLog) -> list[StreamEvent]:
    """What the log holds now; events that come later are not waited for."""
    end = await log.resume_at(None)
    held: list[StreamEvent] = []
    if end == 0:
        return held
    async for batch in log.follow(0):
        held.extend(event for event in batch if event.seq <= end)
        if batch[-1].seq >= end:
            break
    return held


async def _ended_run_events(rt: Runtime, run_id: str, thread_id: str) -> list[StreamEvent]:
    """The events the broker keeps of a run that has ended elsewhere (none once expired)."""
    log = rt.broker.run_log(run_id, thread_id=thread_id)
    log.close()  # as a follower: read what is kept, then stop
    try:
        if await log.resume_at(None) == 0:
            return []  # expired: nothing to wait for
        return [event async for batch in log.follow(0) for event in batch]
    finally:
        rt.broker.discard(run_id)
