"""The composition root: the one module that knows both the runtime and the UI.

It turns the window's requests (open a project, connect to a URL) into a server to talk to:
the embedded runtime (the very code of `lg-studio serve`, in a background thread on a free
port) or a remote server, and attaches a session speaking HTTP to it. The UI itself never
touches the runtime.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import tempfile
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QSettings, QSize

from studio.client.api import StudioClient
from studio.runtime.config import ConfigError, ServerOptions, load_project
from studio.runtime.server import ServerThread
from studio.runtime_process import RuntimeProcess, environment_problems, project_interpreter
from studio.ui import resources
from studio.ui.main_window import MainWindow
from studio.ui.session import Session

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 120.0
SCREENSHOT_SIZE = QSize(1440, 900)
SCREENSHOT_TIMEOUT_SECONDS = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """What to open at start: a project folder, a server URL, or neither (the start page)."""

    project: Path | None = None
    url: str | None = None
    screenshot: Path | None = None
    python: Path | None = None


class StudioController(QObject):
    """Opens projects and connections for one window, and closes them cleanly."""

    def __init__(
        self, window: MainWindow, data_root: Path | None = None, python: Path | None = None
    ) -> None:
        """`data_root`: where to keep every project's data instead of `<project>/.lg-studio`
        (the bundled example always keeps its data there, never in the installation).
        `python`: the interpreter to run projects' runtimes with, instead of each project's
        own virtual environment (or, lacking one, the studio's process)."""
        super().__init__(window)
        self.window = window
        self.data_root = data_root
        self.python = python
        self.session: Session | None = None
        self.server: ServerThread | RuntimeProcess | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        window.project_requested.connect(lambda path: self._spawn(self.open_project(Path(path))))
        window.example_requested.connect(
            lambda: self._spawn(self.open_project(resources.example_project()))
        )
        window.url_requested.connect(lambda url: self._spawn(self.connect_url(url)))

    async def open_project(self, folder: Path) -> bool:
        """Start the project's runtime on `folder` and show it; False (and a message) if not.

        The runtime runs in the studio's process, unless the project has its own Python (a
        virtual environment in the folder, or the controller's `python`): then in a child
        process with that interpreter, so the graphs import the project's packages."""
        try:
            project = load_project(folder)
        except ConfigError as exc:
            self._fail("This folder is not a LangGraph project", str(exc))
            return False
        self.window.show_status(f"Starting the runtime for {project.root}…")
        await self.close()
        loop = asyncio.get_running_loop()
        name = project.root.name
        data_dir = self._data_dir(project.root)
        python = self.python or project_interpreter(project.root)
        server: ServerThread | RuntimeProcess
        if python is None:
            server = ServerThread(project, ServerOptions(port=0, data_dir=data_dir))
        else:
            problems = await loop.run_in_executor(None, environment_problems, python)
            if problems is not None:
                self._fail(f"The runtime cannot start in {name}'s environment", problems)
                return False
            server = RuntimeProcess(python, project.root, data_dir)
        await loop.run_in_executor(None, server.start)
        try:
            url = await loop.run_in_executor(None, server.wait_started, STARTUP_TIMEOUT_SECONDS)
        except RuntimeError as exc:
            await loop.run_in_executor(None, server.stop)
            self._fail(f"The runtime for {name} did not start", str(exc))
            return False
        self.server = server
        self.window.remember_project(str(project.root))
        self._attach(url, project.root.name, as_studio=True)
        return True

    async def connect_url(self, url: str) -> bool:
        """Show a server that is already running, ours or any LangGraph server."""
        await self.close()
        self.window.show_status(f"Connecting to {url}…")
        self._attach(url, url, as_studio=_on_this_machine(url))
        return True

    async def close(self) -> None:
        """Detach the current session and stop the embedded runtime, if any."""
        session, self.session = self.session, None
        if session is not None:
            self.window.detach()
            await session.close()
            session.deleteLater()
        server, self.server = self.server, None
        if server is not None:
            await asyncio.get_running_loop().run_in_executor(None, server.stop)

    async def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.close()

    def _data_dir(self, root: Path) -> Path | None:
        if self.data_root is not None:
            return self.data_root / root.name
        if root.is_relative_to(resources.root()):
            return resources.user_data_dir() / "examples" / root.name
        return None

    def _attach(self, url: str, title: str, *, as_studio: bool) -> None:
        self.session = Session(StudioClient(url, as_studio=as_studio))
        self.window.attach(self.session, title)
        self.session.start()

    def _fail(self, message: str, detail: str) -> None:
        """Tell the user, and the log (the only witness of a `--screenshot` run)."""
        logger.error("%s\n%s", message, detail)
        self.window.show_error(message, detail)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _on_this_machine(url: str) -> bool:
    """Whether `url` names a loopback server, which lets the studio in past custom auth."""
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def run_studio(target: Target) -> int:
    """Open the window on `target` and run until it closes (or the screenshot is saved)."""
    if target.screenshot is None:
        return await _run(target, MainWindow())
    # A screenshot is a one-off: it must neither use nor change the user's saved layout.
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "studio.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(SCREENSHOT_SIZE)
        return await _run(target, window)


async def _run(target: Target, window: MainWindow) -> int:
    controller = StudioController(window, python=target.python)
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    window.closed.connect(lambda: _resolve(closed, None))
    window.show()
    code = 0
    try:
        opened = True
        if target.project is not None:
            opened = await controller.open_project(target.project)
        elif target.url is not None:
            opened = await controller.connect_url(target.url)
        if target.screenshot is not None:
            code = await _screenshot(window, target.screenshot) if opened else 1
        else:
            await closed
    finally:
        await controller.shutdown()
        window.close()
    return code


async def _screenshot(window: MainWindow, path: Path) -> int:
    """Save the window as a PNG: once the first graph is drawn, or at once on the start page."""
    if window.session is not None:
        drawn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        window.graph_view.graph_drawn.connect(lambda: _resolve(drawn, True))
        # A project whose graphs all failed to load has nothing to draw: say why at once.
        window.session.assistants_changed.connect(
            lambda assistants: None if assistants else _resolve(drawn, False)
        )
        errors: list[str] = []
        window.session.error_occurred.connect(lambda message, _detail: errors.append(message))
        window.session.graph_problems_changed.connect(
            lambda problems: errors.extend(str(p.get("message", p)) for p in problems)
        )
        try:
            was_drawn = await asyncio.wait_for(drawn, SCREENSHOT_TIMEOUT_SECONDS)
        except TimeoutError:
            was_drawn = False
        if not was_drawn:
            logger.error("No graph was drawn: %s", "; ".join(errors) or "timed out")
            return 1
        window.graph_view.fit()
    window.repaint()
    path.parent.mkdir(parents=True, exist_ok=True)
    return 0 if window.grab().save(str(path), "PNG") else 1


def _resolve(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)
