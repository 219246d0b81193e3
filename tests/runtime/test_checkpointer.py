"""The checkpointer: langgraph's conformance suite, the same answers as langgraph's own savers,
our thread operations, persistence, one hop per operation, and real graphs running on it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict
from uuid import uuid4

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, Checkpoint, CheckpointTuple
from langgraph.checkpoint.base.id import uuid6
from langgraph.checkpoint.conformance.spec.test_copy_thread import ALL_COPY_THREAD_TESTS
from langgraph.checkpoint.conformance.spec.test_delete_for_runs import (
    ALL_DELETE_FOR_RUNS_TESTS,
)
from langgraph.checkpoint.conformance.spec.test_delete_thread import ALL_DELETE_THREAD_TESTS
from langgraph.checkpoint.conformance.spec.test_get_tuple import ALL_GET_TUPLE_TESTS
from langgraph.checkpoint.conformance.spec.test_list import ALL_LIST_TESTS
from langgraph.checkpoint.conformance.spec.test_prune import ALL_PRUNE_TESTS
from langgraph.checkpoint.conformance.spec.test_put import ALL_PUT_TESTS
from langgraph.checkpoint.conformance.spec.test_put_writes import ALL_PUT_WRITES_TESTS
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.serde.types import ERROR, INTERRUPT, RESUME, SCHEDULED
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Interrupt, StateSnapshot, interrupt

from studio.runtime.checkpointer import StudioSqliteSaver

Saver = BaseCheckpointSaver[Any]
Step = Callable[[Saver], Awaitable[object]]


@pytest.fixture
async def saver(tmp_path: Path) -> AsyncIterator[StudioSqliteSaver]:
    opened = await StudioSqliteSaver.open(tmp_path / "data" / "checkpoints.sqlite")
    yield opened
    await opened.close()


# -- langgraph's conformance suite (langgraph-checkpoint-conformance), one item per test ----

_CONFORMANCE = [
    (capability, test)
    for capability, tests in [
        ("put", ALL_PUT_TESTS),
        ("put_writes", ALL_PUT_WRITES_TESTS),
        ("get_tuple", ALL_GET_TUPLE_TESTS),
        ("list", ALL_LIST_TESTS),
        ("delete_thread", ALL_DELETE_THREAD_TESTS),
        ("delete_for_runs", ALL_DELETE_FOR_RUNS_TESTS),
        ("copy_thread", ALL_COPY_THREAD_TESTS),
        ("prune", ALL_PRUNE_TESTS),
    ]
    for test in tests
]


@pytest.mark.parametrize(
    "conformance_test",
    [test for _, test in _CONFORMANCE],
    ids=[
        f"{capability}-{test.__name__.removeprefix('test_')}" for capability, test in _CONFORMANCE
    ],
)
async def test_conformance(
    saver: StudioSqliteSaver, conformance_test: Callable[[Saver], Awaitable[None]]
) -> None:
    await conformance_test(saver)


# -- a history with everything in it, replayed on several savers ----------------------------

T1, T2 = str(uuid4()), str(uuid4())
R1, R2 = str(uuid4()), str(uuid4())


def _config(thread_id: str, ns: str = "", checkpoint_id: str | None = None) -> RunnableConfig:
    configurable: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ns}
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


class _History:
    """Checkpoints on two threads and two namespaces with writes of every kind, made once (so
    with the same ids) and replayed on any saver by `fill`."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.ids: dict[str, str] = {}
        self._version = 0
        self._parent: dict[tuple[str, str], str] = {}
        self._add("c1", T1, "", {"source": "input", "step": -1, "run_id": R1}, {"n": 0})
        self._add("c2", T1, "", {"source": "loop", "step": 0, "run_id": R1}, {"n": 1, "m": ["a"]})
        self._add("c3", T1, "", {"source": "loop", "step": 1, "run_id": R2}, {"n": 2})
        self._add(
            "c4",
            T1,
            "",
            {"source": "loop", "step": 2, "run_id": R2, "tags": {"a": 1}, "score": 0.5},
            {"n": 3, "m": ["a", "b"]},
        )
        self._add("s1", T1, "child:1", {"source": "input", "step": -1, "run_id": R2}, {"x": 0})
        self._add("s2", T1, "child:1", {"source": "loop", "step": 0, "run_id": R2}, {"x": 1})
        self._add("d1", T2, "", {"source": "input", "step": -1, "run_id": R1}, {"n": 10})
        self._add("d2", T2, "", {"source": "update", "step": 0, "run_id": R1}, {"n": 11})
        self._writes("c1", "input", "", [("n", 0)])
        self._writes("c2", "task-a", "~__pregel_pull, a", [("m", "hi"), ("n", 2)])
        self._writes("c2", "task-b", "~__pregel_pull, b", [("n", 3)])
        self._writes("c2", "task-a", "~__pregel_pull, a", [("m", "ignored: already written")])
        self._writes("c3", "task-c", "~__pregel_pull, c", [(ERROR, "boom"), (SCHEDULED, None)])
        self._writes("c3", "task-c", "~__pregel_pull, c", [(ERROR, "boom, replaced")])
        self._writes("c4", "task-d", "~__pregel_pull, d", [(INTERRUPT, [Interrupt("ok?", "i")])])
        self._writes("c4", "task-d", "~__pregel_pull, d", [(RESUME, "yes")])
        self._writes("s2", "task-s", "~__pregel_pull, s", [("x", 2)])
        self._writes("d2", "task-e", "~__pregel_pull, e", [("n", 12)])

    async def fill(self, saver: Saver) -> None:
        for step in self.steps:
            await step(saver)

    def config(self, name: str) -> RunnableConfig:
        thread_id, ns = {"s": (T1, "child:1"), "d": (T2, "")}.get(name[0], (T1, ""))
        return _config(thread_id, ns, self.ids[name])

    def _add(
        self, name: str, thread_id: str, ns: str, metadata: dict[str, Any], values: dict[str, Any]
    ) -> None:
        self._version += 1
        versions = dict.fromkeys(values, f"{self._version:032}.0")
        checkpoint = Checkpoint(
            v=4,
            id=str(uuid6(clock_seq=-1)),
            ts=datetime.now(UTC).isoformat(),
            channel_values=values,
            channel_versions=versions,
            versions_seen={"node": versions},
            updated_channels=sorted(values),
        )
        self.ids[name] = checkpoint["id"]
        config = _config(thread_id, ns, self._parent.get((thread_id, ns)))
        self._parent[thread_id, ns] = checkpoint["id"]
        self.steps.append(lambda saver: saver.aput(config, checkpoint, metadata, versions))

    def _writes(self, name: str, task_id: str, path: str, writes: list[tuple[str, Any]]) -> None:
        config = self.config(name)
        self.steps.append(lambda saver: saver.aput_writes(config, writes, task_id, path))


