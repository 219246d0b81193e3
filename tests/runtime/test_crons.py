"""Crons over the SDK: create, search, count, patch, delete, and the scheduler firing every
tick once, across restarts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from langgraph_sdk.client import LangGraphClient

from tests.support.polling import eventually
from tests.support.projects import request_properties, running, sdk_client
from tests.support.server import ServerProcess

HELLO = {"messages": [{"role": "human", "content": "tick"}]}
NEVER = "0 0 1 1 *"  # once a year: these crons must not fire during the test
EVERY_SECOND = "* * * * * *"


def _tick_of(run: dict[str, Any]) -> int:
    """The tick a cron run was started for: cron runs are UUIDv7 stamped with their tick."""
    return int(run["run_id"].replace("-", "")[:12], 16)


async def test_create_search_update_delete(client: LangGraphClient, server: ServerProcess) -> None:
    tag = uuid.uuid4().hex
    thread = await client.threads.create()
    end = datetime.now(UTC) + timedelta(days=30)
    stateless = await client.crons.create(
        "echo", schedule=NEVER, input=HELLO, metadata={"tag": tag, "n": 1}, end_time=end
    )
    assert stateless["thread_id"] is None
    assert stateless["on_run_completed"] == "delete"
    assert stateless["enabled"] is True
    assert stateless["user_id"] == ""
    assert stateless["payload"]["input"] == HELLO
    assert stateless["payload"]["assistant_id"] == stateless["assistant_id"]
    assert stateless["payload"]["config"]["configurable"]["cron_id"] == stateless["cron_id"]
    assert datetime.fromisoformat(stateless["end_time"]) == end
    assert datetime.fromisoformat(stateless["next_run_date"]).month == 1

    on_thread = await client.crons.create_for_thread(
        thread["thread_id"],
        "echo",
        schedule=NEVER,
        input=HELLO,
        metadata={"tag": tag, "n": 2},
        timezone="Europe/Paris",
        multitask_strategy="reject",
    )
    assert on_thread["thread_id"] == thread["thread_id"]
    assert on_thread["on_run_completed"] is None
    assert on_thread["timezone"] == "Europe/Paris"

    found = await client.crons.search(metadata={"tag": tag}, sort_by="created_at", sort_order="asc")
    assert [c["cron_id"] for c in found] == [stateless["cron_id"], on_thread["cron_id"]]
    assert await client.crons.count(metadata={"tag": tag}) == 2
    assert await client.crons.count(thread_id=thread["thread_id"]) == 1
    by_graph = await client.crons.search(assistant_id="echo", metadata={"tag": tag})
    assert len(by_graph) == 2
    only_thread = await client.crons.search(thread_id=thread["thread_id"])
    assert [c["cron_id"] for c in only_thread] == [on_thread["cron_id"]]
    selected = await client.crons.search(metadata={"tag": tag}, select=["cron_id", "schedule"])
    assert all(set(c) == {"cron_id", "schedule"} for c in selected)

    updated = await client.crons.update(
        stateless["cron_id"],
        schedule="0 12 * * *",
        enabled=False,
        metadata={"u": 1},
        end_time=None,
        input={"messages": [{"role": "human", "content": "changed"}]},
    )
    assert updated["schedule"] == "0 12 * * *"
    assert datetime.fromisoformat(updated["next_run_date"]).hour == 12
    assert updated["enabled"] is False
    assert updated["end_time"] is None
    assert updated["metadata"] == {"tag": tag, "n": 1, "u": 1}
    assert updated["payload"]["input"]["messages"][0]["content"] == "changed"
    assert updated["payload"]["config"]["configurable"]["cron_id"] == stateless["cron_id"]
    assert await client.crons.search(metadata={"tag": tag}, enabled=False) == [updated]

    async with httpx.AsyncClient(base_url=server.url) as http:
        got = await http.get(f"/runs/crons/{stateless['cron_id']}")
        assert got.json() == updated
        empty = await http.patch(f"/runs/crons/{stateless['cron_id']}", json={})
        assert empty.status_code == 400

    await client.crons.delete(stateless["cron_id"])
    assert await client.crons.count(metadata={"tag": tag}) == 1
    # Deleting a thread deletes its crons, as LangGraph Server does.
    await client.threads.delete(thread["thread_id"])
    assert await client.crons.count(metadata={"tag": tag}) == 0


async def test_cron_errors(client: LangGraphClient, server: ServerProcess) -> None:
    missing = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=server.url) as http:

        async def post(path: str, **body: Any) -> httpx.Response:
            return await http.post(path, json={"assistant_id": "echo", "schedule": NEVER, **body})

        bad_schedule = await post("/runs/crons", schedule="not a cron")
        assert bad_schedule.status_code == 422
        assert "Invalid cron schedule" in bad_schedule.json()["detail"]
        bad_zone = await post("/runs/crons", timezone="Mars/Base")
        assert bad_zone.status_code == 422
        assert "Invalid timezone" in bad_zone.json()["detail"]
        no_schedule = await http.post("/runs/crons", json={"assistant_id": "echo"})
        assert no_schedule.status_code == 422
        assert "schedule" in no_schedule.json()["detail"]
        bad_end = await post("/runs/crons", end_time="tomorrow")
        assert bad_end.status_code == 422
        assert "end_time" in bad_end.json()["detail"]
        unknown_graph = await post("/runs/crons", assistant_id="nope")
        assert unknown_graph.status_code == 422
        unknown_assistant = await post("/runs/crons", assistant_id=missing)
        assert unknown_assistant.status_code == 404
        unknown_thread = await post(f"/threads/{missing}/runs/crons")
        assert unknown_thread.status_code == 404
        bad_thread = await post("/threads/not-a-uuid/runs/crons")
        assert bad_thread.status_code == 422
        both = await post("/runs/crons", config={"configurable": {"a": 1}}, context={"b": 2})
        assert both.status_code == 400
        loopback = await post("/runs/crons", webhook="http://127.0.0.1:9/hook")
        assert loopback.status_code == 422
        assert (await http.get(f"/runs/crons/{missing}")).status_code == 404
        assert (await http.get("/runs/crons/zzz")).status_code == 422
        assert (await http.delete(f"/runs/crons/{missing}")).status_code == 404
        patch_missing = await http.patch(f"/runs/crons/{missing}", json={"enabled": False})
        assert patch_missing.status_code == 404
        bad_sort = await http.post("/runs/crons/search", json={"sort_by": "bogus"})
        assert bad_sort.status_code == 422
        assert "sort_by" in bad_sort.json()["detail"]
        bad_filter = await http.post("/runs/crons/count", json={"thread_id": "zzz"})
        assert bad_filter.status_code == 422
    assert await client.crons.count(assistant_id=missing) == 0


async def test_a_stateless_cron_keeps_the_threads_it_is_told_to(client: LangGraphClient) -> None:
    tag = uuid.uuid4().hex
    cron = await client.crons.create(
        "echo", schedule=EVERY_SECOND, input=HELLO, metadata={"tag": tag}, on_run_completed="keep"
    )
    try:
        threads = await eventually(
            lambda: client.threads.search(metadata={"tag": tag}, limit=100),
            lambda found: len(found) >= 2,
            what="two runs of an every-second cron",
        )
    finally:
        await client.crons.delete(cron["cron_id"])
    assert {t["metadata"]["assistant_id"] for t in threads} == {cron["assistant_id"]}
    for thread in threads:
        runs = await client.runs.list(thread["thread_id"])
        assert len(runs) == 1
        configurable = runs[0]["kwargs"]["config"]["configurable"]
        assert configurable["cron_id"] == cron["cron_id"]
        assert runs[0]["metadata"]["tag"] == tag


async def test_every_tick_fires_once_across_restarts(tmp_path: Path) -> None:
    thread_id = str(uuid.uuid4())

    async def more_runs(client: LangGraphClient, count: int) -> list[dict[str, Any]]:
        before = len(await client.runs.list(thread_id, limit=1000))
        return await eventually(
            lambda: client.runs.list(thread_id, limit=1000),
            lambda runs: len(runs) >= before + count,
            what=f"{count} more cron runs",
        )

    with running(ServerProcess(tmp_path / "data")) as first:
        async with sdk_client(first) as client:
            await client.threads.create(thread_id=thread_id)
            await client.crons.create_for_thread(
                thread_id, "echo", schedule=EVERY_SECOND, input=HELLO
            )
            await more_runs(client, 3)
    with running(ServerProcess(tmp_path / "data")) as second:
        async with sdk_client(second) as client:
            await more_runs(client, 2)
            (cron,) = await client.crons.search(thread_id=thread_id)
            await client.crons.delete(cron["cron_id"])
            runs = await client.runs.list(thread_id, limit=1000)
            ticks = [_tick_of(run) for run in runs]
            assert len(set(ticks)) == len(ticks), "no tick ran twice"
            assert all(tick % 1000 == 0 for tick in ticks), "each run is named by its tick"
            for run in runs:
                await client.runs.join(thread_id, run["run_id"])
            statuses = {r["status"] for r in await client.runs.list(thread_id, limit=1000)}
            assert statuses == {"success"}


async def test_openapi_describes_crons(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
    paths = spec["paths"]
    assert "post" in paths["/runs/crons"]
    assert "post" in paths["/threads/{thread_id}/runs/crons"]
    assert "post" in paths["/runs/crons/search"]
    assert "post" in paths["/runs/crons/count"]
    assert {"get", "patch", "delete"} <= set(paths["/runs/crons/{cron_id}"])
    assert {"schedule", "assistant_id", "end_time", "on_run_completed", "timezone"} <= (
        request_properties(spec, "/runs/crons", "post")
    )
