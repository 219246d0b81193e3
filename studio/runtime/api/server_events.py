"""`GET /lg-studio/events`: the server's own events (graph reloads, logs, graph output) as SSE.

An lg-studio extension, under its own prefix so it can never collide with a LangGraph Server
route. Without `Last-Event-ID` a client gets every event still kept, then the new ones.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from studio.runtime.api.access import STUDIO_ONLY
from studio.runtime.api.http import Endpoint, heartbeat, runtime
from studio.runtime.api.streaming import event_stream
from studio.runtime.streams import parse_event_id

TAG = "lg-studio"


async def server_events(request: Request) -> Response:
    after = parse_event_id(request.headers.get("last-event-id")) or 0
    return event_stream(runtime(request).events, after=after, heartbeat=heartbeat(request))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/lg-studio/events",
        server_events,
        "Follow the server's events: `graphs` after a reload, `log` records, `output` of runs",
        TAG,
        streams=True,
        access=STUDIO_ONLY,
    ),
]
