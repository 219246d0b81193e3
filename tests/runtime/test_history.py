"""`get_history` over HTTP answers byte for byte what LangGraph's own `aget_state_history`
gives for the same checkpoints (read by langgraph's `AsyncSqliteSaver` from the server's file),
whether its entries are kept or rendered: after runs, interrupts and resumes, subgraphs,
failed tasks, forks and state updates from old checkpoints, `DeltaChannel` replays, deleted
runs, copies, prunes, factory graphs, and writes made by another process.

Every history is asked twice: the second answer is assembled from the entries the first
one kept (see `studio/runtime/services/history.py`).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from types import ModuleType
from typing import Any

import aiosqlite
import httpx
import orjson
import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from studio.runtime import serde
from studio.runtime.state import thread_state
from tests.support import scaleout
from tests.support.server import CLEAN_EXIT, ROOT, ServerProcess

PROJECT = ROOT / "tests" / "fixtures" / "history_project"
NULL_TASK = "00000000-0000-0000-0000-000000000000"  # langgraph's task id for writes of no task


@pytest.fixture(scope="module")
def history_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("history-data"), project=PROJECT)
    process.start()
    yield process
    code = process.stop()
    assert code in CLEAN_EXIT, f"server exited with {code}:\n{process.log()}"


@pytest.fixture(scope="module")
def graphs() -> ModuleType:
    """The project's graphs, imported here too, to let LangGraph render the same states."""
    spec = importlib.util.spec_from_file_location("history_project_graphs", PROJECT / "graphs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def sdk(history_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    client = get_client(url=history_server.url)
    yield client
    await client.http.client.aclose()


class Reference:
    """LangGraph's answer: `aget_state_history` of the project's graph on langgraph's own
    saver: `AsyncSqliteSaver` reading the server's checkpoint file through a read-only
    connection (so it writes nothing the server would notice), or `AsyncPostgresSaver`."""

    def __init__(self, saver: AsyncSqliteSaver | AsyncPostgresSaver, graphs: ModuleType) -> None:
        self.saver = saver
        self.graphs = graphs

    async def history(
        self,
        thread_id: str,
        graph_id: str,
        *,
        limit: int = 10,
        before: str | dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        checkpoint: dict[str, Any] | None = None,
    ) -> bytes:
        """The JSON the server answered for this query before it kept entries."""
        if graph_id == "factory":
            graph = self.graphs.make_greeter({"configurable": {}})
        else:
            graph = getattr(self.graphs, graph_id)
        graph = graph.copy(update={"checkpointer": self.saver})
        configurable: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ""}
        configurable.update({k: v for k, v in (checkpoint or {}).items() if v is not None})
        configurable["thread_id"] = thread_id
        before_config: RunnableConfig | None = None
        if isinstance(before, str):
            before_config = {"configurable": {"checkpoint_id": before}}
        elif before:
            fields = before.get("configurable", before)
            before_config = {"configurable": {k: v for k, v in fields.items() if v is not None}}
        states = [
            thread_state(snapshot)
            async for snapshot in graph.aget_state_history(
                {"configurable": configurable}, limit=limit, before=before_config, filter=metadata
            )
        ]
        return serde.dumps(states)


@pytest.fixture
async def reference(history_server: ServerProcess, graphs: ModuleType) -> AsyncIterator[Reference]:
    """langgraph's own saver on the server's checkpoints: SQLite's on its file, or Postgres's
    on its database."""
    if scaleout.ON_POSTGRES:
        uri = scaleout.database_uri(scaleout.database_for(history_server.data_dir))
        async with AsyncPostgresSaver.from_conn_string(uri) as saver:
            yield Reference(saver, graphs)
        return
    path = history_server.data_dir / "checkpoints.sqlite"
    conn = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield Reference(AsyncSqliteSaver(conn), graphs)
    finally:
        await conn.close()


