"""Follows the server's own events (`GET /lg-studio/events`) for one session.

Only lg-studio serves that stream: any other LangGraph server answers 404, and then the feed
stops without a word (the studio simply has no log pane content and no redraw on reload
there). A dropped connection is followed again from the last event seen, so nothing is shown
twice or lost; after a few failures in a row without news the feed gives up quietly, as the
run machinery already tells the user when a server is gone.

Log records and printed lines can come by the thousand a second; like run events, they reach
the widgets in batches, at most one a frame.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.client.api import ClientError, ServerEvent, StudioClient

logger = logging.getLogger(__name__)

FRAME_MS = 16
NOT_SERVED = 404
MAX_FAILURES = 5
RETRY_SECONDS = 1.0
"""Wait before following again after a drop, times the failures in a row."""


class ServerFeed(QObject):
    """The task following the stream, and the signals it turns the events into."""

    lines_arrived = Signal(list)
    """A batch of `log` and `output` ServerEvents, at most one batch per frame."""
    graphs_reloaded = Signal(object)
    """The server loaded its graphs again (a GraphsReport dict)."""
    following_changed = Signal(bool)
    """The stream is followed (True, again after a drop), or no longer (False): the server
    does not serve it, ended it, or could not be reached several times in a row."""

    def __init__(self, client: StudioClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.following = False
        self._last_id: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._pending: list[ServerEvent] = []
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FRAME_MS)
        self._flush.timeout.connect(self._on_flush)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._follow())

    async def close(self) -> None:
        self._flush.stop()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _follow(self) -> None:
        failures = 0
        while failures < MAX_FAILURES:
            try:
                async for event in self.client.server_events(self._last_id):
                    self._set_following(True)
                    failures = 0
                    self._receive(event)
                break  # the server ended the stream: it is going away
            except ClientError as exc:
                if exc.status == NOT_SERVED:
                    break
                failures += 1
                logger.debug("The server's events dropped (%s): %s", failures, exc.message)
            self.following = False
            await asyncio.sleep(RETRY_SECONDS * failures)
        self.following = False
        self.following_changed.emit(False)

    def _receive(self, event: ServerEvent) -> None:
        if event.id is not None:
            self._last_id = event.id
        if event.event == "graphs" and isinstance(event.data, dict):
            self._on_flush()  # what was printed before the reload shows before its outcome
            self.graphs_reloaded.emit(event.data)
        elif event.event in ("log", "output") and isinstance(event.data, dict):
            self._pending.append(event)
            if not self._flush.isActive():
                self._flush.start()

    def _set_following(self, following: bool) -> None:
        if following != self.following:
            self.following = following
            self.following_changed.emit(following)

    def _on_flush(self) -> None:
        if self._pending:
            batch: list[Any]
            batch, self._pending = self._pending, []
            self.lines_arrived.emit(batch)