async def _listed(saver: Saver, config: RunnableConfig | None, **kwargs: Any) -> list[Any]:
    return [found async for found in saver.alist(config, **kwargs)]


def _by_key(found: list[CheckpointTuple]) -> list[CheckpointTuple]:
    return sorted(found, key=lambda t: tuple(t.config["configurable"].values()))


_QUERIES: list[tuple[RunnableConfig | None, dict[str, Any]]] = [
    (_config(T1), {}),
    (_config(T1), {"limit": 2}),
    (_config(T1, "child:1"), {}),
    (_config(T2), {}),
    (_config(T1), {"filter": {"source": "loop"}}),
    (_config(T1), {"filter": {"step": 1}}),
    (_config(T1), {"filter": {"run_id": R2, "source": "loop"}}),
    (_config(T1), {"filter": {"tags": {"a": 1}}}),
    (_config(T1), {"filter": {"score": 0.5}}),
    (_config(T1), {"filter": {"missing": None}}),
    (_config(T1), {"filter": {"source": "nothing"}}),
    (_config(str(uuid4())), {}),
]


async def test_answers_like_langgraphs_in_memory_saver(saver: StudioSqliteSaver) -> None:
    history = _History()
    memory = InMemorySaver()
    await history.fill(saver)
    await history.fill(memory)

    for name in history.ids:
        assert await saver.aget_tuple(history.config(name)) == await memory.aget_tuple(
            history.config(name)
        ), name
    for config in [_config(T1), _config(T1, "child:1"), _config(T2), _config(str(uuid4()))]:
        assert await saver.aget_tuple(config) == await memory.aget_tuple(config)
    without_ns: RunnableConfig = {"configurable": {"thread_id": T1}}
    assert await saver.aget_tuple(without_ns) == await memory.aget_tuple(without_ns)
    assert await saver.aget_tuple(_config(T1, checkpoint_id=str(uuid6()))) is None

    before = {"before": history.config("c3")}
    for config, kwargs in [*_QUERIES, (_config(T1), before), (_config(T1), {**before, "limit": 1})]:
        assert await _listed(saver, config, **kwargs) == await _listed(memory, config, **kwargs), (
            config,
            kwargs,
        )
    # Without a namespace or a thread, the in-memory saver orders by namespace first.
    for config in [{"configurable": {"thread_id": T1}}, None]:
        assert _by_key(await _listed(saver, config)) == _by_key(await _listed(memory, config))

    latest = await saver.aget_tuple(_config(T1))
    assert latest is not None
    assert latest.pending_writes == [  # in `writes_sort_key` order: RESUME's index is -4
        ("task-d", RESUME, "yes"),
        ("task-d", INTERRUPT, [Interrupt("ok?", "i")]),
    ]

    await saver.adelete_thread(T2)
    await memory.adelete_thread(T2)
    assert await saver.aget_tuple(_config(T2)) is None
    for config, kwargs in _QUERIES:
        assert await _listed(saver, config, **kwargs) == await _listed(memory, config, **kwargs)


