"""The studio's calls to a LangGraph server, ours or remote, through `langgraph_sdk`.

Everything the UI asks of a server goes through `StudioClient`, and every failure comes out as
a `ClientError` whose message a person can read (the server's `detail`, or "cannot reach
<url>"), so panels never handle httpx exceptions or tracebacks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import httpx
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from studio.protocol.schema import (
    Assistant,
    Cron,
    GraphSchema,
    Run,
    SearchItem,
    Thread,
    ThreadState,
)
from studio.protocol.server_events import SERVER_EVENTS_PATH

T = TypeVar("T")
Breakpoints = Literal["*"] | Sequence[str] | None
"""Nodes to pause a run at: a list of names, every node ("*"), or none."""


class ClientError(Exception):
    """A server call failed; `message` is for people, `detail` for the details pane."""

    def __init__(self, message: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.status = status


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One server-sent event of a run: its name (`values`, `updates|sub:<id>`...) and data."""

    event: str
    data: Any

    @property
    def mode(self) -> str:
        return self.event.split("|", 1)[0]

    @property
    def namespace(self) -> tuple[str, ...]:
        return tuple(self.event.split("|")[1:])


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One event of lg-studio's own stream (`graphs`, `log`, `output`; payloads in
    `studio.protocol.server_events`), with the id to resume after."""

    id: str | None
    event: str
    data: Any


STUDIO_HEADERS = {"x-auth-scheme": "langsmith"}
"""How LangSmith Studio identifies itself to `langgraph dev`, which then lets it in past the
project's custom auth (as a `StudioUser`); `lg-studio serve` does the same on loopback."""


