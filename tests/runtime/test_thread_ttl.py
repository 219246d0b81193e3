"""Thread expiry (`checkpointer.ttl`): idle threads are deleted, or pruned to their latest
checkpoint, by the background sweeper."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph_sdk.client import LangGraphClient
from langgraph_sdk.errors import NotFoundError

from tests.support.polling import eventually
from tests.support.projects import project_with, running, sdk_client
from tests.support.server import ServerProcess

HELLO = {"messages": [{"role": "human", "content": "hello"}]}
SHORT = 0.005  # minutes: 0.3 s


async def _gone(client: LangGraphClient, thread_id: str) -> bool:
    try:
        await client.threads.get(thread_id)
    except NotFoundError:
        return True
    return False


@pytest.mark.parametrize("strategy", ["delete", "keep_latest"])
async def test_idle_threads_expire(tmp_path: Path, strategy: str) -> None:
    ttl = {"strategy": strategy, "default_ttl": SHORT, "sweep_interval_minutes": SHORT}
    project = project_with(tmp_path / "project", ("echo",), checkpointer={"ttl": ttl})
    with running(ServerProcess(tmp_path / "data", project=project)) as server:
        async with sdk_client(server) as client:
            thread = await client.threads.create()
            tid = thread["thread_id"]
            await client.runs.wait(tid, "echo", input=HELLO)
            await client.runs.wait(tid, "echo", input=HELLO)
            if strategy == "delete":
                await eventually(lambda: _gone(client, tid), bool, what="the thread's deletion")
                return
            await eventually(
                lambda: client.threads.get_history(tid, limit=100),
                lambda history: len(history) == 1,
                what="the pruning of the thread to its latest checkpoint",
            )
            state = await client.threads.get_state(tid)
            assert state["values"]["count"] == 2, "the latest state is kept"
            assert (await client.threads.get(tid))["status"] == "idle"


async def test_a_thread_created_or_patched_with_a_ttl_expires_alone(tmp_path: Path) -> None:
    ttl = {"sweep_interval_minutes": SHORT}
    project = project_with(tmp_path / "project", ("echo",), checkpointer={"ttl": ttl})
    with running(ServerProcess(tmp_path / "data", project=project)) as server:
        async with sdk_client(server) as client:
            created = await client.threads.create(ttl={"strategy": "delete", "ttl": SHORT})
            patched = await client.threads.create()
            kept = await client.threads.create()
            await client.threads.update(patched["thread_id"], metadata={}, ttl=SHORT)
            for thread in (created, patched):
                tid = thread["thread_id"]
                await eventually(lambda t=tid: _gone(client, t), bool, what=f"{tid}'s expiry")
            assert (await client.threads.get(kept["thread_id"]))["thread_id"] == kept["thread_id"]