async def test_langgraphs_sqlite_saver_reads_our_file_alike(saver: StudioSqliteSaver) -> None:
    """The file stays langgraph's: its own saver, on another connection, lists what ours does."""
    await _History().fill(saver)
    with closing(sqlite3.connect(saver.path)) as conn:
        theirs = SqliteSaver(conn)
        for config, kwargs in [*_QUERIES, ({"configurable": {"thread_id": T1}}, {}), (None, {})]:
            assert await _listed(saver, config, **kwargs) == list(theirs.list(config, **kwargs))
        assert await _listed(saver, None, limit=3) == list(theirs.list(None, limit=3))


@pytest.fixture
def hops(saver: StudioSqliteSaver) -> list[str]:
    """The name of every function the saver hands to its database thread."""
    seen: list[str] = []
    submit = saver._executor.submit

    def counted(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__qualname__", repr(fn)))
        return submit(fn, *args, **kwargs)

    saver._executor.submit = counted
    return seen


async def test_each_operation_is_one_hop(saver: StudioSqliteSaver, hops: list[str]) -> None:
    config = _config(T1)
    for step in range(300):
        checkpoint = _checkpoint({"n": step})
        config = await saver.aput(config, checkpoint, {"step": step, "source": "loop"}, {})
        await saver.aput_writes(config, [("n", step), ("m", -step)], f"task-{step}")
    assert len(hops) == 600
    hops.clear()
    assert len(await _listed(saver, _config(T1))) == 300
    assert len(hops) == 1, "the whole history in one hop"
    hops.clear()
    assert await saver.aget_tuple(config) is not None
    await saver.adelete_for_runs([R1, R2])
    await saver.acopy_thread(T1, T2)
    await saver.aprune([T1, T2])
    await saver.adelete_thread(T1)
    assert len(hops) == 5


# -- our additions -------------------------------------------------------------------------


async def test_delete_for_runs_removes_their_checkpoints_and_writes_only(
    saver: StudioSqliteSaver,
) -> None:
    history = _History()
    await history.fill(saver)
    await saver.adelete_for_runs([R2])
    assert [t.config for t in await _listed(saver, _config(T1))] == [
        history.config("c2"),
        history.config("c1"),
    ]
    assert await _listed(saver, _config(T1, "child:1")) == []
    assert len(await _listed(saver, _config(T2))) == 2, "other threads of other runs stay"
    kept = await saver.aget_tuple(history.config("c2"))
    assert kept is not None
    assert [(w[0], w[1]) for w in kept.pending_writes or []] == [
        ("task-a", "m"),
        ("task-a", "n"),
        ("task-b", "n"),
    ]
    with closing(sqlite3.connect(saver.path)) as conn:
        assert conn.execute(
            "SELECT count(*) FROM writes WHERE checkpoint_id IN (?, ?, ?)",
            (history.ids["c3"], history.ids["c4"], history.ids["s2"]),
        ).fetchone() == (0,)
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM checkpoints "
            "WHERE json_extract(CAST(metadata AS TEXT), '$.run_id') = ?",
            (R1,),
        ).fetchall()
        assert "USING INDEX checkpoints_run" in str(plan)