class StudioClient:
    """A connection to one server."""

    def __init__(self, url: str, *, api_key: str | None = None, as_studio: bool = False) -> None:
        """`as_studio`: identify as the studio (for a server on this machine only: a remote
        deployment would take the header as a request for LangSmith's own auth)."""
        self.url = url.rstrip("/")
        headers = STUDIO_HEADERS if as_studio else None
        self._sdk: LangGraphClient = get_client(url=self.url, api_key=api_key, headers=headers)

    async def close(self) -> None:
        await self._sdk.http.client.aclose()

    async def _call(self, action: str, request: Awaitable[T]) -> T:
        try:
            return await request
        except httpx.HTTPStatusError as exc:
            raise _status_error(action, exc) from exc
        except httpx.TransportError as exc:
            raise ClientError(
                f"Cannot reach the server at {self.url}",
                f"{action}: {type(exc).__name__}: {exc}",
            ) from exc

    async def info(self) -> dict[str, Any]:
        response = await self._call("Reading server information", self._sdk.http.get("/info"))
        return cast(dict[str, Any], response)

    async def assistants(self) -> list[Assistant]:
        found = await self._call(
            "Listing assistants",
            self._sdk.assistants.search(limit=1000, sort_by="graph_id", sort_order="asc"),
        )
        return cast(list[Assistant], found)

    async def graph(self, assistant_id: str, *, xray: bool | int = True) -> dict[str, Any]:
        drawn = await self._call(
            "Loading the graph", self._sdk.assistants.get_graph(assistant_id, xray=xray)
        )
        return cast(dict[str, Any], drawn)

    async def schemas(self, assistant_id: str) -> GraphSchema:
        found = await self._call(
            "Loading the graph's schemas", self._sdk.assistants.get_schemas(assistant_id)
        )
        return cast(GraphSchema, found)

    async def threads(
        self, *, metadata: dict[str, Any] | None = None, limit: int = 100
    ) -> list[Thread]:
        found = await self._call(
            "Listing threads",
            self._sdk.threads.search(
                metadata=metadata, limit=limit, sort_by="created_at", sort_order="desc"
            ),
        )
        return cast(list[Thread], found)

    async def thread(self, thread_id: str) -> Thread:
        found = await self._call("Loading the thread", self._sdk.threads.get(thread_id))
        return cast(Thread, found)

    async def create_thread(self, metadata: dict[str, Any] | None = None) -> Thread:
        created = await self._call("Creating a thread", self._sdk.threads.create(metadata=metadata))
        return cast(Thread, created)

    async def delete_thread(self, thread_id: str) -> None:
        await self._call("Deleting the thread", self._sdk.threads.delete(thread_id))

    async def state(self, thread_id: str) -> ThreadState:
        found = await self._call("Loading the thread state", self._sdk.threads.get_state(thread_id))
        return cast(ThreadState, found)

    async def history(
        self, thread_id: str, *, limit: int = 50, before: str | None = None
    ) -> list[ThreadState]:
        """Checkpoints of the thread, newest first, across every branch; `before` pages on."""
        found = await self._call(
            "Loading the thread's history",
            self._sdk.threads.get_history(thread_id, limit=limit, before=before),
        )
        return cast(list[ThreadState], found)

    async def update_state(
        self,
        thread_id: str,
        values: dict[str, Any] | None,
        *,
        as_node: str | None = None,
        checkpoint_id: str | None = None,
    ) -> str:
        """Write `values` as if `as_node` returned them, on top of `checkpoint_id` (the head
        when None); the new checkpoint branches off there. Returns its id."""
        written = await self._call(
            "Updating the state",
            self._sdk.threads.update_state(
                thread_id, values, as_node=as_node, checkpoint_id=checkpoint_id
            ),
        )
        return str(written["checkpoint"]["checkpoint_id"])

    async def copy_state(
        self,
        graph_id: str,
        values: dict[str, Any],
        *,
        as_node: str | None,
        metadata: dict[str, Any] | None = None,
    ) -> Thread:
        """A new thread of `graph_id` whose state is `values`, written as if `as_node` returned
        them: one superstep at creation, so the thread never exists half-written."""
        created = await self._call(
            "Copying the state into a new thread",
            self._sdk.threads.create(
                metadata=metadata,
                graph_id=graph_id,
                supersteps=[{"updates": [{"values": values, "as_node": as_node}]}],
            ),
        )
        return cast(Thread, created)

    # --- long-term memory store ---------------------------------------------------------

    async def store_namespaces(self, *, limit: int = 1000) -> list[list[str]]:
        found = await self._call(
            "Listing the store's namespaces", self._sdk.store.list_namespaces(limit=limit)
        )
        return [list(namespace) for namespace in found["namespaces"]]

    async def store_search(
        self,
        prefix: Sequence[str],
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[SearchItem]:
        """Items under `prefix`; ranked by meaning (each with a score) when `query` is given
        and the server has a semantic index, else the query is ignored as the server does."""
        found = await self._call(
            "Searching the store",
            self._sdk.store.search_items(
                prefix, query=query or None, filter=filter, limit=limit, offset=offset
            ),
        )
        return cast(list[SearchItem], found["items"])

    async def store_put(
        self,
        namespace: Sequence[str],
        key: str,
        value: dict[str, Any],
        *,
        ttl_minutes: int | None = None,
    ) -> None:
        await self._call(
            "Saving the store item",
            self._sdk.store.put_item(namespace, key=key, value=value, ttl=ttl_minutes),
        )

    async def store_delete(self, namespace: Sequence[str], key: str) -> None:
        await self._call("Deleting the store item", self._sdk.store.delete_item(namespace, key=key))

    # --- crons --------------------------------------------------------------------------

    async def crons(self, *, assistant_id: str | None = None, limit: int = 100) -> list[Cron]:
        found = await self._call(
            "Listing crons",
            self._sdk.crons.search(
                assistant_id=assistant_id, limit=limit, sort_by="created_at", sort_order="desc"
            ),
        )
        return cast(list[Cron], found)

    async def create_cron(
        self,
        assistant_id: str,
        schedule: str,
        *,
        input: Any,
        thread_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Cron:
        """Schedule runs of `assistant_id`: on `thread_id` (each run continues it), or on a
        new thread per run when None."""
        if thread_id is None:
            created = self._sdk.crons.create(
                assistant_id, schedule=schedule, input=input, metadata=metadata
            )
        else:
            created = self._sdk.crons.create_for_thread(
                thread_id, assistant_id, schedule=schedule, input=input, metadata=metadata
            )
        # The SDK types the answer as a Run; LangGraph Server sends the Cron it created.
        return cast(Cron, await self._call("Creating the cron", created))

    async def delete_cron(self, cron_id: str) -> None:
        await self._call("Deleting the cron", self._sdk.crons.delete(cron_id))

    # --- runs ---------------------------------------------------------------------------

    async def runs(self, thread_id: str, *, limit: int = 100) -> list[Run]:
        """The thread's runs, newest first."""
        found = await self._call("Listing runs", self._sdk.runs.list(thread_id, limit=limit))
        return cast(list[Run], found)

    async def recent_runs(self, *, threads: int = 50, runs_per_thread: int = 20) -> list[Run]:
        """The runs of the `threads` most recently updated threads, newest first.

        The API lists runs one thread at a time, so the threads' lists are asked for
        concurrently; a thread deleted meanwhile just has no runs."""
        recent = await self._call(
            "Listing threads",
            self._sdk.threads.search(limit=threads, sort_by="updated_at", sort_order="desc"),
        )
        found = await asyncio.gather(
            *(self._runs_if_any(thread["thread_id"], runs_per_thread) for thread in recent)
        )
        runs = [run for thread_runs in found for run in thread_runs]
        runs.sort(key=lambda run: run["created_at"], reverse=True)
        return runs

    async def _runs_if_any(self, thread_id: str, limit: int) -> list[Run]:
        try:
            return await self.runs(thread_id, limit=limit)
        except ClientError as exc:
            if exc.status == 404:
                return []
            raise

    async def join_run(self, thread_id: str, run_id: str) -> AsyncIterator[StreamEvent]:
        """The events of a run already going (started by a cron, another client...), from
        now on, in the stream modes it was started with."""
        try:
            async for part in self._sdk.runs.join_stream(thread_id, run_id):
                yield StreamEvent(part.event, part.data)
        except httpx.HTTPStatusError as exc:
            raise _status_error("Joining the run", exc) from exc
        except httpx.TransportError as exc:
            raise ClientError(
                f"Lost the connection to {self.url} while following the run",
                f"{type(exc).__name__}: {exc}",
            ) from exc

    async def run_traceback(self, thread_id: str, run_id: str) -> str | None:
        """The traceback of a failed run, when the server keeps it (lg-studio does; other
        LangGraph servers do not, and then this is None)."""
        try:
            found = await self._sdk.http.get(f"/threads/{thread_id}/runs/{run_id}/traceback")
        except (httpx.HTTPStatusError, httpx.TransportError):
            return None
        traceback = found.get("traceback") if isinstance(found, dict) else None
        return traceback if isinstance(traceback, str) else None

    async def server_events(self, last_event_id: str | None = None) -> AsyncIterator[ServerEvent]:
        """lg-studio's own events as they happen: graph reloads, log records, graph output;
        without `last_event_id`, first every event the server still keeps.

        Raises:
            ClientError: The server does not serve them (any other LangGraph server: status
                404), or the connection failed or dropped.
        """
        headers = {"Last-Event-ID": last_event_id} if last_event_id else None
        try:
            async for part in self._sdk.http.stream(SERVER_EVENTS_PATH, "GET", headers=headers):
                yield ServerEvent(part.id, part.event, part.data)
        except httpx.HTTPStatusError as exc:
            raise _status_error("Following the server's events", exc) from exc
        except httpx.TransportError as exc:
            raise ClientError(
                f"Lost the server's events from {self.url}", f"{type(exc).__name__}: {exc}"
            ) from exc

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self._call("Cancelling the run", self._sdk.runs.cancel(thread_id, run_id))

    async def stream_run(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any,
        stream_modes: Sequence[str],
        subgraphs: bool = True,
        config: dict[str, Any] | None = None,
        command: dict[str, Any] | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: Breakpoints = None,
        interrupt_after: Breakpoints = None,
    ) -> AsyncIterator[StreamEvent]:
        """The events of a new run as they arrive; the first is `metadata` with the run id.

        `command` (resume / update / goto) replaces `input`; `checkpoint_id` starts from that
        checkpoint instead of the thread's latest (a replay, or a new branch); the
        `interrupt_*` lists (or "*") pause the run before or after those nodes.
        """
        # The SDK's overloads of `stream` multiply past what mypy tries; the call is checked
        # by the SDK at run time.
        stream: AsyncIterator[Any] = cast(Any, self._sdk.runs.stream)(
            thread_id,
            assistant_id,
            input=input,
            command=command,
            stream_mode=list(stream_modes),
            stream_subgraphs=subgraphs,
            config=config,
            checkpoint_id=checkpoint_id,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            if_not_exists="create" if thread_id else None,
        )
        try:
            async for part in stream:
                yield StreamEvent(part.event, part.data)
        except httpx.HTTPStatusError as exc:
            raise _status_error("Starting the run", exc) from exc
        except httpx.TransportError as exc:
            raise ClientError(
                f"Lost the connection to {self.url} during the run",
                f"{type(exc).__name__}: {exc}",
            ) from exc


def _status_error(action: str, exc: httpx.HTTPStatusError) -> ClientError:
    response = exc.response
    detail: Any = None
    try:
        body = response.json()
        detail = body.get("detail") if isinstance(body, dict) else body
    except ValueError:
        detail = response.text
    message = str(detail) if detail else f"{response.status_code} {response.reason_phrase}"
    return ClientError(
        f"{action} failed: {message}",
        f"{response.request.method} {response.request.url} -> {response.status_code}\n{detail}",
        response.status_code,
    )
