"""The runtime of one project: everything a request handler may need, started and stopped
together (the composition root of the headless server)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from studio.runtime.auth.engine import AuthEngine
from studio.runtime.backend import Backend, open_backend
from studio.runtime.background import Periodic
from studio.runtime.config import Project, ServerOptions
from studio.runtime.executor import RunExecutor
from studio.runtime.graphs import GraphRegistry, prepend_sys_path
from studio.runtime.headers import HeaderPolicy
from studio.runtime.queue import RunQueue
from studio.runtime.reload import GraphReloader
from studio.runtime.server_events import ServerCapture, ServerEventLog
from studio.runtime.services.assistants import register_system_assistants
from studio.runtime.services.crons import fire_due_crons
from studio.runtime.services.thread_expiry import sweep_expired_threads
from studio.runtime.storage.base import Storage
from studio.runtime.streams import StreamBroker
from studio.runtime.webhook_policy import WebhookPolicy
from studio.runtime.webhooks import WebhookSender, WebhookSettings

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    project: Project
    options: ServerOptions
    backend: Backend
    storage: Storage
    registry: GraphRegistry
    checkpointer: BaseCheckpointSaver[Any]
    store: BaseStore
    broker: StreamBroker
    executor: RunExecutor
    queue: RunQueue
    header_policy: HeaderPolicy
    webhook_policy: WebhookPolicy
    webhooks: WebhookSender
    events: ServerEventLog
    capture: ServerCapture
    cron_scheduler: Periodic = field(init=False)
    reloader: GraphReloader | None = field(init=False, default=None)
    thread_sweeper: Periodic = field(init=False)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    auth: AuthEngine | None = None
    """The project's custom auth (`auth.path` of langgraph.json); None: every request is
    allowed, as LangGraph Server without custom auth."""

    @classmethod
    async def start(cls, project: Project, options: ServerOptions) -> Runtime:
        """Load the graphs, open the databases, register assistants, start the queue and the
        housekeeping (cron scheduler, thread expiry).

        If any of it fails, what had been opened or started is closed again before the error
        goes up: the app never started, so nothing else would close the databases' files,
        the Postgres pool or the Redis client (and a process that lives on, the studio's,
        would keep them)."""
        events = ServerEventLog()
        events.bind(asyncio.get_running_loop())
        capture = ServerCapture(events)
        capture.start()  # before the graphs load: their errors are the first thing to show
        backend: Backend | None = None
        runtime: Runtime | None = None
        try:
            os.environ.update(project.environment())
            prepend_sys_path(project.dependency_paths())
            registry = GraphRegistry()
            # Importing user code blocks; keep the loop free while it happens.
            await asyncio.to_thread(registry.load, project.root, project.graphs)
            auth = await asyncio.to_thread(AuthEngine.load, project, loopback=options.loopback)
            backend = await open_backend(project, options)
            runtime = cls._assemble(project, options, backend, registry, events, capture, auth)
            await runtime._begin()
        except BaseException:
            if runtime is not None:
                await runtime.stop()  # stops what began; closes the backend and the capture
            else:
                if backend is not None:
                    await backend.aclose()
                capture.stop()
            raise
        # What start-up loaded (langgraph, the user's graphs, their modules) lives as long as
        # the server: move it out of the collector's sight so full collections stay short
        # (they otherwise pause every thread of the process, the studio's window included).
        gc.freeze()
        return runtime

    @classmethod
    def _assemble(
        cls,
        project: Project,
        options: ServerOptions,
        backend: Backend,
        registry: GraphRegistry,
        events: ServerEventLog,
        capture: ServerCapture,
        auth: AuthEngine | None,
    ) -> Runtime:
        """The runtime's parts on an opened backend, nothing started yet."""
        storage, checkpointer, broker = backend.storage, backend.checkpointer, backend.broker
        registry.attach(checkpointer, backend.store)
        webhook_policy = WebhookPolicy.from_config(project.file.webhooks)
        webhooks = WebhookSender(
            webhook_policy, WebhookSettings.from_config(project.file.webhooks, project.file.http)
        )
        executor = RunExecutor(
            storage,
            registry,
            broker,
            checkpointer,
            run_timeout=project.file.lg_studio.run_timeout(),
            webhooks=webhooks,
        )
        runtime = cls(
            project=project,
            options=options,
            backend=backend,
            storage=storage,
            registry=registry,
            checkpointer=checkpointer,
            store=backend.store,
            broker=broker,
            executor=executor,
            queue=backend.queue(executor, project.file.lg_studio.jobs or options.jobs),
            header_policy=HeaderPolicy.from_http_config(project.file.http),
            webhook_policy=webhook_policy,
            webhooks=webhooks,
            events=events,
            capture=capture,
            auth=auth,
        )
        thread_ttl = project.thread_ttl()
        runtime.cron_scheduler = Periodic(
            "cron-scheduler", lambda: fire_due_crons(runtime), retry_seconds=5.0
        )
        runtime.thread_sweeper = Periodic(
            "thread-expiry", lambda: sweep_expired_threads(runtime, thread_ttl), retry_seconds=60.0
        )
        return runtime

    async def _begin(self) -> None:
        """Register the assistants, start the queue and the housekeeping (`stop` undoes it,
        whatever part of it happened)."""
        await register_system_assistants(self)
        await self.queue.start()
        self.cron_scheduler.start()
        self.thread_sweeper.start()
        if self.options.reload:
            self.reloader = GraphReloader(self, self.options.resolved_data_dir(self.project))
            self.reloader.start()

    def serving_at(self, url: str) -> None:
        """The server learned its URL (the port may have been chosen by the OS)."""
        self.executor.api_url = url
        self.webhooks.api_url = url

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        if self.reloader is not None:
            await self.reloader.stop()
        await self.cron_scheduler.stop()
        await self.thread_sweeper.stop()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queue.stop()
        await self.webhooks.close()
        await self.backend.aclose()
        self.capture.stop()