async def assert_history(
    sdk: LangGraphClient,
    reference: Reference,
    thread_id: str,
    graph_id: str,
    **query: Any,
) -> list[Any]:
    """The server's answer equals LangGraph's, byte for byte, asked twice over POST and once
    through `threads.get_history`; returns it parsed."""
    expected = await reference.history(thread_id, graph_id, **query)
    body = {k: v for k, v in query.items() if v is not None}
    for attempt in ("rendered or kept", "kept"):
        response = await sdk.http.client.post(f"/threads/{thread_id}/history", json=body)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.content == expected, f"{attempt}: {query}"
    parsed: list[Any] = orjson.loads(expected)
    assert await sdk.threads.get_history(thread_id, **query) == parsed
    return parsed


def ids_of(states: list[Any]) -> list[str]:
    return [state["checkpoint_id"] for state in states]


async def run(sdk: LangGraphClient, thread_id: str, graph_id: str, **kwargs: Any) -> Any:
    return await sdk.runs.wait(thread_id, graph_id, raise_error=False, **kwargs)


async def test_every_query_of_a_plain_history(sdk: LangGraphClient, reference: Reference) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "steps", input={"n": 0})
    await run(sdk, thread_id, "steps", input={"log": ["again"]})
    # A short page first: the longer ones then mix kept entries with rendered ones.
    await assert_history(sdk, reference, thread_id, "steps", limit=2)
    everything = await assert_history(sdk, reference, thread_id, "steps", limit=100)
    assert len(everything) == 10
    ids = ids_of(everything)
    await assert_history(sdk, reference, thread_id, "steps")
    await assert_history(sdk, reference, thread_id, "steps", limit=1)
    await assert_history(sdk, reference, thread_id, "steps", limit=3, before=ids[4])
    await assert_history(
        sdk, reference, thread_id, "steps", before={"configurable": {"checkpoint_id": ids[2]}}
    )
    await assert_history(
        sdk,
        reference,
        thread_id,
        "steps",
        before={"thread_id": thread_id, "checkpoint_ns": "", "checkpoint_id": ids[6]},
    )
    await assert_history(sdk, reference, thread_id, "steps", before=ids[-1])
    for metadata in ({"source": "loop"}, {"step": 2}, {"source": "input", "step": -1}):
        await assert_history(sdk, reference, thread_id, "steps", limit=100, metadata=metadata)
    await assert_history(sdk, reference, thread_id, "steps", metadata={"source": "nowhere"})
    await assert_history(sdk, reference, thread_id, "steps", checkpoint={"checkpoint_id": ids[3]})
    await assert_history(
        sdk, reference, thread_id, "steps", checkpoint={"checkpoint_ns": "", "checkpoint_id": "x"}
    )

    expected = await reference.history(thread_id, "steps", limit=4, before=ids[1])
    for _ in range(2):
        response = await sdk.http.client.get(
            f"/threads/{thread_id}/history", params={"limit": 4, "before": ids[1]}
        )
        assert response.content == expected
    response = await sdk.http.client.get(f"/threads/{thread_id}/history")
    assert response.content == await reference.history(thread_id, "steps")


@pytest.mark.sqlite_only  # langgraph's Postgres saver binds the key: no error to copy
async def test_a_bad_metadata_key_is_refused_as_before(sdk: LangGraphClient) -> None:
    """LangGraph's saver rejects filter keys that are not plain names; so does the listing."""
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "steps", input={"n": 0})
    response = await sdk.http.client.post(
        f"/threads/{thread_id}/history", json={"metadata": {"bad key') OR 1=1 --": 1}}
    )
    assert response.status_code == 500
    assert response.json() == {
        "detail": "An internal error occurred (ValueError); see the server log."
    }


async def test_a_thread_that_never_ran_has_no_history(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    response = await sdk.http.client.post(f"/threads/{thread_id}/history", json={})
    assert (response.status_code, response.content) == (200, b"[]")
    missing = await sdk.http.client.post(
        "/threads/00000000-0000-4000-8000-000000000000/history", json={}
    )
    assert missing.status_code == 404


async def test_interrupts_resumes_and_a_second_answer(
    sdk: LangGraphClient, reference: Reference
) -> None:
    """A resume adds writes to the interrupted checkpoint (its entry changes); answering it
    again from there forks the thread and writes to that checkpoint once more."""
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "approval", input={"topic": "tests"})
    interrupted = await assert_history(sdk, reference, thread_id, "approval")
    assert interrupted[0]["tasks"][0]["interrupts"], "the newest checkpoint waits for an answer"
    await run(sdk, thread_id, "approval", command={"resume": "yes"})
    await assert_history(sdk, reference, thread_id, "approval")
    await run(
        sdk,
        thread_id,
        "approval",
        command={"resume": "no"},
        checkpoint_id=interrupted[0]["checkpoint_id"],
    )
    answered = await assert_history(sdk, reference, thread_id, "approval", limit=50)
    parents = [state["parent_checkpoint_id"] for state in answered]
    assert parents.count(interrupted[0]["checkpoint_id"]) == 2, "two branches from there"


