"""Checkpointer databases the user opened (SQLite files, Postgres DSNs): a browser window
each, and copies into the project.

A copy is a new thread of the graph in view, created over the HTTP API with the checkpoint's
values as its first superstep (written as the chosen node), so it works the same on the
embedded runtime and on a remote server; the new thread is then selected, ready to run on,
edit and fork with the debugger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QWidget

from studio.client.api import ClientError
from studio.client.checkpoint_file import CheckpointFile
from studio.client.checkpoint_reader import CheckpointReader, copyable
from studio.protocol.schema import Thread
from studio.ui.checkpoint_browser import CheckpointBrowser
from studio.ui.session import Session

FILE_FILTER = "SQLite checkpoint files (*.sqlite *.sqlite3 *.db);;All files (*)"
DSN_EXAMPLE = "postgresql://user@host:5432/dbname"
INSTALL = "pip install 'lg-studio[postgres]'"
"""What gives the studio langgraph's Postgres checkpointer (and psycopg): the `postgres` extra."""


class CheckpointFiles(QObject):
    """Opens checkpointer databases in browser windows and copies their threads into the
    project."""

    copied = Signal(object)
    """A checkpoint's state became a new thread of the project (its Thread)."""
    error_occurred = Signal(str, str)

    def __init__(self, window: QWidget, project_nodes: Callable[[], list[str]]) -> None:
        """`project_nodes` tells the nodes of the graph in view (what a copy can be written
        as)."""
        super().__init__(window)
        self.window = window
        self.session: Session | None = None
        self.browsers: list[CheckpointBrowser] = []
        self._project_nodes = project_nodes

    def choose(self) -> None:
        """Ask for a file, then open it (a window-modal dialog, never a nested loop)."""
        dialog = QFileDialog(self.window, "Open a langgraph checkpoint database (read-only)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(FILE_FILTER)
        dialog.fileSelected.connect(lambda path: self.open(Path(path)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def choose_database(self) -> None:
        """Ask for a Postgres DSN, then open it (window-modal, never a nested loop)."""
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Open a langgraph Postgres checkpointer (read-only)")
        dialog.setLabelText(f"Connection string (DSN), e.g. {DSN_EXAMPLE}")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(lambda dsn: dsn.strip() and self.open_database(dsn))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open(self, path: Path) -> CheckpointBrowser:
        """Browse a SQLite file written by langgraph's `SqliteSaver`."""
        return self._browse(CheckpointFile(path))

    def open_database(self, dsn: str) -> CheckpointBrowser | None:
        """Browse a Postgres database written by langgraph's `PostgresSaver`; None (and an
        error) when the DSN is not one or langgraph's Postgres checkpointer is missing."""
        try:
            # The `postgres` extra is optional: import it only when a database is opened.
            from studio.client.checkpoint_postgres import CheckpointDatabase
        except ImportError as exc:
            self.error_occurred.emit(
                "Opening a Postgres checkpointer needs langgraph-checkpoint-postgres",
                f"Install it into the studio's environment: {INSTALL}\n\n{exc}",
            )
            return None
        try:
            reader = CheckpointDatabase(dsn)
        except ClientError as exc:
            self.error_occurred.emit(exc.message, exc.detail)
            return None
        return self._browse(reader)

    def _browse(self, reader: CheckpointReader) -> CheckpointBrowser:
        browser = CheckpointBrowser(reader, self.window)
        browser.set_project_nodes(self._project_nodes())
        browser.error_occurred.connect(self.error_occurred)
        browser.copy_requested.connect(
            lambda values, as_node, metadata: self._copy(browser, values, as_node, metadata)
        )
        browser.destroyed.connect(lambda: self.browsers.remove(browser))
        self.browsers.append(browser)
        browser.show()
        browser.load()
        return browser

    def set_session(self, session: Session | None) -> None:
        """The project copies go to (None: no project is open)."""
        self.session = session

    def set_project_nodes(self, nodes: list[str]) -> None:
        for browser in self.browsers:
            browser.set_project_nodes(nodes)

    def _copy(
        self,
        browser: CheckpointBrowser,
        values: dict[str, Any],
        as_node: str | None,
        metadata: dict[str, Any],
    ) -> None:
        session = self.session
        if session is None or session.assistant is None:
            self.error_occurred.emit(
                "Open a project to copy this thread into",
                "The copy becomes a thread of the graph in view.",
            )
            return
        session.spawn(
            self._copy_into(session, browser, values, as_node, metadata),
            "copy the checkpoint into the project",
        )

    async def _copy_into(
        self,
        session: Session,
        browser: CheckpointBrowser,
        values: dict[str, Any],
        as_node: str | None,
        metadata: dict[str, Any],
    ) -> None:
        assert session.assistant is not None
        thread: Thread = await session.client.copy_state(
            session.assistant["graph_id"], copyable(values), as_node=as_node, metadata=metadata
        )
        if browser in self.browsers:
            browser.show_copied(thread)
        session.select_thread(thread["thread_id"])
        session.refresh_threads()
        self.copied.emit(thread)
