"""UI tests run on a real QApplication (offscreen) with qasync as the asyncio loop.

pytest-asyncio asks this hook for the loop of every async test under tests/ui, so coroutines
and Qt events share one loop, as they do in the app. Never use a nested event loop
(`qtbot.wait*`, `QDialog.exec()`) inside a coroutine: with qasync it can wedge the loop
(qasync#59); await signals with `tests.support.qt.wait_signal` instead.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from studio.launcher import StudioController
from studio.ui.app import create_application
from studio.ui.main_window import MainWindow


def _qt_loop() -> asyncio.AbstractEventLoop:
    app = create_application([])
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    return loop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"qt": _qt_loop}


@pytest.fixture
async def controller(qtbot: QtBot, tmp_path: Path) -> AsyncIterator[StudioController]:
    """A main window (with its own settings file) and its controller, closed in order."""
    settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.show()
    ctl = StudioController(window, data_root=tmp_path / "data")
    yield ctl
    await ctl.shutdown()
    window.close()
    window.deleteLater()