async def test_copy_thread_rewrites_the_thread_id_everywhere(saver: StudioSqliteSaver) -> None:
    history = _History()
    await history.fill(saver)
    marked = await saver.aput(
        _config(T1, checkpoint_id=history.ids["c4"]),
        _checkpoint({"n": 4}),
        {"source": "loop", "step": 3, "thread_id": T1},
        {},
    )
    target = str(uuid4())
    await saver.acopy_thread(T1, target)

    def retargeted(found: CheckpointTuple) -> CheckpointTuple:
        def move(config: RunnableConfig | None) -> RunnableConfig | None:
            if config is None:
                return None
            return {"configurable": {**config["configurable"], "thread_id": target}}

        metadata = dict(found.metadata)
        if "thread_id" in metadata:
            metadata["thread_id"] = target
        return found._replace(
            config=move(found.config), parent_config=move(found.parent_config), metadata=metadata
        )

    source = await _listed(saver, {"configurable": {"thread_id": T1}})
    copied = await _listed(saver, {"configurable": {"thread_id": target}})
    assert copied == [retargeted(found) for found in source]
    latest = await saver.aget_tuple(_config(target))
    assert latest is not None
    assert latest.config["configurable"]["checkpoint_id"] == marked["configurable"]["checkpoint_id"]
    assert latest.metadata["thread_id"] == target

    with pytest.raises(sqlite3.IntegrityError):
        await saver.acopy_thread(T1, target)  # the same checkpoints again: all or nothing
    assert await _listed(saver, {"configurable": {"thread_id": target}}) == copied


async def test_prune_keep_latest_keeps_the_newest_checkpoint_per_namespace_and_its_writes(
    saver: StudioSqliteSaver,
) -> None:
    history = _History()
    await history.fill(saver)
    await saver.aprune([T1], strategy="keep_latest")
    kept = await _listed(saver, {"configurable": {"thread_id": T1}})
    assert {t.config["configurable"]["checkpoint_id"] for t in kept} == {
        history.ids["c4"],
        history.ids["s2"],
    }
    assert [len(t.pending_writes or []) for t in kept] == [1, 2]
    assert len(await _listed(saver, _config(T2))) == 2
    with closing(sqlite3.connect(saver.path)) as conn:
        assert conn.execute(
            "SELECT count(*) FROM writes WHERE thread_id = ?", (T1,)
        ).fetchone() == (3,)


async def test_prune_delete_and_unknown_strategies(saver: StudioSqliteSaver) -> None:
    await _History().fill(saver)
    with pytest.raises(ValueError, match="unknown prune strategy"):
        await saver.aprune([T1], strategy="keep_oldest")
    assert len(await _listed(saver, _config(T1))) == 4
    await saver.aprune([T1, T2], strategy="delete")
    assert await _listed(saver, None) == []
    with closing(sqlite3.connect(saver.path)) as conn:
        assert conn.execute("SELECT count(*) FROM writes").fetchone() == (0,)


# -- files, threads, and the sync interface --------------------------------------------------


