"""The studio's session: one server, the assistant and thread in view, and the run in flight.

Panels never talk to the server: they call the intent methods here and listen to the signals.
The session owns every asyncio task it starts (and cancels them on close), turns failures into
`error_occurred(message, detail)`, and hands stream events to the UI in batches, at most once
per frame, so a graph emitting thousands of events a second cannot flood the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Coroutine, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.client.api import ClientError, StreamEvent, StudioClient
from studio.protocol.schema import Assistant, Thread

logger = logging.getLogger(__name__)

FRAME_MS = 16
TRACKING_MODE = "tasks"  # always streamed: it tells which node is running


def topology_id(name: str, namespace: Sequence[str]) -> str:
    """The node id in an xray drawing: `sub:<task id>` namespaces become `sub:` prefixes."""
    prefixes = [segment.split(":", 1)[0] for segment in namespace]
    return ":".join([*prefixes, name])


class Session(QObject):
    """State shared by the panels of one window, and the async work that changes it."""

    connected = Signal(str)
    """The server answered; carries its URL."""
    assistants_changed = Signal(list)
    assistant_changed = Signal(object)
    """The assistant in view changed (an Assistant dict, or None)."""
    graph_changed = Signal(object)
    """The drawable graph of the assistant in view (the server's graph JSON)."""
    schemas_changed = Signal(object)
    threads_changed = Signal(list)
    thread_changed = Signal(object)
    """The thread in view changed (a Thread dict, or None for a new one)."""
    thread_updated = Signal(object)
    """The thread in view was reloaded (its status, values or error changed)."""
    state_changed = Signal(object)
    """The state of the thread in view was (re)loaded (a ThreadState dict)."""
    run_started = Signal(str)
    events_arrived = Signal(list)
    """A batch of StreamEvents, at most one batch per frame."""
    node_entered = Signal(str)
    """A node (topology id) started running."""
    node_left = Signal(str, bool)
    """A node (topology id) finished; True if it failed."""
    run_ended = Signal(str)
    """The run ended: success, error, interrupted or cancelled."""
    busy_changed = Signal(bool)
    error_occurred = Signal(str, str)
    """Something failed: a readable message, and details for whoever wants them."""

    def __init__(self, client: StudioClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.assistants: list[Assistant] = []
        self.assistant: Assistant | None = None
        self.active_thread: Thread | None = None
        self.run_id: str | None = None
        self._thread_filter: dict[str, Any] = {}
        self._failure: dict[str, Any] | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pending: list[StreamEvent] = []
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FRAME_MS)
        self._flush.timeout.connect(self._on_flush)

    # --- intents ------------------------------------------------------------------------

    def start(self) -> None:
        """Load the server's assistants and show the first one."""
        self._spawn(self._load_assistants(), "load assistants")

    def select_assistant(self, assistant_id: str) -> None:
        self._spawn(self._select_assistant(assistant_id), "select assistant")

    def select_thread(self, thread_id: str | None) -> None:
        self._spawn(self._select_thread(thread_id), "select thread")

    def refresh_threads(self, metadata: dict[str, Any] | None = None) -> None:
        """Reload the thread list; `metadata` narrows it (the search box)."""
        self._thread_filter = dict(metadata or {})
        self._spawn(self._load_threads(), "list threads")

    def delete_thread(self, thread_id: str) -> None:
        self._spawn(self._delete_thread(thread_id), "delete thread")

    def run(self, graph_input: Any, stream_modes: Sequence[str]) -> None:
        """Start a run of the assistant in view on the thread in view (a new one if none)."""
        if self.is_running:
            self.error_occurred.emit("A run is already in progress", "Cancel it first.")
            return
        self._run_task = self._spawn(self._run(graph_input, list(stream_modes)), "run")

    def cancel_run(self) -> None:
        if self.run_id is not None and self.active_thread is not None:
            self._spawn(
                self.client.cancel_run(self.active_thread["thread_id"], self.run_id), "cancel"
            )
        elif self._run_task is not None:
            self._run_task.cancel()

    @property
    def is_running(self) -> bool:
        return self._run_task is not None and not self._run_task.done()

    async def close(self) -> None:
        """Stop everything this session started, then the connection."""
        self._flush.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.close()

    # --- work ---------------------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, ClientError):
            self.error_occurred.emit(exc.message, exc.detail)
        elif exc is not None:
            logger.error("Failed to %s", what, exc_info=exc)
            detail = "".join(traceback.format_exception(exc))
            self.error_occurred.emit(f"Could not {what}: {exc}", detail)

    async def _load_assistants(self) -> None:
        info = await self.client.info()
        self.connected.emit(self.client.url)
        for failure in info.get("graph_errors") or []:
            where = f"{failure.get('file')}:{failure.get('line')}" if failure.get("file") else ""
            self.error_occurred.emit(
                f"Graph '{failure.get('graph_id')}' failed to load: {failure.get('message')}"
                + (f" ({where})" if where else ""),
                str(failure.get("traceback") or ""),
            )
        self.assistants = await self.client.assistants()
        self.assistants_changed.emit(self.assistants)
        if self.assistants:
            await self._select_assistant(self.assistants[0]["assistant_id"])

    async def _select_assistant(self, assistant_id: str) -> None:
        assistant = next((a for a in self.assistants if a["assistant_id"] == assistant_id), None)
        if assistant is None:
            raise ClientError(f"No assistant {assistant_id} on this server")
        self.assistant = assistant
        self.assistant_changed.emit(assistant)
        graph, schemas = await asyncio.gather(
            self.client.graph(assistant_id, xray=True), self.client.schemas(assistant_id)
        )
        self.graph_changed.emit(graph)
        self.schemas_changed.emit(schemas)
        await self._load_threads()

    async def _load_threads(self) -> None:
        if self.assistant is None:
            return
        wanted = {**self._thread_filter, "graph_id": self.assistant["graph_id"]}
        threads = await self.client.threads(metadata=wanted)
        self.threads_changed.emit(threads)

    async def _select_thread(self, thread_id: str | None) -> None:
        if thread_id is None:
            self.active_thread = None
            self.thread_changed.emit(None)
            return
        self.active_thread = await self.client.thread(thread_id)
        self.thread_changed.emit(self.active_thread)
        self.state_changed.emit(await self.client.state(thread_id))

    async def _delete_thread(self, thread_id: str) -> None:
        await self.client.delete_thread(thread_id)
        if self.active_thread is not None and self.active_thread["thread_id"] == thread_id:
            await self._select_thread(None)
        await self._load_threads()

    async def _run(self, graph_input: Any, stream_modes: list[str]) -> None:
        assistant = self.assistant
        if assistant is None:
            raise ClientError("Choose an assistant before running")
        if self.active_thread is None:
            self.active_thread = await self.client.create_thread(
                {"graph_id": assistant["graph_id"]}
            )
            self.thread_changed.emit(self.active_thread)
            await self._load_threads()
        thread_id = self.active_thread["thread_id"]
        modes = list(dict.fromkeys([*stream_modes, TRACKING_MODE]))
        self._failure = None
        self.busy_changed.emit(True)
        outcome = "success"
        try:
            async for event in self.client.stream_run(
                thread_id, assistant["assistant_id"], input=graph_input, stream_modes=modes
            ):
                outcome = self._on_event(event, stream_modes) or outcome
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self._on_flush()
            run_id, self.run_id = self.run_id, None
            self.busy_changed.emit(False)
            if outcome != "cancelled":
                state = await self.client.state(thread_id)
                if outcome == "success" and state["next"]:
                    outcome = "interrupted"
                self.state_changed.emit(state)
                self.active_thread = await self.client.thread(thread_id)
                self.thread_updated.emit(self.active_thread)
                if outcome == "error" and run_id is not None:
                    await self._report_failure(thread_id, run_id)
                await self._load_threads()
            self.run_ended.emit(outcome)

    async def _report_failure(self, thread_id: str, run_id: str) -> None:
        """The run's error as a message, with its traceback as the details when the server
        keeps one (lg-studio does)."""
        failure = self._failure or {}
        traceback = await self.client.run_traceback(thread_id, run_id)
        self.error_occurred.emit(
            f"The run failed: {failure.get('error', 'Error')}: {failure.get('message', '')}",
            traceback or "The server did not send a traceback; see its log.",
        )

    def _on_event(self, event: StreamEvent, shown_modes: Sequence[str]) -> str | None:
        """Track the run from one event; return a new outcome when the event decides it."""
        outcome: str | None = None
        if event.event == "metadata" and isinstance(event.data, dict) and "run_id" in event.data:
            self.run_id = event.data["run_id"]
            self.run_started.emit(self.run_id)
        elif event.event == "error":
            outcome = "error"
            self._failure = event.data if isinstance(event.data, dict) else {}
        elif event.mode == TRACKING_MODE and isinstance(event.data, dict):
            node = topology_id(str(event.data.get("name")), event.namespace)
            if "triggers" in event.data:
                self.node_entered.emit(node)
            else:
                self.node_left.emit(node, event.data.get("error") is not None)
        if event.mode != TRACKING_MODE or TRACKING_MODE in shown_modes:
            self._pending.append(event)
            if not self._flush.isActive():
                self._flush.start()
        return outcome

    def _on_flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.events_arrived.emit(batch)
