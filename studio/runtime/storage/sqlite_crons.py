"""Crons in the embedded SQLite database: rows, searches, and the atomic claim of a tick.

A tick is claimed by moving `next_run_date` from the tick to the next one with a
compare-and-set UPDATE; the run of the tick is inserted in the same transaction, so a
tick makes exactly one run even when several processes share the file (BEGIN IMMEDIATE
serializes them) and even if the process dies right after (the claim and the run commit
together or not at all).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from studio.protocol.schema import Cron
from studio.runtime.records import RunRequest
from studio.runtime.storage import sqlite_rows as rows
from studio.runtime.storage import tables
from studio.runtime.storage.base import CronQuery, Page, RunInsert

InsertRun = Callable[[sqlite3.Connection, RunRequest, bool], RunInsert]


def _record(cron: Cron) -> dict[str, object]:
    return rows.SQL.encode({**cron, "enabled": int(cron["enabled"])}, tables.CRON_JSON)


def create(conn: sqlite3.Connection, cron: Cron) -> Cron:
    conn.execute(rows.SQL.insert("crons", tables.CRON_COLUMNS), _record(cron))
    return cron


def get(conn: sqlite3.Connection, cron_id: str) -> Cron | None:
    found = conn.execute("SELECT * FROM crons WHERE cron_id = ?", (cron_id,)).fetchone()
    return rows.cron(found) if found else None


def update(conn: sqlite3.Connection, cron_id: str, change: Callable[[Cron], Cron]) -> Cron | None:
    current = get(conn, cron_id)
    if current is None:
        return None
    updated = change(current)
    conn.execute(rows.SQL.update("crons", tables.CRON_COLUMNS, "cron_id"), _record(updated))
    return updated


def search(conn: sqlite3.Connection, query: CronQuery) -> Page[Cron]:
    where, order = rows.SQL.cron_where(query), rows.SQL.cron_order(query)
    return rows.page(conn, "crons", where, order, query.limit, query.offset, rows.cron)


def due(conn: sqlite3.Connection, now: str, limit: int) -> list[Cron]:
    found = conn.execute(
        "SELECT * FROM crons WHERE enabled = 1 AND next_run_date <= ? "
        "AND (end_time IS NULL OR end_time > ?) ORDER BY next_run_date LIMIT ?",
        (now, now, limit),
    ).fetchall()
    return [rows.cron(r) for r in found]


def next_due(conn: sqlite3.Connection, now: str) -> str | None:
    (earliest,) = conn.execute(
        "SELECT MIN(next_run_date) FROM crons WHERE enabled = 1 "
        "AND (end_time IS NULL OR end_time > ?)",
        (now,),
    ).fetchone()
    return None if earliest is None else str(earliest)


def claim(conn: sqlite3.Connection, cron_id: str, tick: str, next_tick: str) -> bool:
    claimed = conn.execute(
        "UPDATE crons SET next_run_date = ? WHERE cron_id = ? AND next_run_date = ?",
        (next_tick, cron_id, tick),
    )
    return claimed.rowcount > 0


def fire(
    conn: sqlite3.Connection,
    cron_id: str,
    tick: str,
    next_tick: str,
    request: RunRequest,
    reject_if_busy: bool,
    insert_run: InsertRun,
) -> RunInsert | None:
    if not claim(conn, cron_id, tick, next_tick):
        return None
    return insert_run(conn, request, reject_if_busy)
