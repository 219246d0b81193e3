"""SSE framing, event ids, resuming with Last-Event-ID, joins, and thread streams."""

from __future__ import annotations

import httpx
from langgraph_sdk.client import LangGraphClient

from tests.support.server import ServerProcess
from tests.support.sse import collect, events

HELLO = {"messages": [{"role": "human", "content": "hello"}]}


async def test_sse_framing_headers_and_increasing_ids(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream(
            "POST",
            f"/threads/{tid}/runs/stream",
            json={"assistant_id": "custom", "input": {"n": 300}, "stream_mode": "custom"},
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        run_path = response.headers["content-location"]
        assert run_path.startswith(f"/threads/{tid}/runs/")
        assert response.headers["location"] == f"{run_path}/stream"
        raw = [event async for event in events(response)]
    assert [e.event for e in raw] == ["metadata"] + ["custom"] * 300
    ids = [int(e.id) for e in raw if e.id is not None]
    assert len(ids) == len(raw), "every event carries an id"
    assert ids == sorted(set(ids)), "ids are unique and increasing"
    assert [e.data["i"] for e in raw[1:]] == list(range(300))


async def test_join_stream_resumes_after_last_event_id(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    run = await client.runs.create(
        tid, "custom", input={"n": 50}, stream_mode="custom", stream_resumable=True
    )
    await client.runs.join(tid, run["run_id"])
    async with httpx.AsyncClient(base_url=server.url) as http:
        url = f"/threads/{tid}/runs/{run['run_id']}/stream"
        async with http.stream("GET", url, headers={"Last-Event-ID": "-"}) as response:
            everything = await collect(response)
        assert [e.event for e in everything] == ["metadata"] + ["custom"] * 50
        cut = everything[20].id
        async with http.stream("GET", url, headers={"Last-Event-ID": cut}) as response:
            rest = await collect(response)
        assert [e.id for e in rest] == [e.id for e in everything[21:]], "no gap, no duplicate"
        async with http.stream("GET", url) as response:
            assert await collect(response) == [], "a finished run without Last-Event-ID is empty"


async def test_reconnect_mid_run_gets_every_missed_event_once(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    body = {
        "assistant_id": "slow",
        "input": {},
        "stream_mode": "updates",
        "stream_resumable": True,
        "context": {"delay": 0.05},
    }
    async with httpx.AsyncClient(base_url=server.url) as http:
        async with http.stream("POST", f"/threads/{tid}/runs/stream", json=body) as response:
            location = response.headers["location"]
            first = await collect(response, until="updates")
        assert [e.event for e in first] == ["metadata", "updates"]
        async with http.stream(
            "GET", location, headers={"Last-Event-ID": first[-1].id}
        ) as response:
            rest = await collect(response)
    assert [e.event for e in rest] == ["updates", "updates"]
    steps = [next(iter(e.data)) for e in first[1:] + rest]
    assert steps == ["step1", "step2", "step3"]
    ids = [int(e.id) for e in first + rest]
    assert ids == list(range(ids[0], ids[0] + len(ids)))


async def test_join_stream_filters_modes(client: LangGraphClient, server: ServerProcess) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    run = await client.runs.create(
        tid,
        "echo",
        input=HELLO,
        stream_mode=["values", "updates"],
        stream_resumable=True,
    )
    await client.runs.join(tid, run["run_id"])
    joined = [
        part.event
        async for part in client.runs.join_stream(
            tid, run["run_id"], stream_mode="updates", last_event_id="-"
        )
    ]
    assert joined == ["updates"], "a filtered join sends only the modes asked for"


async def test_thread_stream_sees_runs_and_state_updates(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream(
            "GET", f"/threads/{tid}/stream", params={"stream_modes": "run_modes,state_update"}
        ) as response,
    ):
        assert response.status_code == 200
        stream = events(response)
        run = await client.runs.create(tid, "echo", input=HELLO, stream_mode="updates")
        seen = [await anext(stream) for _ in range(3)]
        assert seen[0].data == {"run_id": run["run_id"], "attempt": 1}
        assert [e.event for e in seen] == ["metadata", "updates", "metadata"]
        assert seen[-1].data == {"status": "run_done", "run_id": run["run_id"]}
        await client.threads.update_state(tid, {"count": 9})
        update = await anext(stream)
        assert update.event == "state_update"
        assert update.data["thread_id"] == tid
        assert update.data["state"]["values"]["count"] == 9


async def test_join_of_a_finished_run_returns_its_result(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    run = await client.runs.create(thread["thread_id"], "echo", input=HELLO)
    first = await client.runs.join(thread["thread_id"], run["run_id"])
    again = await client.runs.join(thread["thread_id"], run["run_id"])
    assert first == again
    assert again["count"] == 1