async def test_subgraph_histories_by_namespace(sdk: LangGraphClient, reference: Reference) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "nested", input={"value": "v", "pause": True})
    root = await assert_history(sdk, reference, thread_id, "nested")
    sub_task = root[0]["tasks"][0]
    assert sub_task["checkpoint"] is not None, "the pending subgraph task points at its checkpoints"
    namespace = {"checkpoint_ns": sub_task["checkpoint"]["checkpoint_ns"]}
    inner = await assert_history(sdk, reference, thread_id, "nested", checkpoint=namespace)
    assert inner[0]["tasks"][0]["interrupts"]
    await assert_history(
        sdk, reference, thread_id, "nested", checkpoint=namespace, before=inner[0]["checkpoint_id"]
    )
    await assert_history(
        sdk,
        reference,
        thread_id,
        "nested",
        checkpoint={**namespace, "checkpoint_id": inner[-1]["checkpoint_id"]},
    )

    await run(sdk, thread_id, "nested", command={"resume": "inner answer"})
    await assert_history(sdk, reference, thread_id, "nested", limit=50)
    await assert_history(sdk, reference, thread_id, "nested", checkpoint=namespace, limit=50)


async def test_failed_and_finished_parallel_tasks(
    sdk: LangGraphClient, reference: Reference
) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "fanout", input={"items": ["x", "bad", "y"]})
    failed = await assert_history(sdk, reference, thread_id, "fanout")
    errors = [task["error"] for task in failed[0]["tasks"] if task["error"]]
    assert errors == ["ValueError('cannot work on bad')"]
    await run(sdk, thread_id, "fanout", input={"items": ["z"]})
    await assert_history(sdk, reference, thread_id, "fanout", limit=50)


async def test_forks_and_state_updates_from_old_checkpoints(
    sdk: LangGraphClient, reference: Reference
) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "steps", input={"n": 0})
    original = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    old = original[2]["checkpoint_id"]  # before `b` ran

    await sdk.threads.update_state(thread_id, {"n": 100}, as_node="a", checkpoint_id=old)
    await assert_history(sdk, reference, thread_id, "steps", limit=50)
    await run(sdk, thread_id, "steps", input=None, checkpoint_id=old)  # replays from there
    await assert_history(sdk, reference, thread_id, "steps", limit=50)
    await run(sdk, thread_id, "steps", input=None, checkpoint_id=original[-1]["checkpoint_id"])
    await assert_history(sdk, reference, thread_id, "steps", limit=50)
    await sdk.threads.update_state(thread_id, {"log": ["edited"]})
    latest = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    assert latest[0]["metadata"]["source"] == "update"


async def test_delta_channels_replayed_from_ancestors(
    sdk: LangGraphClient, reference: Reference
) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "delta", input={"rounds": 8})
    history = await assert_history(sdk, reference, thread_id, "delta", limit=50)
    assert history[0]["values"]["seen"][-1] == "round 7"
    middle = history[4]["checkpoint_id"]
    await run(sdk, thread_id, "delta", input=None, checkpoint_id=middle)
    await assert_history(sdk, reference, thread_id, "delta", limit=50)
    await sdk.threads.update_state(
        thread_id, {"seen": ["edited"]}, as_node="grow", checkpoint_id=middle
    )
    await assert_history(sdk, reference, thread_id, "delta", limit=50)


