"""Reading a user's own langgraph checkpointer database, read-only, as thread states.

People run graphs with a langgraph saver in their own programs and then want to see what
happened (langgraph#5790, langgraph-studio#257). A reader opens such a database with langgraph's
own saver on a connection that cannot write, and turns each checkpoint into the `ThreadState`
shape a LangGraph server sends, so the studio's history, state and diff views show it
unchanged. `CheckpointFile` reads a SQLite file, `CheckpointDatabase` a Postgres DSN; what they
share (the worker thread, the history, the shaping) is here.

Every call runs in one worker thread of the reader's own (a connection belongs to one thread,
and a large database must never stall the window); the async methods only hand work to it.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from pydantic import BaseModel

from studio.client.api import ClientError
from studio.protocol.schema import ThreadState

T = TypeVar("T")
INTERRUPT = "__interrupt__"
START = "__start__"
BRANCH_PREFIX = "branch:to:"
MESSAGE_TYPES = frozenset({"human", "ai", "system", "tool", "function", "chat", "developer"})
THREADS_SQL = (
    "SELECT thread_id, count(*), max(checkpoint_id) FROM checkpoints "
    "WHERE checkpoint_ns = '' GROUP BY thread_id ORDER BY max(checkpoint_id) DESC"
)
"""The threads of the root graph, newest first. The savers have no call that lists threads;
the `checkpoints` table is langgraph's documented schema, the same in SQLite and Postgres."""


@dataclass(frozen=True, slots=True)
class SavedThread:
    """One thread of the database: its id, how many checkpoints it has, and its newest."""

    thread_id: str
    checkpoints: int
    latest_checkpoint_id: str


class CheckpointReader(ABC):
    """A langgraph checkpointer database, read-only, read in a worker thread of its own."""

    errors: ClassVar[tuple[type[Exception], ...]] = ()
    """The driver's errors, reported as a `ClientError` a person can read."""

    def __init__(self, name: str, location: str) -> None:
        """`name` is short (a window title), `location` says where it is (never a
        password)."""
        self.name = name
        self.location = location
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="checkpoint-reader")
        self._saver: BaseCheckpointSaver[Any] | None = None

    async def open(self) -> list[SavedThread]:
        """Connect (read-only) and list the threads, most recently written first."""
        await self._in_worker(self._open)
        return await self.threads()

    async def threads(self) -> list[SavedThread]:
        return await self._in_worker(self._threads)

    async def history(self, thread_id: str) -> list[ThreadState]:
        """Every checkpoint of the thread's root graph, newest first, as a server lists them."""
        return await self._in_worker(lambda: self._history(thread_id))

    def close(self) -> None:
        """Let go of the database; the worker disconnects after any read in progress,
        without making the caller wait."""
        self._worker.submit(self._close)
        self._worker.shutdown(wait=False)

    # --- in the worker thread -----------------------------------------------------------

    @abstractmethod
    def _connect(self) -> BaseCheckpointSaver[Any]:
        """A saver on a connection that cannot write, after checking langgraph's tables are
        there (so the saver's lazy setup never has anything to create)."""

    @abstractmethod
    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a read-only query on the saver's connection."""

    @abstractmethod
    def _disconnect(self) -> None:
        """Close the saver's connection."""

    async def _in_worker(self, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, work)
        except self.errors as exc:
            raise ClientError(
                f"Cannot read {self.name} as a langgraph checkpoint database",
                f"{self.location}: {type(exc).__name__}: {exc}",
            ) from exc

    def _open(self) -> None:
        self._saver = self._connect()

    def _threads(self) -> list[SavedThread]:
        return [SavedThread(str(r[0]), int(r[1]), str(r[2])) for r in self._rows(THREADS_SQL)]

    def _history(self, thread_id: str) -> list[ThreadState]:
        config: RunnableConfig = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
        return [thread_state(found) for found in self._require_saver().list(config)]

    def _close(self) -> None:
        if self._saver is not None:
            self._disconnect()
            self._saver = None

    def _require_saver(self) -> BaseCheckpointSaver[Any]:
        if self._saver is None:
            raise ClientError(f"{self.name} is not open", self.location)
        return self._saver


def thread_state(found: CheckpointTuple) -> ThreadState:
    """A checkpoint as the server's `ThreadState`: the graph's own channels as `values`, and
    what runs next worked out from the checkpoint alone (the graph is not at hand).

    LangGraph's edges write `branch:to:<node>` channels and a node runs when its channel holds
    a value it has not seen; `__start__` holds the input before the first step. A pending
    `__interrupt__` write is an interrupt waiting for an answer.
    """
    checkpoint = found.checkpoint
    channels = checkpoint["channel_values"]
    seen = checkpoint["versions_seen"]
    versions = checkpoint["channel_versions"]
    waiting = [
        node
        for channel, node in _triggers(channels)
        if versions.get(channel, "") != seen.get(node, {}).get(channel)
    ]
    interrupts = [
        plain(item)
        for _task, channel, value in found.pending_writes or []
        if channel == INTERRUPT
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    tasks = [
        {"id": "", "name": node, "interrupts": interrupts if i == 0 else [], "state": None}
        for i, node in enumerate(waiting)
    ]
    configurable = found.config["configurable"]
    parent = found.parent_config["configurable"] if found.parent_config else None
    return cast(
        ThreadState,
        {
            "values": {
                key: plain(value)
                for key, value in channels.items()
                if not key.startswith(BRANCH_PREFIX) and not (key.startswith("__"))
            },
            "next": waiting,
            "tasks": tasks,
            "interrupts": interrupts,
            "metadata": plain(dict(found.metadata or {})),
            "created_at": checkpoint["ts"],
            "checkpoint": _checkpoint_ref(configurable),
            "parent_checkpoint": _checkpoint_ref(parent) if parent else None,
        },
    )


def plain(value: Any) -> Any:
    """`value` as JSON data, as a server would send it (messages and models as their fields)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, BaseModel):
        return plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return repr(value)


def copyable(value: Any) -> Any:
    """`value` (as `plain` made it) in the form a server reads back as the same state.

    A server turns a message dict into a message with langchain's `convert_to_messages`,
    which keeps only some fields and files the rest under `additional_kwargs`; the fields
    left at their defaults (None, [], {}) are dropped here so the copy comes back equal.
    """
    if isinstance(value, list):
        return [copyable(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("type") in MESSAGE_TYPES and "content" in value:
        return {k: v for k, v in value.items() if k == "content" or v not in (None, [], {})}
    return {key: copyable(item) for key, item in value.items()}


def _triggers(channels: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(channel, node) for every node whose trigger channel holds a value."""
    found = [(c, c.removeprefix(BRANCH_PREFIX)) for c in channels if c.startswith(BRANCH_PREFIX)]
    return [(START, START)] * (START in channels) + found


def _checkpoint_ref(configurable: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "thread_id": configurable.get("thread_id"),
        "checkpoint_ns": configurable.get("checkpoint_ns", ""),
        "checkpoint_id": configurable.get("checkpoint_id"),
        "checkpoint_map": None,
    }
