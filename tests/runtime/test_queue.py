"""The durable queue under load and across crashes: every accepted run runs exactly once, in
order per thread, and no run is left `running` by a dead process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from tests.support.server import CLEAN_EXIT, ServerProcess
from tests.support.sse import events

pytestmark = pytest.mark.slow


def _say(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "human", "content": text}]}


async def test_a_burst_runs_every_run_once_in_order(server: ServerProcess) -> None:
    threads, per_thread = 200, 5
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        limit = asyncio.Semaphore(32)

        async def post(path: str, body: dict[str, Any]) -> Any:
            async with limit:
                response = await http.post(path, json=body)
                assert response.status_code == 200, response.text
                return response.json()

        made = await asyncio.gather(*(post("/threads", {}) for _ in range(threads)))
        thread_ids = [t["thread_id"] for t in made]
        runs: list[tuple[str, str]] = []
        for n in range(per_thread):
            created = await asyncio.gather(
                *(
                    post(f"/threads/{tid}/runs", {"assistant_id": "echo", "input": _say(f"m{n}")})
                    for tid in thread_ids
                )
            )
            runs += [(run["thread_id"], run["run_id"]) for run in created]
        assert len({run_id for _, run_id in runs}) == threads * per_thread

        async def join(thread_id: str, run_id: str) -> None:
            async with limit:
                await http.get(f"/threads/{thread_id}/runs/{run_id}/join")

        await asyncio.gather(*(join(tid, rid) for tid, rid in runs))
        statuses = await asyncio.gather(
            *(
                post("/threads/search", {"ids": [tid], "select": ["values", "status"]})
                for tid in thread_ids
            )
        )
    for (found,) in statuses:
        assert found["status"] == "idle"
        assert found["values"]["count"] == per_thread, "each run ran exactly once"
        said = [m["content"] for m in found["values"]["messages"] if m["type"] == "human"]
        assert said == [f"m{n}" for n in range(per_thread)], "runs of a thread ran in order"


async def test_kill_9_mid_run_resumes_from_the_last_checkpoint(tmp_path: Path) -> None:
    first = ServerProcess(tmp_path / "data")
    first.start()
    slow = {"assistant_id": "slow", "input": {}, "stream_mode": "updates", "context": {"delay": 2}}
    async with httpx.AsyncClient(base_url=first.url, timeout=60) as http:
        tid = (await http.post("/threads", json={})).json()["thread_id"]
        stuck = (
            await http.post(f"/threads/{tid}/runs", json={**slow, "stream_resumable": True})
        ).json()
        async with http.stream(
            "GET",
            f"/threads/{tid}/runs/{stuck['run_id']}/stream",
            headers={"Last-Event-ID": "-"},
        ) as response:
            seen = [e.event async for e in _until_first_update(response)]
        assert seen[-1] == "updates", "step1 is done and checkpointed; step2 is sleeping"
        waiting = (
            await http.post(f"/threads/{tid}/runs", json={**slow, "context": {"delay": 0}})
        ).json()
    first.kill()

    second = ServerProcess(tmp_path / "data")
    second.start()
    client = get_client(url=second.url)
    try:
        await client.runs.join(tid, stuck["run_id"])
        await client.runs.join(tid, waiting["run_id"])
        statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
        assert statuses == {stuck["run_id"]: "success", waiting["run_id"]: "success"}
        steps = (await client.threads.get_state(tid))["values"]["steps"]
        assert steps == ["step1", "step2", "step3"] * 2, "the killed run did not start over"
    finally:
        await client.http.client.aclose()
        assert second.stop() in CLEAN_EXIT


async def _until_first_update(response: httpx.Response) -> Any:
    async for event in events(response):
        yield event
        if event.event == "updates":
            return


async def test_a_run_that_keeps_killing_its_server_ends_as_an_error(tmp_path: Path) -> None:
    process = ServerProcess(tmp_path / "data")
    process.start()
    async with httpx.AsyncClient(base_url=process.url) as http:
        tid = (await http.post("/threads", json={})).json()["thread_id"]
        run = (
            await http.post(f"/threads/{tid}/runs", json={"assistant_id": "crash", "input": {}})
        ).json()
    for _ in range(3):  # each start retries the run, which kills the process again
        assert process.wait_exit() == -9
        process = ServerProcess(tmp_path / "data")
        process.start()
    client = get_client(url=process.url)
    try:
        await client.runs.join(tid, run["run_id"])
        found = await client.runs.get(tid, run["run_id"])
        assert found["status"] == "error"
        thread = await client.threads.get(tid)
        assert thread["status"] == "error"
        assert "exceeded max attempts" in thread["error"]["message"]
    finally:
        await client.http.client.aclose()
        assert process.stop() in CLEAN_EXIT


async def test_sigterm_lets_running_runs_finish(tmp_path: Path) -> None:
    process = ServerProcess(tmp_path / "data")
    process.start()
    async with httpx.AsyncClient(base_url=process.url) as http:
        tid = (await http.post("/threads", json={})).json()["thread_id"]
        body = {
            "assistant_id": "slow",
            "input": {},
            "context": {"delay": 0.3},
            "stream_mode": "updates",
        }
        run = (
            await http.post(f"/threads/{tid}/runs", json={**body, "stream_resumable": True})
        ).json()
        async with http.stream(
            "GET", f"/threads/{tid}/runs/{run['run_id']}/stream", headers={"Last-Event-ID": "-"}
        ) as response:
            async for event in events(response):
                if event.event == "updates":
                    break
    assert process.stop() in CLEAN_EXIT
    restarted = ServerProcess(tmp_path / "data")
    restarted.start()
    client = get_client(url=restarted.url)
    try:
        found = await client.runs.get(tid, run["run_id"])
        assert found["status"] == "success", "the run finished before the server stopped"
        state = await client.threads.get_state(tid)
        assert state["values"]["steps"] == ["step1", "step2", "step3"]
    finally:
        await client.http.client.aclose()
        assert restarted.stop() in CLEAN_EXIT
