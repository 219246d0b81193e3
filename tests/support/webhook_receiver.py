"""A webhook receiver for tests: a tiny HTTP/1.1 server on 127.0.0.1, port chosen by the OS.

It records every request (headers and JSON body) and answers with the statuses it was given,
in order, then 200; so a test can make a first delivery fail and watch the retry arrive.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]
    body: Any
    answered: int


class WebhookReceiver:
    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self._statuses = list(statuses)
        self._deliveries: asyncio.Queue[Delivery] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self.url = ""

    async def __aenter__(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def next(self, within: float = 30.0) -> Delivery:
        """The next request received (waiting up to `within` s for it)."""
        return await asyncio.wait_for(self._deliveries.get(), within)

    def pending(self) -> int:
        """Requests received and not yet taken with `next`."""
        return self._deliveries.qsize()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        _, path, _ = head[0].split(" ", 2)
        headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in head[1:] if ":" in line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = self._statuses.pop(0) if self._statuses else 200
        self._deliveries.put_nowait(Delivery(path, headers, json.loads(body or b"null"), status))
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()
        await writer.wait_closed()
