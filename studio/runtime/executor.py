"""Execute one run: stream the graph into the run's log, then settle run and thread.

The log gets the `metadata` event first and, when the graph raises, an `error` event with the
exception's type and message; the run and its thread are updated in storage *before* the log
closes, so a client that sees the end of the stream also sees the final statuses. Then, if the
run named a webhook, its final payload is handed to the webhook sender (not for an attempt cut
short by shutdown: that run is retried, and notified when it really ends).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from studio.protocol.schema import Run, RunStatus
from studio.runtime import ids, serde
from studio.runtime.graph_stream import run_config, stream_graph
from studio.runtime.graphs import Graph, GraphRegistry
from studio.runtime.records import RunOutcome
from studio.runtime.server_events import current_run_id
from studio.runtime.state import interrupts_by_task
from studio.runtime.storage.base import Storage
from studio.runtime.streams import EventLog, StreamBroker
from studio.runtime.webhooks import WebhookSender, webhook_payload

logger = logging.getLogger(__name__)

CancelAction = Literal["interrupt", "rollback"]
MAX_ATTEMPTS = 3


@dataclass
class RunControl:
    """How a running run was asked to stop, read when its task is cancelled."""

    action: CancelAction | None = None
    reason: str | None = None
    deadline: asyncio.Timeout | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


class ExecutionAbandoned(Exception):
    """The run was stopped by shutdown, not by anyone's request: it goes back to the queue."""


