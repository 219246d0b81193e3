"""The studio's session: one server, the assistant and thread in view, and the run in flight.

Panels never talk to the server: they call the intent methods here and listen to the signals.
The session owns every asyncio task it starts (and cancels them on close), turns failures into
`error_occurred(message, detail)`, and hands stream events to the UI in batches, at most once
per frame, so a graph emitting thousands of events a second cannot flood the event loop.

Debugging goes through it too: every run carries the graph's breakpoints; resuming, stepping,
replaying a checkpoint and forking an edited state are runs or state updates on the thread in
view, after which its history is reloaded so new branches show at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Coroutine, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.client.api import ClientError, StreamEvent, StudioClient
from studio.protocol.schema import Assistant, Thread, ThreadState
from studio.ui.debugger.breakpoints import Breakpoints, Where
from studio.ui.debugger.tasks import TASKS_MODE, read_task_event
from studio.ui.debugger.timeline import RunTimeline
from studio.ui.server_feed import ServerFeed
from studio.ui.widgets.json_summary import size_exceeds

logger = logging.getLogger(__name__)

FRAME_MS = 16
TRACKING_MODE = TASKS_MODE  # always streamed: it tells which node is running
HISTORY_PAGE = 50
LARGE_STATE = 20_000
"""A head state with more parts than this makes history pages small: the server sends every
checkpoint's values, and parsing fifty 10 MB states would hold the window for seconds."""
LARGE_HISTORY_PAGE = 5


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
    history_changed = Signal(list, bool, object)
    """The thread's checkpoints (ThreadStates, newest first), whether older ones remain to
    load, and the checkpoint id to show (None: keep what is shown)."""
    breakpoints_changed = Signal(object)
    """The Breakpoints of the graph in view changed."""
    timeline_changed = Signal(object)
    """The run's RunTimeline grew (at most once per frame)."""
    error_occurred = Signal(str, str)
    """Something failed: a readable message, and details for whoever wants them."""
    run_failed = Signal(str, str, str)
    """A run ended in an error: its id, a readable message, and its traceback."""
    graph_problems_changed = Signal(list)
    """The graphs that failed to load (GraphLoadError dicts, with `stale` True when a previous
    version keeps serving; a broken langgraph.json is one with an empty graph_id): after
    connecting and after every reload. Empty: all loaded."""
    graphs_reloaded = Signal(object)
    """The server reloaded its graphs after a code change (its GraphsReport) and the
    assistant in view was redrawn where its graph changed."""

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
        self.history: list[ThreadState] = []
        self._history_page = HISTORY_PAGE
        self.timeline = RunTimeline()
        self._timeline_dirty = False
        self._breakpoints: dict[str, Breakpoints] = {}
        self._shown: tuple[Any, Any] = (None, None)
        self._reload_report: dict[str, Any] | None = None
        self._reload_task: asyncio.Task[None] | None = None
        self.server_feed = ServerFeed(client, self)
        self.server_feed.graphs_reloaded.connect(self._on_graphs_reloaded)
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FRAME_MS)
        self._flush.timeout.connect(self._on_flush)

    # --- intents ------------------------------------------------------------------------

    def start(self) -> None:
        """Load the server's assistants and show the first one."""
        self._spawn(self._load_assistants(), "load assistants")
        self.server_feed.start()

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
        self._start_run(self._run(graph_input, list(stream_modes)))

    def resume(
        self, command: dict[str, Any] | None, stream_modes: Sequence[str], *, step: bool = False
    ) -> None:
        """Continue the paused thread: with a `command` (resume / update / goto) or none (past
        a breakpoint); `step` pauses again before the next node."""
        if self._thread_required("continue"):
            self._start_run(self._run(None, list(stream_modes), command=command, step=step))

    def replay(self, checkpoint_id: str, stream_modes: Sequence[str]) -> None:
        """Run again from a past checkpoint: the new steps form a branch beside the old."""
        if self._thread_required("replay"):
            self._start_run(self._run(None, list(stream_modes), checkpoint_id=checkpoint_id))

    def fork(self, checkpoint_id: str, values: dict[str, Any], as_node: str | None) -> None:
        """Write edited `values` on top of a checkpoint, as if `as_node` returned them: a new
        checkpoint branches off there and becomes the thread's head."""
        if self.is_running:
            self.error_occurred.emit("A run is in progress", "Edit the state when it ends.")
        elif self._thread_required("edit the state"):
            self._spawn(self._fork(checkpoint_id, values, as_node), "edit the state")

    def load_older_history(self) -> None:
        self._spawn(self._load_history(older=True), "load older checkpoints")

    @property
    def breakpoints(self) -> Breakpoints:
        """The breakpoints of the graph in view (each graph keeps its own)."""
        return self._breakpoints.get(self._graph_id, Breakpoints())

    def toggle_breakpoint(self, node: str, where: Where) -> None:
        self._set_breakpoints(self.breakpoints.toggled(node, where))

    def set_step_mode(self, on: bool) -> None:
        if on != self.breakpoints.step_mode:
            current = self.breakpoints
            self._set_breakpoints(Breakpoints(current.before, current.after, on))

    def clear_breakpoints(self) -> None:
        self._set_breakpoints(Breakpoints())

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

    def spawn(self, work: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run `work` as one of this session's tasks, for the helpers of panels beside it
        (store, crons, runs): cancelled on close, failures reported as `error_occurred`."""
        return self._spawn(work, what)

    async def close(self) -> None:
        """Stop everything this session started, then the connection."""
        self._flush.stop()
        await self.server_feed.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.close()

    # --- work ---------------------------------------------------------------------------

    @property
    def _graph_id(self) -> str:
        return self.assistant["graph_id"] if self.assistant else ""

    def _set_breakpoints(self, breakpoints: Breakpoints) -> None:
        self._breakpoints[self._graph_id] = breakpoints
        self.breakpoints_changed.emit(breakpoints)

    def _thread_required(self, what: str) -> bool:
        if self.active_thread is None:
            self.error_occurred.emit(f"Select a thread to {what}", "")
            return False
        return True

    def _start_run(self, work: Coroutine[Any, Any, None]) -> None:
        if self.is_running:
            work.close()
            self.error_occurred.emit("A run is already in progress", "Cancel it first.")
            return
        self._run_task = self._spawn(work, "run")

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
        self.graph_problems_changed.emit(list(info.get("graph_errors") or []))
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
        self.breakpoints_changed.emit(self.breakpoints)
        graph, schemas = await asyncio.gather(
            self.client.graph(assistant_id, xray=True), self.client.schemas(assistant_id)
        )
        self._shown = (graph, schemas)
        self.graph_changed.emit(graph)
        self.schemas_changed.emit(schemas)
        await self._load_threads()

    def _on_graphs_reloaded(self, report: dict[str, Any]) -> None:
        stale = set(report.get("stale") or [])
        problems = [{**e, "stale": e.get("graph_id") in stale} for e in report.get("errors") or []]
        if report.get("config_error"):
            problems.insert(0, {"graph_id": "", "message": report["config_error"]})
        self.graph_problems_changed.emit(problems)
        self._reload_report = report
        if self._reload_task is None or self._reload_task.done():
            self._reload_task = self._spawn(self._reload_graphs(), "reload the graphs")

    async def _reload_graphs(self) -> None:
        """Fetch the assistants again and redraw the assistant in view where its graph or
        schemas changed; the thread, breakpoints and input in view stay as they are. Reports
        that come in meanwhile (a burst of saves) are caught up with once, at the end."""
        while (report := self._reload_report) is not None:
            self._reload_report = None
            self.assistants = await self.client.assistants()
            self.assistants_changed.emit(self.assistants)
            wanted = self.assistant["assistant_id"] if self.assistant else None
            kept = next((a for a in self.assistants if a["assistant_id"] == wanted), None)
            if kept is None:  # the graph in view is gone: show the first, as at the start
                if self.assistants:
                    await self._select_assistant(self.assistants[0]["assistant_id"])
                self.graphs_reloaded.emit(report)
                continue
            self.assistant = kept
            self.assistant_changed.emit(kept)
            assistant_id = kept["assistant_id"]
            graph, schemas = await asyncio.gather(
                self.client.graph(assistant_id, xray=True), self.client.schemas(assistant_id)
            )
            if graph != self._shown[0]:
                self.graph_changed.emit(graph)
            if schemas != self._shown[1]:
                self.schemas_changed.emit(schemas)
            self._shown = (graph, schemas)
            self.graphs_reloaded.emit(report)

    async def _load_threads(self) -> None:
        if self.assistant is None:
            return
        wanted = {**self._thread_filter, "graph_id": self.assistant["graph_id"]}
        threads = await self.client.threads(metadata=wanted)
        self.threads_changed.emit(threads)

    async def _select_thread(self, thread_id: str | None) -> None:
        if thread_id is None:
            self.active_thread = None
            self.history = []
            self.thread_changed.emit(None)
            self.history_changed.emit([], False, None)
            return
        self.active_thread = await self.client.thread(thread_id)
        self.thread_changed.emit(self.active_thread)
        self._on_head(await self.client.state(thread_id))
        await self._load_history()

    async def _load_history(self, *, older: bool = False, focus: str | None = None) -> None:
        """Reload the thread's checkpoints (or the page older than those loaded) and say
        which one to show: `focus`, else the head after a reload."""
        if self.active_thread is None:
            return
        thread_id = self.active_thread["thread_id"]
        before = self.history[-1]["checkpoint_id"] if older and self.history else None
        size = self._history_page
        page = await self.client.history(thread_id, limit=size, before=before)
        if older:
            self.history = [*self.history, *page]
        else:
            self.history = page
            if focus is None and page:
                focus = page[0]["checkpoint_id"]
        self.history_changed.emit(self.history, len(page) == size, focus)

    async def _fork(self, checkpoint_id: str, values: dict[str, Any], as_node: str | None) -> None:
        assert self.active_thread is not None
        thread_id = self.active_thread["thread_id"]
        created = await self.client.update_state(
            thread_id, values, as_node=as_node, checkpoint_id=checkpoint_id
        )
        await self._refresh_thread(thread_id)
        await self._load_history(focus=created)

    async def _delete_thread(self, thread_id: str) -> None:
        await self.client.delete_thread(thread_id)
        if self.active_thread is not None and self.active_thread["thread_id"] == thread_id:
            await self._select_thread(None)
        await self._load_threads()

    async def _run(
        self,
        graph_input: Any,
        stream_modes: list[str],
        *,
        command: dict[str, Any] | None = None,
        checkpoint_id: str | None = None,
        step: bool = False,
    ) -> None:
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
        self.timeline.start(time.monotonic())
        self.busy_changed.emit(True)
        outcome = "success"
        breakpoints = self.breakpoints
        try:
            async for event in self.client.stream_run(
                thread_id,
                assistant["assistant_id"],
                input=graph_input,
                stream_modes=modes,
                command=command,
                checkpoint_id=checkpoint_id,
                interrupt_before=breakpoints.interrupt_before(step=step),
                interrupt_after=breakpoints.interrupt_after(),
            ):
                outcome = self._on_event(event, stream_modes) or outcome
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self.timeline.finish(time.monotonic())
            self._timeline_dirty = True
            self._on_flush()
            run_id, self.run_id = self.run_id, None
            self.busy_changed.emit(False)
            if outcome != "cancelled":
                state = await self._refresh_thread(thread_id)
                if outcome == "success" and state["next"]:
                    outcome = "interrupted"
                if outcome == "error" and run_id is not None:
                    await self._report_failure(thread_id, run_id)
                await self._load_history()
                await self._load_threads()
            self.run_ended.emit(outcome)

    async def _refresh_thread(self, thread_id: str) -> ThreadState:
        """Reload the thread's head state and row, and tell the panels."""
        state = await self.client.state(thread_id)
        self._on_head(state)
        self.active_thread = await self.client.thread(thread_id)
        self.thread_updated.emit(self.active_thread)
        return state

    def _on_head(self, state: ThreadState) -> None:
        large = size_exceeds(state.get("values"), LARGE_STATE)
        self._history_page = LARGE_HISTORY_PAGE if large else HISTORY_PAGE
        self.state_changed.emit(state)

    async def _report_failure(self, thread_id: str, run_id: str) -> None:
        """The run's error as a message, with its traceback as the details when the server
        keeps one (lg-studio does)."""
        failure = self._failure or {}
        traceback = await self.client.run_traceback(thread_id, run_id)
        self.run_failed.emit(
            run_id,
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
        elif (task := read_task_event(event.mode, event.namespace, event.data)) is not None:
            self.timeline.add_task(task, time.monotonic())
            self._timeline_dirty = True
            if task.started:
                self.node_entered.emit(task.node)
            else:
                self.node_left.emit(task.node, task.failed)
        elif event.mode == "messages" and isinstance(event.data, list) and len(event.data) == 2:
            self.timeline.add_message(*event.data)
        if event.mode != TRACKING_MODE or TRACKING_MODE in shown_modes:
            self._pending.append(event)
        if (self._pending or self._timeline_dirty) and not self._flush.isActive():
            self._flush.start()
        return outcome

    def _on_flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.events_arrived.emit(batch)
        if self._timeline_dirty:
            self._timeline_dirty = False
            self.timeline_changed.emit(self.timeline)
