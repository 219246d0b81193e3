"""Start Qt with qasync as the asyncio loop, so coroutines and Qt events share one thread."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import qasync
from PySide6.QtWidgets import QApplication

from studio.ui import resources, theme
from studio.ui.collector import MainThreadCollector

APP_NAME = "lg-studio"
ORGANIZATION = "lg-studio"


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("LangGraph Studio (lg-studio)")
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName("io.github.lgstudio.LgStudio")
    app.setWindowIcon(resources.icon("app"))
    theme.apply(app, theme.system_theme())
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)
    return app


def run(main: Callable[[], Coroutine[Any, Any, int]], argv: list[str] | None = None) -> int:
    """Run `main()` on a qasync loop until it returns its exit code."""
    app = create_application(argv)
    loop = qasync.QEventLoop(app)
    # Blocking helpers (starting the embedded server, file dialogs' I/O) run on a small pool
    # instead of the loop's thread: the window keeps painting while they work.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=4, thread_name_prefix="studio-io"))
    asyncio.set_event_loop(loop)
    with loop:
        code: int = loop.run_until_complete(main())
    return code
