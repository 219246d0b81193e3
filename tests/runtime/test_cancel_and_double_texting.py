"""Cancelling runs and the four multitask strategies, on a graph slow enough to interrupt.

A run is known to be executing once its stream has delivered the `metadata` event, which the
executor publishes as it starts; no test waits on the clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from tests.support.server import ServerProcess
from tests.support.sse import Event, events

LONG = {"delay": 60}  # a step that would take a minute: only a cancel ends it
QUICK = {"delay": 0}


@asynccontextmanager
async def running(
    server: ServerProcess, thread_id: str, **body: Any
) -> AsyncIterator[tuple[str, AsyncIterator[Event]]]:
    """Start a streamed run and yield once it executes: (run_id, the rest of its events)."""
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=120) as http,
        http.stream(
            "POST",
            f"/threads/{thread_id}/runs/stream",
            json={"assistant_id": "slow", "input": {}, **body},
        ) as response,
    ):
        stream = events(response)
        first = await anext(stream)
        assert first.event == "metadata"
        yield first.data["run_id"], stream


async def test_cancel_interrupts_a_running_run(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context=LONG) as (run_id, _):
        assert (await client.runs.get(tid, run_id))["status"] == "running"
        assert (await client.threads.get(tid))["status"] == "busy"
        await client.runs.cancel(tid, run_id, wait=True)
    assert (await client.runs.get(tid, run_id))["status"] == "interrupted"
    thread_after = await client.threads.get(tid)
    assert thread_after["status"] != "busy"
    with pytest.raises(httpx.HTTPStatusError) as again:
        await client.runs.cancel(tid, run_id)
    assert again.value.response.status_code == 404


async def test_cancel_a_pending_run(client: LangGraphClient) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    delayed = await client.runs.create(tid, "slow", input={}, context=QUICK, after_seconds=3600)
    assert (await client.threads.get(tid))["status"] == "busy"
    await client.runs.cancel(tid, delayed["run_id"])
    assert (await client.runs.get(tid, delayed["run_id"]))["status"] == "interrupted"
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_reject_answers_409_and_changes_nothing(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context=LONG) as (run_id, _):
        with pytest.raises(httpx.HTTPStatusError) as busy:
            await client.runs.create(
                tid, "slow", input={}, context=QUICK, multitask_strategy="reject"
            )
        assert busy.value.response.status_code == 409
        assert "already running" in busy.value.response.json()["detail"]
        assert [r["run_id"] for r in await client.runs.list(tid)] == [run_id]
        await client.runs.cancel(tid, run_id, wait=True)


async def test_enqueue_runs_in_order(client: LangGraphClient, server: ServerProcess) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context={"delay": 0.05}) as (first_id, rest):
        second = await client.runs.create(
            tid, "slow", input={}, context=QUICK, multitask_strategy="enqueue"
        )
        assert second["status"] == "pending"
        async for _ in rest:
            pass
    await client.runs.join(tid, second["run_id"])
    statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert statuses == {first_id: "success", second["run_id"]: "success"}
    state = await client.threads.get_state(tid)
    assert state["values"]["steps"] == ["step1", "step2", "step3"] * 2


async def test_interrupt_keeps_progress_and_starts_the_new_run(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    first = await client.runs.create(
        tid, "slow", input={}, context=QUICK, interrupt_before=["step2"]
    )
    await client.runs.join(tid, first["run_id"])
    first_id = first["run_id"]
    assert (await client.threads.get_state(tid))["next"] == ["step2"]
    async with running(server, tid, context=LONG, input=None) as (second_id, _):
        third = await client.runs.wait(
            tid, "slow", input=None, context=QUICK, multitask_strategy="interrupt"
        )
    statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert statuses[first_id] == "success"
    assert statuses[second_id] == "interrupted"
    assert third["steps"] == ["step1", "step2", "step3"]


async def test_rollback_deletes_the_running_run_and_its_checkpoints(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    earlier = await client.runs.create(
        tid, "echo", input={"messages": [{"role": "human", "content": "a"}]}
    )
    await client.runs.join(tid, earlier["run_id"])
    history_before = await client.threads.get_history(tid, limit=100)
    async with running(server, tid, context=LONG) as (doomed_id, _):
        replacement = await client.runs.create(
            tid, "echo", input={"messages": []}, multitask_strategy="rollback"
        )
    await client.runs.join(tid, replacement["run_id"])
    assert [r["run_id"] for r in await client.runs.list(tid)] == [
        replacement["run_id"],
        earlier["run_id"],
    ]
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await client.runs.get(tid, doomed_id)
    assert gone.value.response.status_code == 404
    history = await client.threads.get_history(tid, limit=100)
    run_ids = {h["metadata"].get("run_id") for h in history}
    assert doomed_id not in run_ids, "the rolled back run's checkpoints are gone"
    assert len(history) > len(history_before)


async def test_stream_on_disconnect_cancel(client: LangGraphClient, server: ServerProcess) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context=LONG, on_disconnect="cancel") as (run_id, _):
        pass
    await client.runs.join(tid, run_id)
    assert (await client.runs.get(tid, run_id))["status"] == "interrupted"


async def test_stream_default_continues_after_disconnect(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context={"delay": 0.05}) as (run_id, _):
        pass
    await client.runs.join(tid, run_id)
    assert (await client.runs.get(tid, run_id))["status"] == "success"


async def test_cancel_many(client: LangGraphClient, server: ServerProcess) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    first = await client.runs.create(tid, "slow", input={}, context=QUICK, after_seconds=3600)
    second = await client.runs.create(tid, "slow", input={}, context=QUICK, after_seconds=3600)
    await client.runs.cancel_many(thread_id=tid, run_ids=[first["run_id"], second["run_id"]])
    assert {r["status"] for r in await client.runs.list(tid)} == {"interrupted"}
    async with httpx.AsyncClient(base_url=server.url) as http:
        mixed = await http.post("/runs/cancel", json={"status": "all", "thread_id": tid})
        assert mixed.status_code == 422
        nothing = await http.post(
            "/runs/cancel", json={"thread_id": tid, "run_ids": [first["run_id"]]}
        )
        assert nothing.status_code == 404


async def test_cancel_with_rollback_deletes_the_run(
    client: LangGraphClient, server: ServerProcess
) -> None:
    thread = await client.threads.create()
    tid = thread["thread_id"]
    async with running(server, tid, context=LONG) as (run_id, _):
        await client.runs.cancel(tid, run_id, wait=True, action="rollback")
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await client.runs.get(tid, run_id)
    assert gone.value.response.status_code == 404
    assert await client.threads.get_history(tid) == [], "its checkpoints are gone too"
    assert (await client.threads.get(tid))["status"] == "idle"
