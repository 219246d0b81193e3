"""SQLite's spelling of the shared SQL (storage/sql.py), and its rows turned into records.

JSON lives in TEXT columns here; containment and custom-auth filters are Python functions
the connection registers (`json_contains`, `auth_filter_matches`: see storage/sqlite.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import orjson

from studio.protocol.schema import Assistant, AssistantVersion, Cron, Run, Thread
from studio.runtime.storage import tables
from studio.runtime.storage.base import Page
from studio.runtime.storage.sql import Sql, Where

T = TypeVar("T")


def dump(value: Any) -> str:
    return orjson.dumps(value).decode()


def load(text: str | bytes | None) -> Any:
    return None if text is None else orjson.loads(text)


class SqliteDialect:
    mark = "?"

    def named(self, column: str) -> str:
        return f":{column}"

    def json(self, value: Any) -> Any:
        return dump(value)

    def flag(self, value: bool) -> Any:
        return int(value)

    def contains(self, column: str) -> str:
        return f'json_contains("{column}", ?)'

    def auth(self, column: str, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        return f'auth_filter_matches("{column}", ?)', [dump(filters)]

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in values)
        return f'"{column}" IN ({marks})', list(values)

    def substring(self, column: str) -> str:
        return f'instr(lower("{column}"), lower(?)) > 0'

    def nocase(self, column: str) -> str:
        return f'"{column}" COLLATE NOCASE'


SQL = Sql(SqliteDialect())


def _decode(row: sqlite3.Row, json_columns: Iterable[str]) -> dict[str, Any]:
    data = dict(row)
    for column in json_columns:
        if column in data:
            data[column] = load(data[column])
    return data


def assistant(row: sqlite3.Row) -> Assistant:
    return tables.assistant(_decode(row, tables.ASSISTANT_JSON))


def assistant_version(row: sqlite3.Row) -> AssistantVersion:
    return tables.assistant_version(_decode(row, tables.ASSISTANT_JSON))


def thread(row: sqlite3.Row) -> Thread:
    return tables.thread(_decode(row, tables.THREAD_JSON))


def run(row: sqlite3.Row) -> Run:
    return tables.run(_decode(row, tables.RUN_JSON))


def cron(row: sqlite3.Row) -> Cron:
    return tables.cron(_decode(row, tables.CRON_JSON))


def count(conn: sqlite3.Connection, table: str, where: Where) -> int:
    (total,) = conn.execute(*SQL.count(table, where)).fetchone()
    return int(total)


def page(
    conn: sqlite3.Connection,
    table: str,
    where: Where,
    order: str,
    limit: int,
    offset: int,
    convert: Callable[[sqlite3.Row], T],
) -> Page[T]:
    """One page of a search, with the total of matching rows (for X-Pagination-Total)."""
    found = conn.execute(*SQL.page(table, where, order, limit, offset)).fetchall()
    return Page([convert(r) for r in found], count(conn, table, where))
