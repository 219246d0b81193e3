"""Threads, their state and history, over the SDK against a real server."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from tests.support.server import ServerProcess

HELLO = {"messages": [{"role": "human", "content": "hello"}]}


async def test_create_get_patch_delete(client: LangGraphClient) -> None:
    thread_id = str(uuid.uuid4())
    created = await client.threads.create(thread_id=thread_id, metadata={"owner": "ann"})
    assert created["thread_id"] == thread_id
    assert created["status"] == "idle"
    assert created["metadata"] == {"owner": "ann"}
    assert created["values"] is None
    assert created["interrupts"] == {}
    assert created["created_at"] == created["updated_at"]
    assert await client.threads.get(thread_id) == created

    with pytest.raises(httpx.HTTPStatusError) as conflict:
        await client.threads.create(thread_id=thread_id)
    assert conflict.value.response.status_code == 409
    assert (await client.threads.create(thread_id=thread_id, if_exists="do_nothing")) == created

    patched = await client.threads.update(thread_id, metadata={"topic": "tests"})
    assert patched["metadata"] == {"owner": "ann", "topic": "tests"}
    assert patched["updated_at"] > created["updated_at"]

    await client.threads.delete(thread_id)
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await client.threads.get(thread_id)
    assert gone.value.response.status_code == 404
    assert thread_id in gone.value.response.json()["detail"]


async def test_generated_ids_are_time_ordered(client: LangGraphClient) -> None:
    first = await client.threads.create()
    second = await client.threads.create()
    assert uuid.UUID(first["thread_id"]).version == 7
    assert first["thread_id"] < second["thread_id"]


async def test_bad_thread_requests(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        bad_id = await http.get("/threads/not-a-uuid")
        assert bad_id.status_code == 422
        assert bad_id.json() == {"detail": "Invalid thread ID: must be a UUID"}
        bad_body = await http.post("/threads", json={"metadata": "not an object"})
        assert bad_body.status_code == 422
        assert "metadata" in bad_body.json()["detail"]
        bad_create_id = await http.post("/threads", json={"thread_id": "xyz"})
        assert bad_create_id.status_code == 422
        bad_status = await http.post("/threads/search", json={"status": "sleeping"})
        assert bad_status.status_code == 422
        assert "status" in bad_status.json()["detail"]
        negative = await http.post("/threads/search", json={"offset": -1})
        assert negative.status_code == 422


async def test_search_and_count(client: LangGraphClient, server: ServerProcess) -> None:
    tag = str(uuid.uuid4())
    made = [
        await client.threads.create(metadata={"suite": tag, "n": n, "tags": ["x", f"t{n}"]})
        for n in range(3)
    ]
    found = await client.threads.search(metadata={"suite": tag})
    assert [t["thread_id"] for t in found] == [t["thread_id"] for t in reversed(made)]
    oldest_first = await client.threads.search(
        metadata={"suite": tag}, sort_by="created_at", sort_order="asc"
    )
    assert [t["thread_id"] for t in oldest_first] == [t["thread_id"] for t in made]
    assert [
        t["metadata"]["n"] for t in await client.threads.search(metadata={"suite": tag, "n": 1})
    ] == [1]
    contains = await client.threads.search(metadata={"suite": tag, "tags": ["t2"]})
    assert [t["metadata"]["n"] for t in contains] == [2], "arrays match as subsets (jsonb @>)"
    assert await client.threads.search(metadata={"suite": tag, "n": "1"}) == [], "types matter"
    assert await client.threads.count(metadata={"suite": tag}) == 3
    assert await client.threads.count(metadata={"suite": tag}, status="busy") == 0

    by_ids = await client.threads.search(ids=[made[0]["thread_id"]])
    assert [t["thread_id"] for t in by_ids] == [made[0]["thread_id"]]

    await client.runs.wait(made[0]["thread_id"], "echo", input=HELLO)
    by_values = await client.threads.search(metadata={"suite": tag}, values={"count": 1})
    assert [t["thread_id"] for t in by_values] == [made[0]["thread_id"]]

    async with httpx.AsyncClient(base_url=server.url) as http:
        page = await http.post("/threads/search", json={"metadata": {"suite": tag}, "limit": 2})
        assert len(page.json()) == 2
        assert page.headers["x-pagination-total"] == "3"
        assert page.headers["x-pagination-next"] == "2"
        picked = await http.post(
            "/threads/search",
            json={
                "ids": [made[0]["thread_id"]],
                "select": ["thread_id", "values"],
                "extract": {"last": "values.messages[-1].content", "n": "metadata.n"},
            },
        )
        (row,) = picked.json()
        assert set(row) == {"thread_id", "values", "extracted"}
        assert row["extracted"] == {"last": "echo: hello", "n": 0}


async def test_state_history_and_checkpoints(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    empty = await client.threads.get_state(tid)
    assert empty["values"] == {}
    assert empty["next"] == []
    assert empty["checkpoint"] is None
    assert await client.threads.get_history(tid) == []

    await client.runs.wait(tid, "echo", input=HELLO)
    await client.runs.wait(tid, "echo", input={"messages": [{"role": "human", "content": "again"}]})
    state = await client.threads.get_state(tid)
    assert state["values"]["count"] == 2
    assert [m["content"] for m in state["values"]["messages"]] == [
        "hello",
        "echo: hello",
        "again",
        "echo: again",
    ]
    assert state["next"] == []
    assert state["checkpoint"]["thread_id"] == tid
    assert state["checkpoint"]["checkpoint_ns"] == ""
    assert state["metadata"]["source"] == "loop"
    assert state["parent_checkpoint"]["checkpoint_id"] == state["parent_checkpoint_id"]

    history = await client.threads.get_history(tid)
    assert [h["metadata"]["step"] for h in history] == [4, 3, 2, 1, 0, -1]
    assert history[0]["checkpoint"] == state["checkpoint"]
    assert len(await client.threads.get_history(tid, limit=2)) == 2
    older = await client.threads.get_history(tid, before=history[1]["checkpoint"]["checkpoint_id"])
    assert [h["metadata"]["step"] for h in older] == [2, 1, 0, -1]
    inputs = await client.threads.get_history(tid, metadata={"source": "input"})
    assert [h["metadata"]["step"] for h in inputs] == [2, -1]

    first = history[3]
    at = await client.threads.get_state(tid, checkpoint_id=first["checkpoint"]["checkpoint_id"])
    assert at["values"]["count"] == 1
    assert at["checkpoint"] == first["checkpoint"]
    by_object = await client.threads.get_state(tid, checkpoint=first["checkpoint"])
    assert by_object["values"] == at["values"]

    with pytest.raises(httpx.HTTPStatusError) as missing:
        await client.threads.get_state(tid, checkpoint_id=str(uuid.uuid4()))
    assert missing.value.response.status_code == 404


async def test_update_state_forks_and_reruns(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as no_graph:
        await client.threads.update_state(tid, {"count": 5})
    assert no_graph.value.response.status_code == 400
    assert "graph ID" in no_graph.value.response.json()["detail"]

    await client.runs.wait(tid, "echo", input=HELLO)
    history = await client.threads.get_history(tid)
    before_node = history[1]  # the checkpoint whose next task is `respond`
    assert before_node["next"] == ["respond"]

    forked = await client.threads.update_state(
        tid,
        {"count": 41},
        as_node="respond",
        checkpoint_id=before_node["checkpoint"]["checkpoint_id"],
    )
    assert forked["checkpoint"]["thread_id"] == tid
    fork_state = await client.threads.get_state(tid)
    assert fork_state["checkpoint"]["checkpoint_id"] == forked["checkpoint"]["checkpoint_id"]
    assert fork_state["values"]["count"] == 41
    assert fork_state["metadata"]["source"] == "update"
    assert (
        fork_state["parent_checkpoint"]["checkpoint_id"]
        == before_node["checkpoint"]["checkpoint_id"]
    )
    thread_row = await client.threads.get(tid)
    assert thread_row["values"]["count"] == 41, "the thread row follows its state"

    # Studio's "re-run from here": copy a checkpoint, then run from it with no input.
    copied = await client.threads.update_state(
        tid, None, as_node="__copy__", checkpoint_id=before_node["checkpoint"]["checkpoint_id"]
    )
    result = await client.runs.wait(
        tid, "echo", input=None, checkpoint_id=copied["checkpoint"]["checkpoint_id"]
    )
    assert result["count"] == 1
    assert [m["content"] for m in result["messages"]] == ["hello", "echo: hello"]


async def test_copy_thread(client: LangGraphClient) -> None:
    thread = await client.threads.create(metadata={"kind": "original"})
    await client.runs.wait(thread["thread_id"], "echo", input=HELLO)
    copy = await client.threads.copy(thread["thread_id"])
    assert copy["thread_id"] != thread["thread_id"]
    assert copy["metadata"]["kind"] == "original"
    assert copy["status"] == "idle"
    original_state = await client.threads.get_state(thread["thread_id"])
    copied_state = await client.threads.get_state(copy["thread_id"])
    assert copied_state["values"] == original_state["values"]
    assert copied_state["checkpoint"]["thread_id"] == copy["thread_id"]
    copied_history = await client.threads.get_history(copy["thread_id"])
    assert len(copied_history) == len(await client.threads.get_history(thread["thread_id"]))
    await client.runs.wait(copy["thread_id"], "echo", input=HELLO)
    assert (await client.threads.get_state(copy["thread_id"]))["values"]["count"] == 2
    assert (await client.threads.get_state(thread["thread_id"]))["values"]["count"] == 1


async def test_subgraph_state(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    await client.runs.wait(tid, "nested", input={"value": "v", "pause": True})
    state = await client.threads.get_state(tid, subgraphs=True)
    assert state["next"] == ["sub"]
    (task,) = state["tasks"]
    assert task["name"] == "sub"
    nested = task["state"]
    assert nested["next"] == ["sub_b"]
    assert nested["values"]["inner"] == ["sub_a"]
    assert nested["tasks"][0]["interrupts"][0]["value"] == {"in": "sub_b"}
    plain = await client.threads.get_state(tid)
    assert plain["tasks"][0]["state"] is None
    assert plain["tasks"][0]["checkpoint"]["checkpoint_ns"].startswith("sub:")


async def test_prune_deletes_threads(client: LangGraphClient) -> None:
    keep = await client.threads.create()
    doomed = await client.threads.create()
    await client.runs.wait(doomed["thread_id"], "echo", input=HELLO)
    result = await client.threads.prune([doomed["thread_id"], str(uuid.uuid4())])
    assert result == {"pruned_count": 1}
    with pytest.raises(httpx.HTTPStatusError):
        await client.threads.get(doomed["thread_id"])
    assert (await client.threads.get(keep["thread_id"]))["thread_id"] == keep["thread_id"]


async def test_subgraph_history_by_namespace(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    await client.runs.wait(tid, "nested", input={"value": "v", "pause": True})
    state = await client.threads.get_state(tid)
    namespace = state["tasks"][0]["checkpoint"]["checkpoint_ns"]
    inner = await client.threads.get_history(tid, checkpoint={"checkpoint_ns": namespace})
    assert inner, "the subgraph has its own history"
    assert all(h["checkpoint"]["checkpoint_ns"] == namespace for h in inner)
    assert inner[0]["next"] == ["sub_b"]


async def test_thread_stream_lifecycle_through_the_sdk(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    stream = await client.threads.join_stream(tid, stream_mode="lifecycle")
    first = asyncio.ensure_future(anext(stream))
    while not first.done():
        run = await client.runs.create(tid, "echo", input=HELLO)
        await client.runs.join(tid, run["run_id"])
    started = first.result()
    assert started.event == "metadata"
    ended = await anext(stream)
    assert ended.event == "metadata"
    assert ended.data["status"] == "run_done"
    await stream.aclose()
