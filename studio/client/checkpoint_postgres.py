"""A user's own langgraph Postgres checkpointer (`PostgresSaver`), by DSN, read-only.

The connection sets `default_transaction_read_only=on`, so Postgres itself refuses any write,
whatever the saver tries. psycopg and langgraph-checkpoint-postgres come with the optional
`postgres` extra: import this module only when a database is opened (an `ImportError` then
means the extra is missing).
"""

from __future__ import annotations

from typing import Any, ClassVar

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row, tuple_row

from studio.client.api import ClientError
from studio.client.checkpoint_reader import CheckpointReader

READ_ONLY = "-c default_transaction_read_only=on"
TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
TABLES_SQL = "SELECT count(*) AS n FROM unnest(%s::text[]) AS t WHERE to_regclass(t) IS NOT NULL"


def connect_read_only(dsn: str) -> psycopg.Connection[dict[str, Any]]:
    """A connection to `dsn` on which every transaction is read-only, with the rows
    `PostgresSaver` expects (autocommit, dict rows, no prepared statements for poolers)."""
    return psycopg.connect(
        dsn, autocommit=True, prepare_threshold=0, row_factory=dict_row, options=READ_ONLY
    )


def redacted(dsn: str) -> str:
    """`dsn` without its password: what may be shown, logged or kept as a copy's origin."""
    params = conninfo_to_dict(dsn)
    params.pop("password", None)
    return make_conninfo("", **{key: value for key, value in params.items() if value is not None})


class CheckpointDatabase(CheckpointReader):
    """A Postgres database written by langgraph's `PostgresSaver`, read-only."""

    errors: ClassVar[tuple[type[Exception], ...]] = (psycopg.Error,)

    def __init__(self, dsn: str) -> None:
        """Raises `ClientError` when `dsn` is not a connection string."""
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.ProgrammingError as exc:
            raise ClientError("That is not a Postgres connection string", str(exc)) from exc
        super().__init__(str(params.get("dbname") or "the Postgres database"), redacted(dsn))
        self._dsn = dsn
        self._connection: psycopg.Connection[dict[str, Any]] | None = None

    def _connect(self) -> PostgresSaver:
        connection = connect_read_only(self._dsn)
        found = connection.execute(TABLES_SQL, (list(TABLES),)).fetchone()
        if found is None or found["n"] != len(TABLES):
            connection.close()
            raise psycopg.DataError(f"it has no langgraph tables ({', '.join(TABLES)})")
        # Never `setup()`: it migrates (writes); the connection would refuse anyway.
        self._connection = connection
        return PostgresSaver(connection)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        assert self._connection is not None
        with self._connection.cursor(row_factory=tuple_row) as cursor:
            return cursor.execute(sql).fetchall()

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
