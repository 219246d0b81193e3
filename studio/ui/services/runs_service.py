"""The runs for the runs panel, of the thread in view or of the server's most recently
updated threads: their statuses kept current, cancel, and following a run that was started
elsewhere (a cron, another client)."""

from __future__ import annotations

import asyncio
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal

from studio.client.api import StreamEvent
from studio.ui.session import FRAME_MS, Session

ACTIVE = frozenset({"pending", "running"})
POLL_SECONDS = 1.0
"""How often statuses are re-read while a run of the thread is pending or running: the API
has no stream of run status changes for a thread's runs, only of their events."""
RECENT_THREADS = 50
"""How many of the most recently updated threads "All threads" looks at: the API lists runs
per thread, so each is one request (made concurrently)."""
Scope = Literal["thread", "all"]


class RunsService(QObject):
    """Watches one thread's runs, or those of the recent threads: reloads them while any is
    active, then stops asking."""

    runs_loaded = Signal(str, list)
    """The thread in view's id ("" for none) and the runs in scope (Run dicts), newest
    first."""
    join_started = Signal(str)
    """Following this run's events (its id)."""
    events_arrived = Signal(list)
    """A batch of the followed run's StreamEvents, at most one batch per frame."""
    join_ended = Signal(str)
    """The followed run's stream ended (its id)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.thread_id: str | None = None
        self.scope: Scope = "thread"
        self._watch: asyncio.Task[None] | None = None
        self._pending: list[StreamEvent] = []
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FRAME_MS)
        self._flush.timeout.connect(self._on_flush)

    def show_thread(self, thread_id: str | None, *, load: bool = True) -> None:
        """Watch this thread's runs instead (None: no thread); `load` them now, or at the
        next refresh (while the panel is hidden)."""
        self.thread_id = thread_id
        if load:
            self.refresh()

    def set_scope(self, scope: Scope, *, load: bool = True) -> None:
        """List the runs of the thread in view ("thread") or of the recent threads ("all")."""
        self.scope = scope
        if load:
            self.refresh()

    def refresh(self) -> None:
        """Reload the runs now, and keep reloading while one is active."""
        if self._watch is not None:
            self._watch.cancel()
        self._watch = self.session.spawn(self._watch_runs(self.scope, self.thread_id), "list runs")

    def cancel(self, thread_id: str, run_id: str) -> None:
        self.session.spawn(self._cancel(thread_id, run_id), "cancel the run")

    def join(self, thread_id: str, run_id: str) -> None:
        """Follow a running run: its events go where a run started here sends them."""
        self.session.spawn(self._join(thread_id, run_id), "follow the run")

    async def _watch_runs(self, scope: Scope, thread_id: str | None) -> None:
        client = self.session.client
        while True:
            if scope == "all":
                runs = await client.recent_runs(threads=RECENT_THREADS)
            else:
                runs = await client.runs(thread_id) if thread_id else []
            self.runs_loaded.emit(thread_id or "", runs)
            if not any(run["status"] in ACTIVE for run in runs):
                return
            await asyncio.sleep(POLL_SECONDS)

    async def _cancel(self, thread_id: str, run_id: str) -> None:
        await self.session.client.cancel_run(thread_id, run_id)
        self.refresh()

    async def _join(self, thread_id: str, run_id: str) -> None:
        self.join_started.emit(run_id)
        try:
            async for event in self.session.client.join_run(thread_id, run_id):
                self._pending.append(event)
                if not self._flush.isActive():
                    self._flush.start()
        finally:
            self._on_flush()
            self.join_ended.emit(run_id)
        self.refresh()
        active = self.session.active_thread
        if active is not None and active["thread_id"] == thread_id:
            self.session.select_thread(thread_id)

    def _on_flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.events_arrived.emit(batch)