@dataclass
class RunExecutor:
    storage: Storage
    registry: GraphRegistry
    broker: StreamBroker
    checkpointer: BaseCheckpointSaver[Any]
    run_timeout: float = 86_400.0
    """Seconds a run may take before it ends as `timeout` (LangGraph Server: a day)."""
    api_url: str | None = None
    webhooks: WebhookSender | None = None

    async def execute(self, run: Run, attempt: int, control: RunControl) -> None:
        current_run_id.set(run["run_id"])  # this task's context: its logs and prints name it
        started_at = ids.now_iso()
        kwargs = run["kwargs"]
        log = self.broker.run_log(
            run["run_id"], thread_id=run["thread_id"], resumable=bool(kwargs.get("resumable"))
        )
        graph_id: str = kwargs["config"]["configurable"]["graph_id"]
        temporary = bool(kwargs.get("temporary"))
        outcome: RunOutcome
        try:
            self._publish(log, "metadata", {"run_id": run["run_id"], "attempt": attempt})
            if attempt > MAX_ATTEMPTS:
                raise RuntimeError(
                    f"Run {run['run_id']} exceeded max attempts ({MAX_ATTEMPTS}): the server "
                    "stopped while running it too many times."
                )
            deadline = control.deadline = asyncio.timeout(self.run_timeout)
            try:
                async with deadline:
                    outcome = await self._stream(run, attempt, log, control, graph_id, temporary)
            except TimeoutError:
                if not deadline.expired():
                    raise  # the graph's own TimeoutError: an error like any other
                outcome = await self._timed_out(run, log, graph_id, temporary)
        except ExecutionAbandoned:
            await self.storage.requeue_run(run["run_id"], ids.now_iso())
            log.close()
            raise
        except Exception as exc:
            logger.exception("Run %s failed in graph '%s'", run["run_id"], graph_id)
            error = serde.error_payload(exc)
            self._publish(log, "error", error)
            outcome = await self._settled(run, graph_id, temporary, "error", error=error)
            outcome = replace(outcome, traceback="".join(traceback.format_exception(exc)))
        try:
            if temporary:
                await self.storage.delete_thread(run["thread_id"])
            else:
                await self.storage.finish_run(run, outcome, graph_id, ids.now_iso())
            if outcome.rolled_back:
                await self.checkpointer.adelete_for_runs([run["run_id"]])
        finally:
            log.close()
            self.broker.publish_thread(
                run["thread_id"],
                "metadata",
                serde.dumps({"status": "run_done", "run_id": run["run_id"]}),
            )
            control.done.set()
        webhook = kwargs.get("webhook")
        if webhook and self.webhooks is not None:
            status = "rollback" if outcome.rolled_back else outcome.run_status
            self.webhooks.send(
                webhook,
                webhook_payload(
                    run,
                    status,
                    started_at=started_at,
                    ended_at=ids.now_iso(),
                    values=outcome.values,
                    error=outcome.error,
                ),
            )

    async def _timed_out(
        self, run: Run, log: EventLog, graph_id: str, temporary: bool
    ) -> RunOutcome:
        logger.warning("Run %s timed out after %.0f s", run["run_id"], self.run_timeout)
        error = {
            "error": "TimeoutError",
            "message": f"The run exceeded its time limit of {self.run_timeout:g} seconds.",
        }
        self._publish(log, "error", error)
        return await self._settled(run, graph_id, temporary, "timeout", error=error)

    async def _stream(
        self,
        run: Run,
        attempt: int,
        log: EventLog,
        control: RunControl,
        graph_id: str,
        temporary: bool,
    ) -> RunOutcome:
        config = run_config(run, attempt, self.api_url)
        if attempt > 1 and await self._already_started(run, config):
            run = {**run, "kwargs": {**run["kwargs"], "input": None, "command": None}}
        try:
            async with self.registry.graph(
                graph_id,
                config,
                access="threads.create_run",
                checkpointer=not temporary,
                context=run["kwargs"].get("context"),
            ) as graph:
                last_values = None
                async for event, payload in stream_graph(graph, run, config):
                    self._publish(log, event, payload)
                    if event == "values":
                        last_values = payload
                return await self._outcome(
                    graph, run, temporary, "success", streamed_values=last_values
                )
        except asyncio.CancelledError:
            if control.deadline is not None and control.deadline.expired():
                raise  # the run's time is up: its deadline turns this into a TimeoutError
            if control.action is None:
                raise ExecutionAbandoned from None
            if control.action == "rollback":
                return RunOutcome("interrupted", rolled_back=True)
            stopped = {"error": "UserInterrupt", "message": control.reason or "run interrupted"}
            return await self._settled(run, graph_id, temporary, "interrupted", error=stopped)

    async def _already_started(self, run: Run, config: RunnableConfig) -> bool:
        """A retried run whose first attempt checkpointed continues instead of starting over."""
        latest = await self.checkpointer.aget_tuple(
            {"configurable": {"thread_id": run["thread_id"], "checkpoint_ns": ""}}
        )
        return latest is not None and latest.metadata.get("run_id") == run["run_id"]

    async def _settled(
        self,
        run: Run,
        graph_id: str,
        temporary: bool,
        status: RunStatus,
        *,
        error: dict[str, Any] | None = None,
    ) -> RunOutcome:
        """The outcome of a run that did not end normally: read what it left behind."""
        if temporary:
            return RunOutcome(status, error=error)
        try:
            async with self.registry.graph(
                graph_id, run["kwargs"]["config"], access="threads.read"
            ) as graph:
                return await self._outcome(graph, run, temporary, status, error=error)
        except Exception:
            logger.exception("Could not read the final state of run %s", run["run_id"])
            return RunOutcome(status, error=error)

    async def _outcome(
        self,
        graph: Graph,
        run: Run,
        temporary: bool,
        status: RunStatus,
        *,
        error: dict[str, Any] | None = None,
        streamed_values: Any = None,
    ) -> RunOutcome:
        """What the run left on its thread; a temporary run (no checkpointer, its thread about
        to be deleted) reports the last values it streamed, for its webhook."""
        if temporary:
            return RunOutcome(status, values=streamed_values, error=error)
        snapshot = await graph.aget_state({"configurable": {"thread_id": run["thread_id"]}})
        if not snapshot.config:
            return RunOutcome(status, error=error)
        return RunOutcome(
            status,
            values=serde.to_jsonable(snapshot.values),
            next_nodes=tuple(snapshot.next),
            interrupts=interrupts_by_task(snapshot),
            error=error,
            has_checkpoint=True,
        )

    def _publish(self, log: EventLog, event: str, payload: Any) -> None:
        self.broker.publish(log, event, serde.dumps(payload))
