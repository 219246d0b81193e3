"""Postgres's spelling of the shared SQL (storage/sql.py): `jsonb` parameters, `@>`, `ANY`.

Custom-auth filters (auth/filters.py) become `jsonb` conditions here, where SQLite calls the
Python matcher: `{key: value}` and `$eq` compare `metadata -> key` with the value, `$contains`
asks for an array holding every wanted item, `$or` / `$and` nest. JSON parameters are written
by `serde.dumps`, which turns NUL characters (which `jsonb` refuses) into U+FFFD.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg.types.json import Jsonb

from studio.runtime import serde
from studio.runtime.storage.sql import Sql


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=serde.dumps)


class PostgresDialect:
    mark = "%s"

    def named(self, column: str) -> str:
        return f"%({column})s"

    def json(self, value: Any) -> Any:
        return jsonb(value)

    def flag(self, value: bool) -> Any:
        return value

    def contains(self, column: str) -> str:
        return f'"{column}" @> %s'

    def auth(self, column: str, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for key, value in filters.items():
            if key in ("$or", "$and"):
                parts = [self.auth(column, group) for group in value]
                joiner = " OR " if key == "$or" else " AND "
                clauses.append("(" + joiner.join(clause for clause, _ in parts) + ")")
                params.extend(param for _, group_params in parts for param in group_params)
                continue
            if isinstance(value, Mapping):
                ((operator, wanted),) = value.items()
                if operator == "$contains":
                    needed = wanted if isinstance(wanted, list) else [wanted]
                    clauses.append(
                        f'(jsonb_typeof("{column}" -> %s) = \'array\' AND "{column}" -> %s @> %s)'
                    )
                    params.extend([key, key, jsonb(needed)])
                    continue
                value = wanted  # $eq
            clauses.append(f'"{column}" -> %s = %s')
            params.extend([key, jsonb(value)])
        return "(" + (" AND ".join(clauses) or "TRUE") + ")", params

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f'"{column}" = ANY(%s)', [list(values)]

    def substring(self, column: str) -> str:
        return f'strpos(lower("{column}"), lower(%s)) > 0'

    def nocase(self, column: str) -> str:
        return f'lower("{column}") COLLATE "C"'


SQL = Sql(PostgresDialect())
