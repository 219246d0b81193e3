"""A user's own langgraph SQLite checkpoint file (`SqliteSaver`, `AsyncSqliteSaver`),
read-only: opened with `mode=ro`, so nothing can write to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from langgraph.checkpoint.sqlite import SqliteSaver

from studio.client.checkpoint_reader import CheckpointReader


class CheckpointFile(CheckpointReader):
    """A SQLite file written by langgraph's `SqliteSaver` (or `AsyncSqliteSaver`), read-only."""

    errors: ClassVar[tuple[type[Exception], ...]] = (sqlite3.Error,)

    def __init__(self, path: Path) -> None:
        super().__init__(path.name, str(path))
        self.path = path
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> SqliteSaver:
        if not self.path.is_file():
            raise sqlite3.OperationalError(f"no such file: {self.path}")
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not {"checkpoints", "writes"} <= tables:
            connection.close()
            raise sqlite3.DatabaseError("it has no langgraph checkpoints and writes tables")
        # The saver's lazy setup only creates what is missing; both tables are there, so it
        # never writes (and mode=ro would refuse if it tried).
        self._connection = connection
        return SqliteSaver(connection)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        assert self._connection is not None
        return self._connection.execute(sql).fetchall()

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