async def test_reopening_the_file_gives_the_same_history(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.sqlite"
    first = await StudioSqliteSaver.open(path)
    await _History().fill(first)
    before = await _listed(first, None)
    await first.close()
    second = await StudioSqliteSaver.open(path)
    try:
        assert await _listed(second, None) == before
    finally:
        await second.close()


async def test_opens_files_written_by_langgraphs_async_saver(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.sqlite"
    async with AsyncSqliteSaver.from_conn_string(str(path)) as theirs:
        await _History().fill(theirs)
        written = await _listed(theirs, None)
    ours = await StudioSqliteSaver.open(path)
    try:
        assert await _listed(ours, None) == written
        await ours.adelete_for_runs([R1])
        assert {t.metadata["run_id"] for t in await _listed(ours, None)} == {R2}
    finally:
        await ours.close()


async def test_close_ends_the_database_thread(tmp_path: Path) -> None:
    def database_threads() -> int:
        return sum(t.name.startswith("lg-studio-ckpt") for t in threading.enumerate())

    before = database_threads()
    opened = await StudioSqliteSaver.open(tmp_path / "checkpoints.sqlite")
    assert database_threads() == before + 1
    await opened.close()
    assert database_threads() == before
    with pytest.raises(RuntimeError):
        await opened.aget_tuple(_config(T1))


async def test_sync_methods_serve_other_threads_and_refuse_the_event_loop(
    saver: StudioSqliteSaver,
) -> None:
    config = _config(T1)
    stored = await asyncio.to_thread(saver.put, config, _checkpoint({"n": 1}), {"run_id": R1}, {})
    await asyncio.to_thread(saver.put_writes, stored, [("n", 2)], "task")
    assert await asyncio.to_thread(saver.get_tuple, config) == await saver.aget_tuple(config)
    assert await asyncio.to_thread(lambda: list(saver.list(config))) == await _listed(saver, config)
    await asyncio.to_thread(saver.copy_thread, T1, T2)
    await asyncio.to_thread(saver.prune, [T2])
    await asyncio.to_thread(saver.delete_for_runs, [R1])
    await asyncio.to_thread(saver.delete_thread, T1)
    assert await _listed(saver, None) == []

    for call in [
        lambda: saver.get_tuple(config),
        lambda: saver.list(config),
        lambda: saver.put(config, _checkpoint({}), {}, {}),
        lambda: saver.delete_thread(T1),
    ]:
        with pytest.raises(asyncio.InvalidStateError, match="would block the event loop"):
            call()


async def test_allowlisted_clone_shares_the_file_with_its_own_serializer(tmp_path: Path) -> None:
    strict = JsonPlusSerializer(allowed_msgpack_modules=None)
    saver = await StudioSqliteSaver.open(tmp_path / "checkpoints.sqlite", serde=strict)
    try:
        clone = saver.with_allowlist([("some.module", "SomeType")])
        assert isinstance(clone, StudioSqliteSaver)
        assert clone is not saver
        assert clone._sync().serde is clone.serde is not saver.serde
        stored = await clone.aput(_config(T1), _checkpoint({"n": 1}), {}, {})
        assert await saver.aget_tuple(stored) == await clone.aget_tuple(stored)
    finally:
        await saver.close()


# -- real graphs ----------------------------------------------------------------------------


class _State(TypedDict, total=False):
    topic: str
    draft: str
    approved: str


def _write(state: _State) -> _State:
    return {"draft": f"draft about {state['topic']}"}


def _review(state: _State) -> _State:
    return {"approved": interrupt({"question": "ok?", "draft": state["draft"]})}


def _graph(saver: Saver) -> Any:
    builder = StateGraph(_State)
    builder.add_node("write", _write)
    builder.add_node("review", _review)
    builder.add_edge(START, "write")
    builder.add_edge("write", "review")
    builder.add_edge("review", END)
    return builder.compile(checkpointer=saver)


def _shape(snapshot: StateSnapshot) -> tuple[Any, ...]:
    """What a snapshot says, without ids and times (which differ from saver to saver)."""
    return (
        snapshot.values,
        snapshot.next,
        {k: v for k, v in snapshot.metadata.items() if k != "parents"} if snapshot.metadata else {},
        [(t.name, [i.value for i in t.interrupts], t.result) for t in snapshot.tasks],
        snapshot.parent_config is None,
    )


async def _interrupt_and_resume(saver: Saver, thread_id: str) -> list[tuple[Any, ...]]:
    graph = _graph(saver)
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    chunks = [chunk async for chunk in graph.astream({"topic": "checkpoints"}, config)]
    assert chunks[-1]["__interrupt__"][0].value == {
        "question": "ok?",
        "draft": "draft about checkpoints",
    }
    paused = await graph.aget_state(config)
    assert paused.next == ("review",)
    resumed = [chunk async for chunk in graph.astream(Command(resume="yes"), config)]
    assert resumed == [{"review": {"approved": "yes"}}]
    return [_shape(s) async for s in graph.aget_state_history(config)]


async def test_graph_with_an_interrupt_has_the_in_memory_saver_history(
    saver: StudioSqliteSaver,
) -> None:
    ours = await _interrupt_and_resume(saver, str(uuid4()))
    assert ours == await _interrupt_and_resume(InMemorySaver(), str(uuid4()))
    assert [shape[1] for shape in ours] == [(), ("review",), ("write",), ("__start__",)]
    assert ours[0][0] == {
        "topic": "checkpoints",
        "draft": "draft about checkpoints",
        "approved": "yes",
    }


async def test_sync_graph_in_a_worker_thread(saver: StudioSqliteSaver) -> None:
    graph = _graph(saver)
    config: RunnableConfig = {"configurable": {"thread_id": str(uuid4())}}
    await asyncio.to_thread(graph.invoke, {"topic": "threads"}, config)
    await asyncio.to_thread(graph.invoke, Command(resume="fine"), config)
    state = await asyncio.to_thread(graph.get_state, config)
    assert state.values["approved"] == "fine"
    assert state == await graph.aget_state(config)
    assert len([s async for s in graph.aget_state_history(config)]) == 4


# -- helpers --------------------------------------------------------------------------------


def _checkpoint(values: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        v=4,
        id=str(uuid6(clock_seq=-1)),
        ts=datetime.now(UTC).isoformat(),
        channel_values=values,
        channel_versions={},
        versions_seen={},
        updated_channels=None,
    )
