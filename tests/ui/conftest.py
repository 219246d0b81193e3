"""UI tests run on a real QApplication (offscreen) with qasync as the asyncio loop.

pytest-asyncio asks this hook for the loop of every async test under tests/ui, so coroutines
and Qt events share one loop, as they do in the app. Never use a nested event loop
(`qtbot.wait*`, `QDialog.exec()`) inside a coroutine: with qasync it can wedge the loop
(qasync#59); await signals with `tests.support.qt.wait_signal` instead.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync

from studio.ui.app import create_application


def _qt_loop() -> asyncio.AbstractEventLoop:
    app = create_application([])
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    return loop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"qt": _qt_loop}
