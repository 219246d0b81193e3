"""`get_history` as JSON: LangGraph's own `aget_state_history`, rendered once per checkpoint.

Why not call `aget_state_history` every time: it rebuilds a `StateSnapshot` per checkpoint
(about 80 µs each), which was most of a 300-checkpoint history (tests/benchmarks/PROFILE.md §2).
Each entry of the answer is the JSON of one checkpoint's `ThreadState`, and that only
changes when a write reaches the checkpoint or its ancestors (`studio/runtime/history_cache.py`
says why), so entries are kept and the answer is assembled from them:

1. LangGraph plans the listing: `aget_state_history` runs on a copy of the graph whose
   checkpointer only records the `alist(config, filter, before, limit)` call it receives.
   Namespace routing to a subgraph, `checkpointer=True` namespaces and the graph's own config
   stay LangGraph's decisions instead of being re-derived here.
2. One query lists the ids that `alist` call would return (the WHERE clause of langgraph's
   `SqliteSaver.list`, `search_where`, without reading or deserializing any checkpoint).
3. Kept entries are used as they are. Missing ones are rendered by `aget_state_history` itself
   (same config and filter, `before`/`limit` narrowed to each run of missing ids), then kept.
   If the thread changed meanwhile (a window does not come back as listed, or the cache
   refuses the new entries), or there are too many windows, the whole answer is rendered the
   plain way, as before.

The answer is byte for byte what `serde.dumps([thread_state(s) async for s in
graph.aget_state_history(...)])` gives: orjson writes a list as its items' JSON joined by
commas, and `serde.dumps`'s fix-ups (lone surrogates, NUL characters) act within strings.

Not chosen (measured in-process on the benchmark's 300 checkpoints, where the plain path took
42 ms): building ThreadStates from the checkpoint tuples ourselves would re-implement
LangGraph's `prepare_next_tasks` and pending-write rules, and reading and deserializing the
tuples alone takes 8.5 ms; a faster JSON encoder has little to win (`serde.dumps` of the whole
answer is 0.7 ms). Kept entries answer in 0.5 ms.

Graphs made by a factory are rendered the plain way: a factory may build a different graph
per request (from the thread's config or the caller's headers), so their entries have no
stable renderer to be kept for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.utils import search_where

from studio.runtime import serde
from studio.runtime.checkpointer import StudioSqliteSaver
from studio.runtime.graphs import Graph
from studio.runtime.history_cache import HistoryCache, Renderer
from studio.runtime.state import thread_state

MAX_WINDOWS = 4
"""Runs of missing entries rendered separately; beyond this, one plain rendering is cheaper."""


@dataclass(frozen=True)
class HistoryQuery:
    """A history request as `aget_state_history` takes it."""

    config: RunnableConfig
    filter: dict[str, Any] | None
    before: RunnableConfig | None
    limit: int | None


async def history_json(
    graph: Graph, query: HistoryQuery, *, saver: BaseCheckpointSaver[Any], renderer: Renderer | None
) -> bytes:
    """The JSON list of the ThreadStates of `graph.aget_state_history(query)`.

    `renderer` names the graph for the cache (None: do not cache, see the module docstring).
    """
    if renderer is None or not isinstance(saver, StudioSqliteSaver):
        return _join(entry for _, entry in await _render(graph, query))
    cache = HistoryCache.of(saver)
    token = cache.token()
    listing = await _planned_listing(graph, query)
    if listing is None:
        return _join(entry for _, entry in await _render(graph, query))
    configurable = listing.config["configurable"]
    thread_id, checkpoint_ns = str(configurable["thread_id"]), configurable["checkpoint_ns"]
    ids = await saver.aquery(_listed_ids, cache, listing)
    parts = cache.lookup(thread_id, renderer, checkpoint_ns, ids)
    windows = _missing_runs(parts)
    if not windows:
        return _join(p for p in parts if p is not None)
    rendered: list[tuple[str, bytes]] = []
    if len(windows) <= MAX_WINDOWS:
        for start, stop in windows:
            window = await _render(graph, _window(query, ids, start, stop))
            if [checkpoint_id for checkpoint_id, _ in window] != ids[start:stop]:
                break  # the thread changed since the listing
            parts[start:stop] = [entry for _, entry in window]
            rendered.extend(window)
        else:
            if cache.store(thread_id, renderer, checkpoint_ns, token, rendered):
                return _join(p for p in parts if p is not None)
            # Refused: the thread changed while the windows were rendered, so kept entries
            # and new ones may describe different moments. One rendering describes one.
    token = cache.token()
    rendered = await _render(graph, query)
    cache.store(thread_id, renderer, checkpoint_ns, token, rendered)
    return _join(entry for _, entry in rendered)


# -- 1. the listing, as LangGraph plans it ----------------------------------------------------


class _ListingRecorder(BaseCheckpointSaver[str]):
    """Stands in for the checkpointer while LangGraph plans a history: it records the `alist`
    call and lists nothing, so no snapshot is built. (Its `with_allowlist` clones are shallow
    copies: they record into the same list.)"""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[HistoryQuery] = []

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        if config is not None:
            self.calls.append(HistoryQuery(config, filter, before, limit))
        for _ in ():
            yield _


async def _planned_listing(graph: Graph, query: HistoryQuery) -> HistoryQuery | None:
    """The one `alist` call `aget_state_history` would make, with a namespace; else None."""
    recorder = _ListingRecorder()
    planner = graph.copy(update={"checkpointer": recorder})
    async for _ in planner.aget_state_history(
        query.config, filter=query.filter, before=query.before, limit=query.limit
    ):
        return None  # the recorder lists nothing: LangGraph read from somewhere else
    if len(recorder.calls) != 1:
        return None
    listing = recorder.calls[0]
    if listing.config["configurable"].get("checkpoint_ns") is None:
        return None  # every namespace at once: ids alone would not identify the entries
    return listing


# -- 2. the ids, on the checkpointer's thread --------------------------------------------------


def _listed_ids(db: SqliteSaver, cache: HistoryCache, listing: HistoryQuery) -> list[str]:
    """The checkpoint ids `db.list(...)` would return, newest first, in one query."""
    cache.database_read(_data_version(db.conn))
    where, params = search_where(listing.config, listing.filter, listing.before)
    sql = f"SELECT checkpoint_id FROM checkpoints {where} ORDER BY checkpoint_id DESC"
    if listing.limit is not None:
        sql += " LIMIT ?"
        params = (*params, listing.limit)
    with db.cursor(transaction=False) as cursor:
        return [row[0] for row in cursor.execute(sql, params)]


def _data_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA data_version").fetchone()
    return int(row[0])


# -- 3. rendering the missing entries ----------------------------------------------------------


def _missing_runs(parts: Sequence[bytes | None]) -> list[tuple[int, int]]:
    """`[start, stop)` of each run of consecutive missing entries."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, part in enumerate([*parts, b""]):
        if part is None and start is None:
            start = index
        elif part is not None and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _window(query: HistoryQuery, ids: Sequence[str], start: int, stop: int) -> HistoryQuery:
    """The same query narrowed to `ids[start:stop]` (the listing is ordered by id)."""
    before = query.before if start == 0 else {"configurable": {"checkpoint_id": ids[start - 1]}}
    return HistoryQuery(query.config, query.filter, before, stop - start)


async def _render(graph: Graph, query: HistoryQuery) -> list[tuple[str, bytes]]:
    """(checkpoint id, ThreadState JSON) of each snapshot LangGraph builds for `query`."""
    return [
        (
            snapshot.config["configurable"]["checkpoint_id"],
            # An exact-size copy: kept entries would otherwise hold orjson's larger buffers.
            memoryview(serde.dumps(thread_state(snapshot))).tobytes(),
        )
        async for snapshot in graph.aget_state_history(
            query.config, filter=query.filter, before=query.before, limit=query.limit
        )
    ]


def _join(entries: Iterable[bytes]) -> bytes:
    return b"[" + b",".join(entries) + b"]"
