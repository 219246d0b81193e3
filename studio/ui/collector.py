"""Run Python's cycle collector on the UI thread only.

The studio shares its process with the embedded runtime's thread. Python runs automatic
collections in whichever thread happens to allocate, so a Qt object that dies in a reference
cycle can be destroyed from the runtime's thread. Qt cannot stop that object's timers from a
foreign thread; they stay registered and later fire on freed memory (a segfault in
`QTimerInfoList::activateTimers`). qasync's per-loop timer object is one such object.

So the studio turns automatic collection off and collects from a timer on the UI thread,
generation by generation with the interpreter's own thresholds (the approach calibre uses
for the same problem). Python has no setting for "collect only on thread X", hence this
small class.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Signal

CHECK_INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Owns cycle collection from construction until `stop()`."""

    collected = Signal(int)
    """Emitted after each collection run with the oldest generation collected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if count <= threshold:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)
            self.collected.emit(generation)

    def stop(self) -> None:
        """Hand collection back to the interpreter (as it was before this collector)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
