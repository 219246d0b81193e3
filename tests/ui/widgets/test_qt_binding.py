"""A known defect of the Qt binding that the widgets are exposed to, kept visible.

PySide6 6.12.0 drops one reference to `None` on every call of a C++ method that returns void
(`setFormat`, `setText`, ...). From Python 3.12 `None` is immortal and nothing happens; on
3.11 its reference count (about 5,000 in a bare interpreter, ~130,000 once LangGraph is
imported) falls with every such call, and when it reaches zero the process aborts with
"Fatal Python error: none_dealloc". The JSON highlighter alone makes one `setFormat` call per
token. PySide6 6.11.3 does not leak, and pyproject.toml pins below 6.12; this test fails if
a leaking binding ever comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_their_reference_to_none() -> None:
    target = QObject()
    before = sys.getrefcount(None)

    for _ in range(1000):
        target.setObjectName("probe")

    assert sys.getrefcount(None) - before > -10
