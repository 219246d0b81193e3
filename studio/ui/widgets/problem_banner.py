"""A strip across the top of a view saying what failed to load, without stopping the user.

Graph code that no longer imports is the most common thing to happen while someone works: a
dialog for each save would be in the way, so the studio says it here (file and line first,
the traceback one click away) and keeps the last good graph drawn and runnable underneath.
The banner lies along its host's top edge (it follows the host's width) and says how much
room it takes (`space_changed`), so a view can move its viewport below it instead of hiding
what is drawn there (the graph's start node) under it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MARGIN = 8
DETAILS_HEIGHT = 220


def describe(problem: Mapping[str, Any]) -> str:
    """One line: which graph, what went wrong, and where (file name and line), unless the
    message says where already (a SyntaxError does)."""
    graph = problem.get("graph_id")
    what = str(problem.get("message") or "failed to load")
    where = ""
    if problem.get("file"):
        name = Path(str(problem["file"])).name
        where = f" — {name}" + (f", line {problem['line']}" if problem.get("line") else "")
        if where.removeprefix(" — ") in what:
            where = ""
    subject = f"Graph '{graph}'" if graph else "langgraph.json"
    return f"{subject}: {what}{where}"


class ProblemBanner(QFrame):
    """Load problems of the project's graphs, over the top edge of `host`."""

    logs_requested = Signal()
    """The user wants the log lines around the problem."""
    space_changed = Signal(int)
    """The height the banner takes at the top of its host, margins included (0: hidden)."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("problemBanner")
        self.setProperty("role", "banner")
        self.setAutoFillBackground(True)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._on_details)
        logs = QPushButton("Logs")
        logs.setToolTip("Show the server's log")
        logs.clicked.connect(self.logs_requested)
        close = QPushButton("✕")
        close.setToolTip("Hide until the next reload")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMaximumHeight(DETAILS_HEIGHT)
        self.details.hide()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.headline)
        text.addWidget(self.hint)
        row = QHBoxLayout()
        row.addLayout(text, 1)
        for button in (self.details_button, logs, close):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self._host = host
        host.installEventFilter(self)
        self.hide()

    def show_problems(self, problems: Sequence[Mapping[str, Any]]) -> None:
        """Say what failed to load; no problems hides the banner."""
        if not problems:
            self.hide()
            return
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self.headline.setText(describe(first) + more)
        self.headline.setToolTip(str(first.get("file") or ""))
        if any(p.get("stale") for p in problems) or not first.get("graph_id"):
            self.hint.setText(
                "The previous version keeps running until the code loads again; "
                "save a fix and the graph is redrawn."
            )
        else:
            self.hint.setText("Fix the code and save: the graph loads and is drawn.")
        self.details.setPlainText(
            "\n\n".join(
                describe(p) + "\n" + str(p.get("traceback") or "").rstrip() for p in problems
            )
        )
        self.show()
        self._place()
        self.raise_()

    @property
    def text(self) -> str:
        return self.headline.text()

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible:
            self._place()
        else:
            self.space_changed.emit(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _on_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._place()

    def _place(self) -> None:
        width = max(0, self._host.width() - 2 * MARGIN)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(MARGIN, MARGIN)
        if not self.isHidden():
            self.space_changed.emit(self.height() + 2 * MARGIN)
