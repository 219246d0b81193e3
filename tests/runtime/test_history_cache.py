"""The history cache in-process, on the real checkpointer and real graphs: which entries a
write drops, and which stores it refuses. (tests/runtime/test_history.py proves the answers
over HTTP.)"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from studio.runtime import serde
from studio.runtime.checkpointer import StudioSqliteSaver
from studio.runtime.graphs import Graph
from studio.runtime.history_cache import HistoryCache
from studio.runtime.services.history import HistoryQuery, history_json
from studio.runtime.state import thread_state
from tests.support.server import ROOT

GRAPHS = ROOT / "tests" / "fixtures" / "history_project" / "graphs.py"
THREAD = "thread-1"


@pytest.fixture(scope="module")
def graphs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("history_cache_graphs", GRAPHS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def saver(tmp_path: Path) -> AsyncIterator[StudioSqliteSaver]:
    opened = await StudioSqliteSaver.open(tmp_path / "checkpoints.sqlite")
    yield opened
    await opened.close()


def _query(limit: int = 100) -> HistoryQuery:
    return HistoryQuery(
        {"configurable": {"thread_id": THREAD, "checkpoint_ns": ""}}, None, None, limit
    )


async def _plain(graph: Graph, query: HistoryQuery) -> bytes:
    """What the server answered before it kept entries."""
    return serde.dumps(
        [
            thread_state(s)
            async for s in graph.aget_state_history(
                query.config, filter=query.filter, before=query.before, limit=query.limit
            )
        ]
    )


async def _ran(graphs: ModuleType, name: str, saver: StudioSqliteSaver, inputs: Any) -> Graph:
    graph: Graph = getattr(graphs, name).copy(update={"checkpointer": saver})
    await graph.ainvoke(inputs, {"configurable": {"thread_id": THREAD}})
    return graph


def _kept(saver: StudioSqliteSaver, renderer: str, ids: list[str]) -> list[bool]:
    return [e is not None for e in HistoryCache.of(saver).lookup(THREAD, renderer, "", ids)]


async def _ids(graph: Graph) -> list[str]:
    query = _query()
    return [
        s.config["configurable"]["checkpoint_id"]
        async for s in graph.aget_state_history(query.config, limit=query.limit)
    ]


async def test_entries_are_kept_and_answer_as_langgraph(
    graphs: ModuleType, saver: StudioSqliteSaver
) -> None:
    graph = await _ran(graphs, "steps", saver, {"n": 0})
    ids = await _ids(graph)
    assert _kept(saver, "steps", ids) == [False] * len(ids)
    first = await history_json(graph, _query(2), saver=saver, renderer="steps")
    assert first == await _plain(graph, _query(2))
    assert _kept(saver, "steps", ids) == [True, True] + [False] * (len(ids) - 2)
    assert await history_json(graph, _query(), saver=saver, renderer="steps") == await _plain(
        graph, _query()
    )
    assert all(_kept(saver, "steps", ids))


async def test_nothing_is_kept_for_a_graph_without_a_stable_renderer(
    graphs: ModuleType, saver: StudioSqliteSaver
) -> None:
    graph = await _ran(graphs, "steps", saver, {"n": 0})
    answer = await history_json(graph, _query(), saver=saver, renderer=None)
    assert answer == await _plain(graph, _query())
    assert HistoryCache.of(saver).size == 0


async def test_a_write_to_an_ancestor_drops_the_entries_after_it(
    graphs: ModuleType, saver: StudioSqliteSaver
) -> None:
    """A `DeltaChannel` replays its ancestors' writes: one more write to an old checkpoint
    changes the values of the checkpoints after it, up to the next snapshot."""
    graph = await _ran(graphs, "delta", saver, {"rounds": 8})
    before = await history_json(graph, _query(), saver=saver, renderer="delta")
    ids = await _ids(graph)
    await saver.aput_writes(_at(ids[5]), [("seen", ["intruder"])], "another-task")
    assert _kept(saver, "delta", ids) == [False] * 6 + [True] * (len(ids) - 6)
    after = await history_json(graph, _query(), saver=saver, renderer="delta")
    assert after == await _plain(graph, _query())
    assert after != before
    assert b"intruder" in after


async def test_a_write_while_the_history_is_read(
    graphs: ModuleType, saver: StudioSqliteSaver
) -> None:
    """The write is queued on the database thread right behind the listing: whether the
    cache hears of it before or after the lookup, the answer must not mix kept entries from
    before it with entries rendered after it."""
    graph = await _ran(graphs, "delta", saver, {"rounds": 8})
    await history_json(graph, _query(2), saver=saver, renderer="delta")  # keeps the newest two
    ids = await _ids(graph)
    answer, _ = await asyncio.gather(
        history_json(graph, _query(), saver=saver, renderer="delta"),
        saver.aput_writes(_at(ids[5]), [("seen", ["intruder"])], "another-task"),
    )
    assert answer == await _plain(graph, _query())
    assert b"intruder" in answer


async def test_writes_from_other_threads_and_allowlist_clones_are_heard(
    graphs: ModuleType, tmp_path: Path
) -> None:
    """Graphs write through the sync methods from worker threads, and through the clone
    langgraph makes in strict msgpack mode (`with_allowlist`)."""
    strict = JsonPlusSerializer(allowed_msgpack_modules=None)
    saver = await StudioSqliteSaver.open(tmp_path / "checkpoints.sqlite", serde=strict)
    try:
        graph = await _ran(graphs, "steps", saver, {"n": 0})
        await history_json(graph, _query(), saver=saver, renderer="steps")
        ids = await _ids(graph)
        await asyncio.to_thread(saver.put_writes, _at(ids[0]), [("n", 7)], "a-sync-caller")
        assert _kept(saver, "steps", ids[:2]) == [False, True]

        clone = saver.with_allowlist([("history_cache_graphs", "Thing")])
        assert clone is not saver
        await clone.aput_writes(_at(ids[1]), [("n", 8)], "a-clone")
        assert _kept(saver, "steps", ids[:3]) == [False, False, True]
        await saver.adelete_thread(THREAD)
        assert HistoryCache.of(saver).size == 0
    finally:
        await saver.close()


def _at(checkpoint_id: str) -> RunnableConfig:
    return {
        "configurable": {"thread_id": THREAD, "checkpoint_ns": "", "checkpoint_id": checkpoint_id}
    }


def test_a_write_drops_only_its_namespace_from_its_checkpoint_on() -> None:
    cache = HistoryCache()
    token = cache.token()
    assert cache.store(THREAD, "g", "", token, [("1", b"{1}"), ("2", b"{2}"), ("3", b"{3}")])
    assert cache.store(THREAD, "g", "sub:x", token, [("1", b"{s1}"), ("3", b"{s3}")])
    assert cache.store("other", "g", "", token, [("3", b"{o3}")])
    cache.checkpoint_changed(THREAD, "", "2")
    assert cache.lookup(THREAD, "g", "", ["1", "2", "3"]) == [b"{1}", None, None]
    assert cache.lookup(THREAD, "g", "sub:x", ["1", "3"]) == [b"{s1}", b"{s3}"]
    assert cache.lookup("other", "g", "", ["3"]) == [b"{o3}"]
    assert cache.lookup(THREAD, "another graph", "", ["1"]) == [None]
    cache.thread_changed(THREAD)
    assert cache.lookup(THREAD, "g", "sub:x", ["1"]) == [None]
    assert cache.size == len(b"{o3}") + 120


def test_entries_rendered_before_a_write_are_not_kept() -> None:
    cache = HistoryCache()
    token = cache.token()
    cache.checkpoint_changed(THREAD, "", "9")  # after the reader read, before it stores
    assert not cache.store(THREAD, "g", "", token, [("1", b"{1}")])
    assert cache.lookup(THREAD, "g", "", ["1"]) == [None]
    assert cache.store("other", "g", "", token, [("1", b"{1}")]), "other threads are fine"
    assert cache.store(THREAD, "g", "", cache.token(), [("1", b"{1}")])


def test_a_commit_by_another_connection_clears_everything() -> None:
    cache = HistoryCache()
    cache.database_read(5)
    token = cache.token()
    assert cache.store(THREAD, "g", "", token, [("1", b"{1}")])
    cache.database_read(5)
    assert cache.lookup(THREAD, "g", "", ["1"]) == [b"{1}"]
    cache.database_read(6)
    assert cache.lookup(THREAD, "g", "", ["1"]) == [None]
    assert not cache.store("any thread", "g", "", token, [("1", b"{1}")])


def test_a_reload_clears_everything_and_refuses_renders_begun_before() -> None:
    cache = HistoryCache()
    token = cache.token()
    assert cache.store(THREAD, "g", "", token, [("1", b"{1}")])
    cache.clear()
    assert cache.lookup(THREAD, "g", "", ["1"]) == [None]
    assert not cache.store(THREAD, "g", "", token, [("1", b"{1}")])
    assert cache.store(THREAD, "g", "", cache.token(), [("1", b"{1}")])


def test_least_recently_used_threads_go_first_past_the_budget() -> None:
    entry = b"x" * 380  # 500 bytes with its overhead
    cache = HistoryCache(max_bytes=1000)
    assert cache.store("a", "g", "", cache.token(), [("1", entry)])
    assert cache.store("b", "g", "", cache.token(), [("1", entry)])
    assert cache.lookup("a", "g", "", ["1"]) == [entry]  # "b" is now the least recently used
    assert cache.store("c", "g", "", cache.token(), [("1", entry)])
    assert [cache.lookup(t, "g", "", ["1"])[0] is not None for t in "abc"] == [True, False, True]
    assert cache.size == 1000
    assert cache.store("d", "g", "", cache.token(), [("1", entry), ("2", entry), ("3", entry)])
    assert cache.size <= 1000, "a history larger than the budget is not kept"
