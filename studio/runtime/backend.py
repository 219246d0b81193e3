"""Where a runtime keeps its data and how its processes share work: the one seam between the
embedded server (SQLite, one process) and a scale-out deployment (Postgres and Redis, any
number of processes; studio/runtime/scaleout.py). Everything else in the runtime is the same
code on either."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore
from langgraph.store.sqlite.aio import AsyncSqliteStore

from studio.runtime.checkpointer import StudioSqliteSaver
from studio.runtime.config import Project, ServerOptions
from studio.runtime.executor import RunExecutor
from studio.runtime.queue import LocalRunQueue, RunQueue
from studio.runtime.storage.base import Storage
from studio.runtime.storage.sqlite import SqliteStorage
from studio.runtime.store import close_store, open_store
from studio.runtime.streams import MemoryBroker, StreamBroker


class Backend(Protocol):
    storage: Storage
    checkpointer: BaseCheckpointSaver[Any]
    store: BaseStore
    broker: StreamBroker

    def queue(self, executor: RunExecutor, jobs: int) -> RunQueue:
        """The run queue on this backend, executing at most `jobs` runs at once here."""
        ...

    async def aclose(self) -> None:
        """Close what `open` opened (after the queue has stopped)."""
        ...


async def open_backend(project: Project, options: ServerOptions) -> Backend:
    """The backend `options` ask for: Postgres and Redis if given, else SQLite files."""
    if options.postgres_uri is not None:
        # Imported only here: the scale-out packages are an extra (`lg-studio[postgres]`).
        from studio.runtime.scaleout import ScaleOutBackend

        return await ScaleOutBackend.open(project, options)
    return await EmbeddedBackend.open(project, options.resolved_data_dir(project))


class EmbeddedBackend:
    """SQLite databases in the project's data folder, and streams in this process's memory."""

    def __init__(
        self,
        storage: SqliteStorage,
        checkpointer: StudioSqliteSaver,
        store: AsyncSqliteStore,
    ) -> None:
        self.storage: Storage = storage
        self.checkpointer: BaseCheckpointSaver[Any] = checkpointer
        self.store: BaseStore = store
        self.broker: StreamBroker = MemoryBroker()
        self._sqlite = storage
        self._sqlite_checkpointer = checkpointer
        self._sqlite_store = store

    @classmethod
    async def open(cls, project: Project, data_dir: Path) -> EmbeddedBackend:
        storage = SqliteStorage(data_dir / "runtime.sqlite")
        await storage.open()
        checkpointer = await StudioSqliteSaver.open(
            data_dir / "checkpoints.sqlite", server_metadata=True
        )
        store = await open_store(data_dir / "store.sqlite", project.file.store, project.root)
        return cls(storage, checkpointer, store)

    def queue(self, executor: RunExecutor, jobs: int) -> RunQueue:
        return LocalRunQueue(self._sqlite, executor, jobs)

    async def aclose(self) -> None:
        await self._sqlite_checkpointer.close()
        await close_store(self._sqlite_store)
        await self.storage.close()