@pytest.mark.sqlite_only  # langgraph's Postgres saver refuses to (409, see test_scaleout.py)
async def test_a_pruned_delta_channel_loses_its_history(
    sdk: LangGraphClient, reference: Reference
) -> None:
    """Without its ancestors, the newest checkpoint cannot replay what it did not snapshot:
    a prune changes the entry of the checkpoint it keeps."""
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "delta", input={"rounds": 8})
    whole = await assert_history(sdk, reference, thread_id, "delta", limit=50)
    await sdk.threads.prune([thread_id], strategy="keep_latest")
    pruned = await assert_history(sdk, reference, thread_id, "delta", limit=50)
    assert ids_of(pruned) == ids_of(whole)[:1]
    assert pruned[0]["values"] != whole[0]["values"]


async def test_deleted_runs_copies_and_prunes(sdk: LangGraphClient, reference: Reference) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "steps", input={"n": 0})
    second = await sdk.runs.create(thread_id, "steps", input={"n": 10})
    await sdk.runs.join(thread_id, second["run_id"])
    before = await assert_history(sdk, reference, thread_id, "steps", limit=50)

    await sdk.runs.delete(thread_id, second["run_id"])  # its checkpoints go with it
    after = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    assert second["run_id"] in {state["metadata"]["run_id"] for state in before}
    assert second["run_id"] not in {state["metadata"]["run_id"] for state in after}

    copy_id = (await sdk.threads.copy(thread_id))["thread_id"]
    copied = await assert_history(sdk, reference, copy_id, "steps", limit=50)
    assert ids_of(copied) == ids_of(after)

    await sdk.threads.prune([thread_id], strategy="keep_latest")
    kept = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    assert ids_of(kept) == ids_of(after)[:1]

    await sdk.threads.delete(copy_id)
    gone = await sdk.http.client.post(f"/threads/{copy_id}/history", json={})
    assert gone.status_code == 404
    await sdk.threads.create(thread_id=copy_id, metadata={"graph_id": "steps"})
    await run(sdk, copy_id, "steps", input={"n": 50})
    reborn = await assert_history(sdk, reference, copy_id, "steps", limit=50)
    assert not set(ids_of(reborn)) & set(ids_of(copied))


async def test_factory_graphs_are_rendered_per_request(
    sdk: LangGraphClient, reference: Reference
) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "factory", input={"name": "ann"}, config={"configurable": {}})
    await assert_history(sdk, reference, thread_id, "factory")


@pytest.mark.sqlite_only
async def test_writes_by_another_process_are_seen(
    sdk: LangGraphClient, reference: Reference, history_server: ServerProcess
) -> None:
    """Another connection adds a write of no task to an old checkpoint (LangGraph applies
    those to the values it shows): the server notices through SQLite's data version."""
    thread_id = (await sdk.threads.create())["thread_id"]
    await run(sdk, thread_id, "steps", input={"n": 0})
    history = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    old = {"configurable": {"thread_id": thread_id, "checkpoint_ns": "", **_id(history[2])}}
    path = history_server.data_dir / "checkpoints.sqlite"
    with closing(sqlite3.connect(path, check_same_thread=False)) as conn:
        conn.execute("PRAGMA busy_timeout=10000")
        SqliteSaver(conn).put_writes(old, [("n", 42)], NULL_TASK)
    changed = await assert_history(sdk, reference, thread_id, "steps", limit=50)
    assert changed[2]["values"]["n"] == 42


def _id(state: dict[str, Any]) -> dict[str, str]:
    return {"checkpoint_id": state["checkpoint_id"]}


async def test_the_ui_client_reads_the_same_history(history_server: ServerProcess) -> None:
    """The studio pages through history with `before`; pages join up without gaps."""
    async with httpx.AsyncClient(base_url=history_server.url) as http:
        created = (await http.post("/threads", json={})).json()
        thread_id = created["thread_id"]
        waited = await http.post(
            f"/threads/{thread_id}/runs/wait",
            json={"assistant_id": "delta", "input": {"rounds": 5}},
        )
        assert waited.status_code == 200
        whole = (await http.post(f"/threads/{thread_id}/history", json={"limit": 100})).json()
        pages: list[Any] = []
        before: str | None = None
        while True:
            body: dict[str, Any] = {"limit": 2, **({"before": before} if before else {})}
            page = (await http.post(f"/threads/{thread_id}/history", json=body)).json()
            if not page:
                break
            pages.extend(page)
            before = page[-1]["checkpoint_id"]
        assert pages == whole
