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

import aiosqlite
from langgraph.store.base import BaseStore
from langgraph.store.sqlite.aio import AsyncSqliteStore

from studio.runtime.checkpointer import StudioSqliteSaver
from studio.runtime.config import Project, ServerOptions
from studio.runtime.executor import RunExecutor
from studio.runtime.graphs import GraphRegistry, prepend_sys_path
from studio.runtime.headers import HeaderPolicy
from studio.runtime.queue import RunQueue
from studio.runtime.services.assistants import register_system_assistants
from studio.runtime.storage.base import Storage
from studio.runtime.storage.sqlite import SqliteStorage
from studio.runtime.streams import StreamBroker
from studio.runtime.webhook_policy import WebhookPolicy

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    project: Project
    options: ServerOptions
    storage: Storage
    registry: GraphRegistry
    checkpointer: StudioSqliteSaver
    store: BaseStore
    broker: StreamBroker
    executor: RunExecutor
    queue: RunQueue
    store_conn: aiosqlite.Connection
    header_policy: HeaderPolicy
    webhook_policy: WebhookPolicy
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @classmethod
    async def start(cls, project: Project, options: ServerOptions) -> Runtime:
        """Load the graphs, open the databases, register assistants, start the queue."""
        data_dir = options.resolved_data_dir(project)
        os.environ.update(project.environment())
        prepend_sys_path(project.dependency_paths())
        registry = GraphRegistry()
        # Importing user code blocks; keep the loop free while it happens.
        await asyncio.to_thread(registry.load, project.root, project.graphs)

        storage = SqliteStorage(data_dir / "runtime.sqlite")
        await storage.open()
        checkpointer = await StudioSqliteSaver.open(data_dir / "checkpoints.sqlite")
        store_conn = await aiosqlite.connect(data_dir / "store.sqlite", isolation_level=None)
        await store_conn.execute("PRAGMA journal_mode=WAL")
        store = AsyncSqliteStore(store_conn)
        await store.setup()
        registry.attach(checkpointer, store)

        broker = StreamBroker()
        jobs = project.file.lg_studio.jobs or options.jobs
        executor = RunExecutor(
            storage,
            registry,
            broker,
            checkpointer,
            run_timeout=project.file.lg_studio.run_timeout(),
        )
        queue = RunQueue(storage, executor, jobs)
        runtime = cls(
            project=project,
            options=options,
            storage=storage,
            registry=registry,
            checkpointer=checkpointer,
            store=store,
            broker=broker,
            executor=executor,
            queue=queue,
            store_conn=store_conn,
            header_policy=HeaderPolicy.from_http_config(project.file.http),
            webhook_policy=WebhookPolicy.from_config(project.file.webhooks),
        )
        await register_system_assistants(runtime)
        await queue.start()
        # What start-up loaded (langgraph, the user's graphs, their modules) lives as long as
        # the server: move it out of the collector's sight so full collections stay short
        # (they otherwise pause every thread of the process, the studio's window included).
        gc.freeze()
        return runtime

    def serving_at(self, url: str) -> None:
        """The server learned its URL (the port may have been chosen by the OS)."""
        self.executor.api_url = url

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queue.stop()
        await self.checkpointer.close()
        await self.store_conn.close()
        await self.storage.close()
