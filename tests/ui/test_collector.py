"""Cycle collection happens on the UI thread, never in the embedded runtime's thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication

from studio.ui.app import create_application
from studio.ui.collector import MainThreadCollector
from tests.support.qt import wait_for


class _Cyclic:
    """Garbage only the cycle collector can free; records the thread that freed it."""

    freed_on: list[int] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def _make_garbage_and_allocate(kept: list[object]) -> None:
    """Leave one cycle behind, then allocate well past the collection threshold.

    The allocations are kept alive: freeing them would lower the count again."""
    _Cyclic()
    kept.extend([] for _ in range(20 * gc.get_threshold()[0]))


async def test_garbage_made_in_another_thread_is_collected_on_the_ui_thread() -> None:
    app = create_application([])
    assert isinstance(app, QApplication)
    collector = app.findChild(MainThreadCollector)
    assert collector is not None
    assert not gc.isenabled()
    _Cyclic.freed_on.clear()
    kept: list[object] = []
    worker = threading.Thread(target=_make_garbage_and_allocate, args=(kept,))
    worker.start()
    worker.join()
    assert _Cyclic.freed_on == [], "allocating in the worker did not trigger a collection there"
    await wait_for(lambda: bool(_Cyclic.freed_on), collector.collected)
    assert _Cyclic.freed_on == [threading.get_ident()]
