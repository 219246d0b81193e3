"""Waiting on a run through the events the server pushes, rather than by polling its status."""

from __future__ import annotations

from langgraph_sdk.client import LangGraphClient


async def started(client: LangGraphClient, thread_id: str, run_id: str) -> None:
    """Return once the run executes: the first event of its stream (its `metadata`) is sent
    when it starts."""
    async for _ in client.runs.join_stream(thread_id, run_id, last_event_id="-"):
        return
    raise AssertionError(f"run {run_id} ended before it streamed anything")
