"""Serving the app with uvicorn: headless in the foreground, or in a background thread.

The thread form follows encode/uvicorn#742: a `uvicorn.Server` without signal handlers, run on
its own event loop, started when `started` is set, stopped with `should_exit` and `join`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from studio.runtime.app import create_app
from studio.runtime.config import Project, ServerOptions

logger = logging.getLogger(__name__)


class PortInUse(OSError):
    """The requested port is taken; the message says how to choose another."""


def _check_port(host: str, port: int) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(
                f"Cannot listen on {host}:{port} ({exc.strerror}); another server may be "
                "running there. Choose another port with --port."
            ) from None


class _Server(uvicorn.Server):
    def __init__(
        self, app: Starlette, config: uvicorn.Config, on_started: Callable[[str], None]
    ) -> None:
        super().__init__(config)
        self._app = app
        self._on_started = on_started

    def url(self) -> str:
        sockets = [s for server in self.servers for s in server.sockets]
        host, port = sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            url = self.url()
            self._app.state.runtime.serving_at(url)
            self._on_started(url)


def _uvicorn_config(app: Starlette, options: ServerOptions, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=10,
        # The API has no WebSocket route; not loading a WebSocket protocol saves ~20 ms of
        # every start (uvicorn imports the `websockets` package for "auto").
        ws="none",
        # Long runs stream for hours: never let a keep-alive or stream timeout end them.
        timeout_keep_alive=30,
    )


def serve(
    project: Project,
    options: ServerOptions,
    log_level: str = "info",
    *,
    on_started: Callable[[], None] | None = None,
) -> int:
    """Run the server in the foreground until interrupted; returns a process exit code.

    `on_started` is called once the server answers (the runtime has started).
    """
    _check_port(options.host, options.port)
    if not options.loopback and (project.file.auth is None or project.file.auth.path is None):
        logger.warning(
            "Listening on %s WITHOUT AUTHENTICATION: anyone who can reach this machine can "
            "read every thread and run your graphs. Set `auth.path` in %s to a "
            "langgraph_sdk.Auth object, or bind 127.0.0.1.",
            options.host,
            project.config_path.name,
        )

    def announce(url: str) -> None:
        if on_started is not None:
            on_started()
        print(f"lg-studio serving {project.config_path} at {url}", flush=True)  # noqa: T201
        print(f"API docs: {url}/docs", flush=True)  # noqa: T201

    app = create_app(project, options)
    server = _Server(app, _uvicorn_config(app, options, log_level), announce)
    server.run()
    return 0 if server.started else 1


class ServerThread(threading.Thread):
    """The embedded server of the studio: its own thread, its own loop, port 0 by default."""

    def __init__(self, project: Project, options: ServerOptions) -> None:
        super().__init__(name="lg-studio-runtime", daemon=True)
        self.url: str | None = None
        self.error: BaseException | None = None
        self._ready = threading.Event()
        app = create_app(project, options)
        self._server = _Server(app, _uvicorn_config(app, options, "warning"), self._serving)

    def _serving(self, url: str) -> None:
        self.url = url
        self._ready.set()

    def run(self) -> None:
        try:
            asyncio.run(self._server.serve())
        except BaseException as exc:  # reported to the UI thread, never lost
            self.error = exc
        finally:
            self._ready.set()

    def wait_started(self, timeout: float | None = None) -> str:
        self._ready.wait(timeout)
        if self.url is None:
            raise RuntimeError(f"the embedded server did not start: {self.error!r}")
        return self.url

    def stop(self, timeout: float = 15.0) -> None:
        self._server.should_exit = True
        with contextlib.suppress(RuntimeError):
            self.join(timeout)
