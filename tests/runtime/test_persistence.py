"""Everything the server accepted is still there after a restart."""

from __future__ import annotations

from pathlib import Path

from langgraph_sdk import get_client

from tests.support.server import CLEAN_EXIT, ServerProcess


async def test_restart_keeps_assistants_threads_runs_and_checkpoints(tmp_path: Path) -> None:
    first = ServerProcess(tmp_path / "data")
    first.start()
    client = get_client(url=first.url)
    try:
        assistant = await client.assistants.create("approval", name="keeper", metadata={"v": 1})
        await client.assistants.update(assistant["assistant_id"], name="keeper v2")
        thread = await client.threads.create(metadata={"topic": "restart"})
        tid = thread["thread_id"]
        await client.runs.wait(tid, assistant["assistant_id"], input={"topic": "persistence"})
        before_state = await client.threads.get_state(tid)
        before_history = await client.threads.get_history(tid, limit=100)
        before_runs = await client.runs.list(tid)
        delayed_thread = await client.threads.create()
        delayed = await client.runs.create(
            delayed_thread["thread_id"], "echo", input={"messages": []}, after_seconds=3600
        )
    finally:
        await client.http.client.aclose()
        assert first.stop() in CLEAN_EXIT

    second = ServerProcess(tmp_path / "data")
    second.start()
    client = get_client(url=second.url)
    try:
        kept = await client.assistants.get(assistant["assistant_id"])
        assert kept["name"] == "keeper v2"
        assert [
            v["version"] for v in await client.assistants.get_versions(kept["assistant_id"])
        ] == [
            2,
            1,
        ]
        restored = await client.threads.get(tid)
        assert restored["status"] == "interrupted"
        assert restored["metadata"]["topic"] == "restart"
        assert await client.threads.get_state(tid) == before_state
        assert await client.threads.get_history(tid, limit=100) == before_history
        assert await client.runs.list(tid) == before_runs
        pending = await client.runs.get(delayed_thread["thread_id"], delayed["run_id"])
        assert pending["status"] == "pending", "an accepted run is never lost"

        resumed = await client.runs.wait(tid, assistant["assistant_id"], command={"resume": "ok"})
        assert resumed["final"] == "draft about persistence / approved='ok'"
        assert (await client.threads.get(tid))["status"] == "idle"
    finally:
        await client.http.client.aclose()
        assert second.stop() in CLEAN_EXIT
