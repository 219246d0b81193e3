"""Runs: background, wait, stream, join, cancel, errors, interrupts and forks."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, ServerProcess, slow_graph_project

HELLO = {"messages": [{"role": "human", "content": "hello"}]}


async def _events(client: LangGraphClient, *args: Any, **kwargs: Any) -> list[tuple[str, Any]]:
    return [(part.event, part.data) async for part in client.runs.stream(*args, **kwargs)]


async def test_background_run_then_join(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    run = await client.runs.create(thread["thread_id"], "echo", input=HELLO, metadata={"k": "v"})
    assert run["status"] == "pending"
    assert run["thread_id"] == thread["thread_id"]
    assert run["assistant_id"] == run["metadata"]["assistant_id"]
    assert run["metadata"]["k"] == "v"
    assert run["multitask_strategy"] == "enqueue"
    assert run["kwargs"]["input"] == HELLO
    assert run["kwargs"]["stream_mode"] == ["values"]
    configurable = run["kwargs"]["config"]["configurable"]
    assert configurable["run_id"] == run["run_id"]
    assert configurable["thread_id"] == thread["thread_id"]
    assert configurable["graph_id"] == "echo"

    result = await client.runs.join(thread["thread_id"], run["run_id"])
    assert result["count"] == 1
    finished = await client.runs.get(thread["thread_id"], run["run_id"])
    assert finished["status"] == "success"
    thread_after = await client.threads.get(thread["thread_id"])
    assert thread_after["status"] == "idle"
    assert thread_after["metadata"]["graph_id"] == "echo"
    assert thread_after["values"]["count"] == 1
    assert [r["run_id"] for r in await client.runs.list(thread["thread_id"])] == [run["run_id"]]


async def test_wait_returns_final_values(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    result = await client.runs.wait(thread["thread_id"], "echo", input=HELLO)
    assert result["count"] == 1
    assert result["messages"][-1]["content"] == "echo: hello"
    assert result["messages"][-1]["type"] == "ai"


async def test_checkpoints_record_the_run_and_the_server(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    settings = {"model": "small", "limits": {"tokens": 10}, "tags": ["a"]}
    run = await client.runs.create(
        thread["thread_id"], "echo", input=HELLO, config={"configurable": settings}
    )
    await client.runs.join(thread["thread_id"], run["run_id"])
    metadata = (await client.threads.get_state(thread["thread_id"]))["metadata"]
    assert metadata is not None
    assert metadata["run_id"] == run["run_id"]
    # As LangGraph Server: the thread and every setting of the run, not only strings/numbers.
    assert metadata["thread_id"] == thread["thread_id"]
    assert {key: metadata[key] for key in settings} == settings
    assert "checkpoint_ns" not in metadata
    assert metadata["run_attempt"] == 1
    assert metadata["graph_id"] == "echo"
    # What `langgraph dev` writes, observed, whatever its plan is called in the docs.
    assert metadata["langgraph_plan"] == "enterprise"
    assert metadata["langgraph_host"] == "self-hosted"
    assert metadata["langgraph_api_url"].startswith("http://127.0.0.1:")


async def test_stream_values_and_updates(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    events = await _events(
        client, thread["thread_id"], "echo", input=HELLO, stream_mode=["values", "updates"]
    )
    names = [name for name, _ in events]
    assert names[0] == "metadata"
    run_id = events[0][1]["run_id"]
    assert events[0][1] == {"run_id": run_id, "attempt": 1}
    assert names[1:] == ["values", "updates", "values"]
    assert events[2][1]["respond"]["count"] == 1
    assert events[3][1]["count"] == 1


async def test_stream_custom_and_debug_modes(client: LangGraphClient) -> None:
    events = await _events(client, None, "custom", input={"n": 3}, stream_mode="custom")
    assert [data for name, data in events if name == "custom"] == [
        {"i": 0, "of": 3},
        {"i": 1, "of": 3},
        {"i": 2, "of": 3},
    ]
    thread = await client.threads.create()
    debug = await _events(client, thread["thread_id"], "echo", input=HELLO, stream_mode="debug")
    kinds = [data["type"] for name, data in debug if name == "debug"]
    assert kinds[0] == "checkpoint"
    assert {"task", "task_result"} <= set(kinds)
    checkpoint = next(d["payload"] for n, d in debug if n == "debug" and d["type"] == "checkpoint")
    assert checkpoint["checkpoint"]["thread_id"] == thread["thread_id"]


async def test_stream_checkpoints_and_tasks(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    events = await _events(
        client, thread["thread_id"], "echo", input=HELLO, stream_mode=["checkpoints", "tasks"]
    )
    checkpoints = [d for n, d in events if n == "checkpoints"]
    tasks = [d for n, d in events if n == "tasks"]
    assert [c["metadata"]["step"] for c in checkpoints] == [-1, 0, 1]
    assert checkpoints[-1]["values"]["count"] == 1
    assert tasks[0]["name"] == "respond"
    assert "input" in tasks[0]
    assert tasks[1]["name"] == "respond"
    assert tasks[1]["error"] is None


async def test_stream_messages_modes(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tuples = await _events(
        client, thread["thread_id"], "chat", input=HELLO, stream_mode="messages-tuple"
    )
    chunks = [data for name, data in tuples if name == "messages"]
    assert len(chunks) > 3
    message, metadata = chunks[0]
    assert message["type"] == "AIMessageChunk"
    assert metadata["langgraph_node"] == "call_model"
    assert "".join(m["content"] for m, _ in chunks) == "Hello from the fake model"

    legacy = await _events(client, thread["thread_id"], "chat", input=HELLO, stream_mode="messages")
    names = [name for name, _ in legacy]
    assert "messages/metadata" in names
    partials = [data for name, data in legacy if name == "messages/partial"]
    assert partials[-1][0]["content"] == "Hello from the fake model", "partials accumulate"


async def test_stream_events_mode(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    events = await _events(client, thread["thread_id"], "echo", input=HELLO, stream_mode="events")
    kinds = [data["event"] for name, data in events if name == "events"]
    assert kinds[0] == "on_chain_start"
    assert "on_chain_end" in kinds
    root = next(d for n, d in events if n == "events")
    assert root["run_id"] == events[0][1]["run_id"]


async def test_stream_subgraphs(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    events = await _events(
        client,
        thread["thread_id"],
        "nested",
        input={"value": "v"},
        stream_mode="updates",
        stream_subgraphs=True,
    )
    names = [name for name, _ in events]
    sub_events = [n for n in names if n.startswith("updates|")]
    assert len(sub_events) == 2
    assert all(n.startswith("updates|sub:") for n in sub_events)
    assert names.count("updates") == 3


async def test_graph_error_streams_error_event_and_marks_thread(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    events = await _events(client, thread["thread_id"], "fail", input={"value": "x"})
    assert events[-1] == ("error", {"error": "ValueError", "message": "kaboom"})
    failed = await client.threads.get(thread["thread_id"])
    assert failed["status"] == "error"
    assert failed["error"] == {"error": "ValueError", "message": "kaboom"}
    (run,) = await client.runs.list(thread["thread_id"])
    assert run["status"] == "error"

    result = await client.runs.wait(
        thread["thread_id"], "fail", input={"value": "y"}, raise_error=False
    )
    assert result == {"__error__": {"error": "ValueError", "message": "kaboom"}}
    async with httpx.AsyncClient(base_url=server.url) as http:
        ok = await http.get("/ok")
        assert ok.status_code == 200, "a failing graph never takes the server down"


async def test_interrupt_and_resume(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    paused = await client.runs.wait(tid, "approval", input={"topic": "cats"})
    (streamed,) = paused["__interrupt__"]
    assert streamed["value"] == {"question": "approve?", "draft": "draft about cats"}
    interrupt = {"id": streamed["id"], "value": streamed["value"]}
    waiting = await client.threads.get(tid)
    assert waiting["status"] == "interrupted"
    (task_interrupts,) = waiting["interrupts"].values()
    assert task_interrupts == [interrupt]
    state = await client.threads.get_state(tid)
    assert state["next"] == ["review"]
    assert state["interrupts"] == [interrupt]
    (run,) = await client.runs.list(tid)
    assert run["status"] == "success", "a run that stops on interrupt() succeeds"

    resumed = await client.runs.wait(tid, "approval", command={"resume": "yes"})
    assert resumed["approved"] == "yes"
    assert resumed["final"] == "draft about cats / approved='yes'"
    done = await client.threads.get(tid)
    assert done["status"] == "idle"
    assert done["interrupts"] == {}


async def test_interrupt_before_and_after(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    await client.runs.wait(tid, "slow", input={}, interrupt_before=["step2"], context={"delay": 0})
    state = await client.threads.get_state(tid)
    assert state["next"] == ["step2"]
    assert state["values"]["steps"] == ["step1"]
    assert (await client.threads.get(tid))["status"] == "interrupted"
    await client.runs.wait(tid, "slow", input=None, interrupt_after="*", context={"delay": 0})
    state = await client.threads.get_state(tid)
    assert state["values"]["steps"] == ["step1", "step2"]
    await client.runs.wait(tid, "slow", input=None, context={"delay": 0})
    state = await client.threads.get_state(tid)
    assert state["values"]["steps"] == ["step1", "step2", "step3"]
    assert state["next"] == []


async def test_command_goto_and_update(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    await client.runs.wait(tid, "approval", input={"topic": "dogs"})
    result = await client.runs.wait(
        tid, "approval", command={"update": {"draft": "rewritten"}, "resume": "ok"}
    )
    assert result["final"] == "rewritten / approved='ok'"
    jumped = await client.runs.wait(tid, "approval", command={"goto": "finalize"})
    assert jumped["final"] == "rewritten / approved='ok'"


async def test_fork_from_checkpoint_with_edited_state(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    await client.runs.wait(tid, "approval", input={"topic": "cats"})
    paused = await client.threads.get_state(tid)
    edited = await client.threads.update_state(
        tid, {"draft": "a better draft"}, checkpoint_id=paused["checkpoint"]["checkpoint_id"]
    )
    result = await client.runs.wait(
        tid,
        "approval",
        command={"resume": "fine"},
        checkpoint_id=edited["checkpoint"]["checkpoint_id"],
    )
    assert result["final"] == "a better draft / approved='fine'"
    history = await client.threads.get_history(tid, limit=50)
    parents = {h["checkpoint"]["checkpoint_id"]: h["parent_checkpoint"] for h in history}
    assert (
        parents[edited["checkpoint"]["checkpoint_id"]]["checkpoint_id"]
        == paused["checkpoint"]["checkpoint_id"]
    )


async def test_factory_graph_reads_config(client: LangGraphClient) -> None:
    result = await client.runs.wait(
        None, "factory", input={"name": "ann"}, config={"configurable": {"greeting": "hi"}}
    )
    assert result == {"name": "ann", "greeting": "hi ann"}


async def test_stateless_runs(client: LangGraphClient, server: ServerProcess) -> None:
    result = await client.runs.wait(None, "echo", input=HELLO)
    assert result["count"] == 1
    events = await _events(client, None, "echo", input=HELLO, stream_mode="updates")
    assert [n for n, _ in events] == ["metadata", "updates"]
    batch = await client.runs.create_batch(
        [{"assistant_id": "echo", "input": HELLO}, {"assistant_id": "custom", "input": {"n": 1}}]
    )
    assert len(batch) == 2
    assert {r["status"] for r in batch} == {"pending"}
    kept = await client.runs.create(None, "echo", input=HELLO, on_completion="keep")
    await client.runs.join(kept["thread_id"], kept["run_id"])
    kept_thread = await client.threads.get(kept["thread_id"])
    assert kept_thread["values"]["count"] == 1
    async with httpx.AsyncClient(base_url=server.url) as http:
        resume = await http.post(
            "/runs/wait", json={"assistant_id": "echo", "command": {"resume": 1}}
        )
        assert resume.status_code == 400
        assert resume.json() == {"detail": "You must provide a thread_id when resuming."}


async def test_run_creation_errors(client: LangGraphClient, server: ServerProcess) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with httpx.AsyncClient(base_url=server.url) as http:
        unknown_assistant = await http.post(
            f"/threads/{tid}/runs", json={"assistant_id": str(uuid.uuid4())}
        )
        assert unknown_assistant.status_code == 404
        bad_assistant = await http.post(f"/threads/{tid}/runs", json={"assistant_id": "nope"})
        assert bad_assistant.status_code == 422
        assert "echo" in bad_assistant.json()["detail"], "the error lists the graphs"
        missing_thread = await http.post(
            f"/threads/{uuid.uuid4()}/runs", json={"assistant_id": "echo"}
        )
        assert missing_thread.status_code == 404
        bad_mode = await http.post(
            f"/threads/{tid}/runs", json={"assistant_id": "echo", "stream_mode": "telepathy"}
        )
        assert bad_mode.status_code == 422
        assert "stream_mode" in bad_mode.json()["detail"]
        both = await http.post(
            f"/threads/{tid}/runs",
            json={
                "assistant_id": "echo",
                "config": {"configurable": {"a": 1}},
                "context": {"b": 2},
            },
        )
        assert both.status_code == 400
        bad_checkpoint = await http.post(
            f"/threads/{tid}/runs", json={"assistant_id": "echo", "checkpoint_id": "nope"}
        )
        assert bad_checkpoint.status_code == 422
    assert await client.runs.list(tid) == [], "rejected requests leave nothing behind"
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_if_not_exists_create(client: LangGraphClient) -> None:
    thread_id = str(uuid.uuid4())
    result = await client.runs.wait(thread_id, "echo", input=HELLO, if_not_exists="create")
    assert result["count"] == 1
    thread = await client.threads.get(thread_id)
    assert thread["metadata"]["graph_id"] == "echo"
    assert thread["status"] == "idle"


async def test_delete_run(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    run = await client.runs.create(thread["thread_id"], "echo", input=HELLO)
    await client.runs.join(thread["thread_id"], run["run_id"])
    await client.runs.delete(thread["thread_id"], run["run_id"])
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await client.runs.get(thread["thread_id"], run["run_id"])
    assert gone.value.response.status_code == 404


async def test_webhook_urls_are_checked(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        thread = (await http.post("/threads", json={})).json()
        for url, reason in [
            ("/internal/hook", "absolute"),
            ("http://127.0.0.1:9/hook", "Loopback"),
            ("ftp://example.com/hook", "scheme"),
        ]:
            response = await http.post(
                f"/threads/{thread['thread_id']}/runs",
                json={"assistant_id": "echo", "webhook": url},
            )
            assert response.status_code == 422, url
            assert reason in response.json()["detail"]
        assert (await http.get(f"/threads/{thread['thread_id']}/runs")).json() == []


async def test_stateless_stream_points_at_a_joinable_location(server: ServerProcess) -> None:
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream(
            "POST",
            "/runs/stream",
            json={
                "assistant_id": "custom",
                "input": {"n": 2},
                "stream_mode": "custom",
                "on_completion": "keep",
            },
        ) as response,
    ):
        location = response.headers["location"]
        run_id = location.split("/")[2]
        assert location == f"/runs/{run_id}/stream"
        assert response.headers["content-location"] == f"/runs/{run_id}"
        first = [line async for line in response.aiter_lines()]
    assert any(line.startswith("event: custom") for line in first)
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream("GET", location, headers={"Last-Event-ID": "-"}) as replay,
    ):
        assert replay.status_code == 200
        lines = [line async for line in replay.aiter_lines()]
    assert sum(line == "event: custom" for line in lines) == 2


async def test_update_state_with_an_unknown_node_is_a_client_error(
    client: LangGraphClient,
) -> None:
    thread = await client.threads.create()
    await client.runs.wait(thread["thread_id"], "echo", input=HELLO)
    with pytest.raises(httpx.HTTPStatusError) as bad:
        await client.threads.update_state(thread["thread_id"], {"count": 1}, as_node="nope")
    assert bad.value.response.status_code == 400
    assert "nope" in bad.value.response.json()["detail"]


async def test_create_thread_with_supersteps(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create(
        graph_id="echo",
        supersteps=[
            {
                "updates": [
                    {
                        "values": {"messages": [{"role": "human", "content": "s1"}]},
                        "as_node": "__start__",
                    }
                ]
            },
            {"updates": [{"values": {"count": 5}, "as_node": "respond"}]},
        ],
    )
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"]["count"] == 5
    assert state["values"]["messages"][0]["content"] == "s1"
    assert thread["values"]["count"] == 5
    async with httpx.AsyncClient(base_url=server.url) as http:
        no_graph = await http.post(
            "/threads", json={"supersteps": [{"updates": [{"values": {}, "as_node": "x"}]}]}
        )
        assert no_graph.status_code == 400
        bad_node = await http.post(
            "/threads",
            json={
                "metadata": {"graph_id": "echo"},
                "thread_id": (tid := str(uuid.uuid4())),
                "supersteps": [{"updates": [{"values": {"count": 1}, "as_node": "nope"}]}],
            },
        )
        assert bad_node.status_code == 400
        assert (await http.get(f"/threads/{tid}")).status_code == 404, "nothing half-written"


async def test_a_failed_run_keeps_its_traceback(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        thread = (await http.post("/threads", json={})).json()
        tid = thread["thread_id"]
        run = (
            await http.post(
                f"/threads/{tid}/runs", json={"assistant_id": "fail", "input": {"value": "x"}}
            )
        ).json()
        await http.get(f"/threads/{tid}/runs/{run['run_id']}/join")
        found = (await http.get(f"/threads/{tid}/runs/{run['run_id']}/traceback")).json()
        assert found["status"] == "error"
        assert "ValueError: kaboom" in found["traceback"]
        assert "fail.py" in found["traceback"]
        ok = (
            await http.post(f"/threads/{tid}/runs/wait", json={"assistant_id": "echo"})
        ).status_code
        assert ok == 200
        good = (await http.get(f"/threads/{tid}/runs")).json()[0]
        clean = (await http.get(f"/threads/{tid}/runs/{good['run_id']}/traceback")).json()
        assert clean["traceback"] is None
        assert "traceback" not in good, "the Run itself keeps LangGraph Server's shape"


async def test_a_run_over_its_time_limit_ends_as_timeout(tmp_path: Path) -> None:
    project = slow_graph_project(tmp_path / "project", {"run_timeout_seconds": 0.5})
    process = ServerProcess(tmp_path / "data", project=project)
    process.start()
    sdk = get_client(url=process.url)
    try:
        thread = await sdk.threads.create()
        tid = thread["thread_id"]
        parts = [
            (p.event, p.data)
            async for p in sdk.runs.stream(tid, "slow", input={}, context={"delay": 0.2})
        ]
        assert parts[-1][0] == "error"
        assert parts[-1][1]["error"] == "TimeoutError"
        (run,) = await sdk.runs.list(tid)
        assert run["status"] == "timeout"
        found = await sdk.threads.get(tid)
        assert found["status"] == "error"
        state = await sdk.threads.get_state(tid)
        assert state["values"]["steps"][:1] == ["step1"], "progress before the limit is kept"
    finally:
        await sdk.http.client.aclose()
        assert process.stop() in CLEAN_EXIT
