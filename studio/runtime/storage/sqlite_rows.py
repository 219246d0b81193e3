"""Row <-> dict conversion and query building shared by the SQLite storage modules."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import orjson

from studio.protocol.schema import Assistant, AssistantVersion, Cron, Run, Thread
from studio.runtime.storage.base import Page

T = TypeVar("T")


def dump(value: Any) -> str:
    return orjson.dumps(value).decode()


def load(text: str | bytes | None) -> Any:
    return None if text is None else orjson.loads(text)


ASSISTANT_JSON = ("config", "context", "metadata")
THREAD_JSON = ("metadata", "config", "values", "interrupts", "error")
RUN_JSON = ("metadata", "kwargs")
CRON_JSON = ("payload", "metadata")


def _decode(row: sqlite3.Row, json_columns: Iterable[str]) -> dict[str, Any]:
    data = dict(row)
    for column in json_columns:
        if column in data:
            data[column] = load(data[column])
    return data


def assistant(row: sqlite3.Row) -> Assistant:
    return cast(Assistant, _decode(row, ASSISTANT_JSON))


def assistant_version(row: sqlite3.Row) -> AssistantVersion:
    return cast(AssistantVersion, _decode(row, ASSISTANT_JSON))


def thread(row: sqlite3.Row) -> Thread:
    return cast(Thread, _decode(row, THREAD_JSON))


def run(row: sqlite3.Row) -> Run:
    data = _decode(row, RUN_JSON)
    data.pop("attempt", None)
    data.pop("temporary", None)
    data.pop("traceback", None)
    data["langsmith_session_name"] = None
    return cast(Run, data)


def cron(row: sqlite3.Row) -> Cron:
    data = _decode(row, CRON_JSON)
    data["enabled"] = bool(data["enabled"])
    return cast(Cron, data)


def encode(record: dict[str, Any], json_columns: Iterable[str]) -> dict[str, Any]:
    columns = set(json_columns)
    return {k: dump(v) if k in columns else v for k, v in record.items()}


def insert_sql(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(f":{c}" for c in columns)
    return f"{verb} INTO {table} ({names}) VALUES ({marks})"


def update_sql(table: str, columns: Sequence[str], key: str) -> str:
    sets = ", ".join(f'"{c}" = :{c}' for c in columns if c != key)
    return f'UPDATE {table} SET {sets} WHERE "{key}" = :{key}'


class Where:
    """An AND of SQL conditions with their parameters, built up clause by clause."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def contains(self, column: str, pattern: dict[str, Any] | None) -> None:
        if pattern:
            self.add(f'json_contains("{column}", ?)', dump(pattern))

    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


def count(conn: sqlite3.Connection, table: str, where: Where) -> int:
    (total,) = conn.execute(f"SELECT COUNT(*) FROM {table} {where.sql()}", where.params).fetchone()
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
    found = conn.execute(
        f"SELECT * FROM {table} {where.sql()} {order} LIMIT ? OFFSET ?",
        [*where.params, limit, offset],
    ).fetchall()
    return Page([convert(r) for r in found], count(conn, table, where))


def order_by(column: str, order: str, tiebreak: str, *, nocase: bool = False) -> str:
    direction = "ASC" if order == "asc" else "DESC"
    collate = " COLLATE NOCASE" if nocase else ""
    return f'ORDER BY "{column}"{collate} {direction}, "{tiebreak}" {direction}'
