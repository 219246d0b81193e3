"""SQL text shared by the SQLite and Postgres storage: one builder, two dialects.

The statements of both backends are built here (inserts, updates, searches with their
filters, sort orders, pages and counts), so a search means the same thing on either
database; a `Dialect` spells the few things the two write differently (placeholders, JSON
parameters and containment, case folding, lists of values). Only the transactions that run
the statements are written per backend: SQLite's are synchronous functions on its database
thread, Postgres's are coroutines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from studio.runtime.storage.base import AssistantQuery, CronQuery, ThreadQuery


class Dialect(Protocol):
    mark: str
    """The positional placeholder: `?` or `%s`."""

    def named(self, column: str) -> str:
        """The placeholder of a named parameter."""
        ...

    def json(self, value: Any) -> Any:
        """`value` as a parameter bound to a JSON column."""
        ...

    def flag(self, value: bool) -> Any:
        """`value` as a parameter bound to a boolean column."""
        ...

    def contains(self, column: str) -> str:
        """A condition with one placeholder: the column's JSON contains the parameter, as
        Postgres `jsonb @>` decides it (see storage/jsonmatch.py)."""
        ...

    def auth(self, column: str, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """A condition: the column's JSON passes a custom-auth filter (auth/filters.py)."""
        ...

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A condition: the column equals one of `values`."""
        ...

    def substring(self, column: str) -> str:
        """A condition with one placeholder: the parameter occurs in the column, any case."""
        ...

    def nocase(self, column: str) -> str:
        """The column as a sort key that ignores case."""
        ...


class Where:
    """An AND of SQL conditions with their parameters, built up clause by clause."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def equals(self, column: str, value: Any) -> None:
        self.add(f'"{column}" = {self.dialect.mark}', value)

    def contains(self, column: str, pattern: dict[str, Any] | None) -> None:
        if pattern:
            self.add(self.dialect.contains(column), self.dialect.json(pattern))

    def auth(self, column: str, filters: Mapping[str, Any] | None) -> None:
        if filters:
            clause, params = self.dialect.auth(column, filters)
            self.add(clause, *params)

    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


class Sql:
    """The statements of one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def where(self) -> Where:
        return Where(self.dialect)

    def insert(self, table: str, columns: Sequence[str]) -> str:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(self.dialect.named(c) for c in columns)
        return f"INSERT INTO {table} ({names}) VALUES ({marks})"

    def update(self, table: str, columns: Sequence[str], key: str) -> str:
        sets = ", ".join(f'"{c}" = {self.dialect.named(c)}' for c in columns if c != key)
        return f'UPDATE {table} SET {sets} WHERE "{key}" = {self.dialect.named(key)}'

    def encode(self, record: Mapping[str, Any], json_columns: Sequence[str]) -> dict[str, Any]:
        """A record's values as the parameters of `insert`/`update`."""
        return {k: self.dialect.json(v) if k in json_columns else v for k, v in record.items()}

    def order_by(self, column: str, order: str, tiebreak: str, *, nocase: bool = False) -> str:
        direction = "ASC" if order == "asc" else "DESC"
        key = self.dialect.nocase(column) if nocase else f'"{column}"'
        return f'ORDER BY {key} {direction}, "{tiebreak}" {direction}'

    def page(
        self, table: str, where: Where, order: str, limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        """One page of a search (count the total with `count`, for X-Pagination-Total)."""
        mark = self.dialect.mark
        return (
            f"SELECT * FROM {table} {where.sql()} {order} LIMIT {mark} OFFSET {mark}",
            [*where.params, limit, offset],
        )

    def count(self, table: str, where: Where) -> tuple[str, list[Any]]:
        return f"SELECT COUNT(*) AS total FROM {table} {where.sql()}", where.params

    # -- the searches of the API -----------------------------------------------------------

    def assistant_where(self, query: AssistantQuery) -> Where:
        where = self.where()
        if query.graph_id is not None:
            where.equals("graph_id", query.graph_id)
        if query.name:
            where.add(self.dialect.substring("name"), query.name)
        where.contains("metadata", query.metadata)
        where.auth("metadata", query.auth)
        return where

    def assistant_order(self, query: AssistantQuery) -> str:
        nocase = query.sort_by in ("name", "graph_id")
        return self.order_by(query.sort_by, query.sort_order, "assistant_id", nocase=nocase)

    def thread_where(self, query: ThreadQuery) -> Where:
        where = self.where()
        if query.ids is not None:
            clause, params = self.dialect.any_of("thread_id", query.ids)
            where.add(clause, *params)
        if query.status is not None:
            where.equals("status", query.status)
        where.contains("metadata", query.metadata)
        where.contains("values", query.values)
        where.auth("metadata", query.auth)
        return where

    def thread_order(self, query: ThreadQuery) -> str:
        return self.order_by(query.sort_by, query.sort_order, "thread_id")

    def cron_where(self, query: CronQuery) -> Where:
        where = self.where()
        if query.assistant_id is not None:
            where.equals("assistant_id", query.assistant_id)
        if query.thread_id is not None:
            where.equals("thread_id", query.thread_id)
        if query.enabled is not None:
            where.equals("enabled", self.dialect.flag(query.enabled))
        where.contains("metadata", query.metadata)
        where.auth("metadata", query.auth)
        if query.thread_auth:
            # Unqualified, "metadata" is the thread's: the subquery's table is the nearest.
            clause, params = self.dialect.auth("metadata", query.thread_auth)
            where.add(
                '("thread_id" IS NULL OR EXISTS (SELECT 1 FROM threads '
                f"WHERE threads.thread_id = crons.thread_id AND {clause}))",
                *params,
            )
        return where

    def cron_order(self, query: CronQuery) -> str:
        return self.order_by(query.sort_by, query.sort_order, "cron_id")
