"""The request body limit (`lg_studio.max_body_bytes`): a larger body is refused with 413.

A declared `Content-Length` over the limit is refused before any byte is read; a body sent
without one (chunked) is counted as it arrives and refused when it passes the limit, so no
request can make the server hold more than the limit in memory.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from studio.runtime.api.http import json_response
from studio.runtime.errors import ApiError


class BodyLimit:
    """ASGI middleware enforcing the body limit on HTTP requests."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> ApiError:
        return ApiError(
            413,
            f"Request body is larger than the server's limit of {self.max_bytes} bytes "
            "(lg_studio.max_body_bytes in langgraph.json)",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            error = self._too_large()
            await json_response({"detail": error.detail}, error.status_code)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counted, send)
