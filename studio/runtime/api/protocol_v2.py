"""Routes of Protocol v2 event streaming: `POST /threads/{thread_id}/commands` and
`POST /threads/{thread_id}/stream/events` (SSE), what `client.threads.stream(...)` calls.

Bodies are read by hand, not by a model, so a bad one gets the reference's own answer: a
protocol error envelope for commands, `{"detail": ...}` with 400 for streams
(langgraph_api.api.event_streaming). The WebSocket transport on the stream path is not
served: the server runs uvicorn without WebSocket support, to start fast.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from studio.runtime import serde
from studio.runtime.api.access import on
from studio.runtime.api.http import Endpoint, heartbeat, json_response, path_uuid, runtime
from studio.runtime.api.runs import _run_context  # the context every run gets from its request
from studio.runtime.api.streaming import event_stream
from studio.runtime.context import Runtime
from studio.runtime.protocol_v2 import commands
from studio.runtime.protocol_v2.channels import EventFilter, is_channel
from studio.runtime.protocol_v2.projection import Projection
from studio.runtime.protocol_v2.source import thread_run_events
from studio.runtime.streams import StreamEvent


class ProtocolCommand(BaseModel):
    """A protocol command (described for /openapi.json; read by hand)."""

    id: int
    method: str = Field(
        description="run.start, input.respond, agent.getTree, subscription.subscribe, "
        "subscription.unsubscribe or subscription.reconnect"
    )
    params: dict[str, Any] = Field(default_factory=dict)


class EventStreamRequest(BaseModel):
    """What an event stream carries (described for /openapi.json; read by hand)."""

    channels: list[str] = Field(
        description="values, updates, messages, tools, lifecycle, input, tasks, checkpoints, "
        "custom, or custom:<name>"
    )
    namespaces: list[list[str]] | None = Field(
        default=None, description="Namespace prefixes to keep (all when absent)."
    )
    depth: int | None = Field(default=None, description="Levels kept below each prefix.")
    since: int | None = Field(
        default=None, description="Replay only events with a greater seq (reconnects)."
    )


def _bad_request(detail: str) -> Response:
    return json_response({"detail": detail}, 400)


async def _json_body(request: Request) -> tuple[Any, bool]:
    try:
        return orjson.loads(await request.body()), True
    except orjson.JSONDecodeError:
        return None, False


async def thread_command(request: Request) -> Response:
    payload, ok = await _json_body(request)
    if not ok:
        return _bad_request("Invalid JSON body")
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("id"), int)
        or isinstance(payload.get("id"), bool)
        or not isinstance(payload.get("method"), str)
    ):
        command_id = payload.get("id") if isinstance(payload, dict) else None
        return json_response(
            commands.error_reply(
                command_id,
                "invalid_argument",
                "Protocol commands must include an integer id and string method.",
            ),
            400,
        )
    reply = await commands.handle(
        runtime(request), request.path_params["thread_id"], payload, _run_context(request)
    )
    return json_response(reply)


async def thread_events(request: Request) -> Response:
    thread_id = path_uuid(request, "thread_id", "thread")
    body, ok = await _json_body(request)
    if not ok:
        return _bad_request("Invalid JSON body")
    body = body if isinstance(body, dict) else {}
    channels = body.get("channels")
    if not isinstance(channels, list) or not channels:
        return _bad_request("channels is required and must be a non-empty array")
    bad = [c if isinstance(c, str) else repr(c) for c in channels if not is_channel(c)]
    if bad:
        return _bad_request(
            f"channels contains unsupported entries: {', '.join(bad[:5])}. Allowed: values, "
            "updates, messages, tools, custom, lifecycle, input, tasks, or any `custom:<name>`."
        )
    namespaces = body.get("namespaces")
    depth, since = body.get("depth"), body.get("since")
    wanted = EventFilter(
        frozenset(channels),
        tuple(
            tuple(ns)
            for ns in (namespaces if isinstance(namespaces, list) else [])
            if isinstance(ns, list) and all(isinstance(s, str) for s in ns)
        ),
        _count(depth),
    )
    return event_stream(
        _ProtocolFeed(runtime(request), thread_id, wanted),
        after=_count(since) or 0,
        heartbeat=heartbeat(request),
    )


def _count(value: Any) -> int | None:
    """A JSON integer >= 0, else None: `true` is not 1 here (the reference agrees)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class _ProtocolFeed:
    """The thread's run events, projected for one connection, as log-like batches: `seq`
    is the protocol seq, so `after` is the client's `since`."""

    def __init__(self, rt: Runtime, thread_id: str, wanted: EventFilter) -> None:
        self._rt = rt
        self._thread_id = thread_id
        self._wanted = wanted

    async def follow(self, after: int) -> AsyncIterator[list[StreamEvent]]:
        projection = Projection()
        async for run, batch in thread_run_events(self._rt, self._thread_id):
            if batch is None:
                final = await self._rt.storage.get_run(self._thread_id, run["run_id"])
                events = projection.finish(run, final["status"] if final else None)
            else:
                events = [out for event in batch for out in projection.ingest(run, event)]
            kept = [
                StreamEvent(e["seq"], e["method"], serde.dumps(e))
                for e in events
                if e["seq"] > after and self._wanted.matches(e)
            ]
            if kept:
                yield kept


TAG = "Thread Event Streaming"
ENDPOINTS = [
    Endpoint(
        "POST",
        "/threads/{thread_id}/commands",
        thread_command,
        "Run a Protocol Command",
        TAG,
        body=ProtocolCommand,
        response=dict[str, Any],
        # a malformed command is answered with the protocol's error envelope, not `detail`
        other_responses={400: dict[str, Any]},
        access=on("threads", "create_run"),
    ),
    Endpoint(
        "POST",
        "/threads/{thread_id}/stream/events",
        thread_events,
        "Stream Thread Events",
        TAG,
        body=EventStreamRequest,
        streams=True,
        errors=(400,),
        access=on("threads", "read"),
    ),
]
