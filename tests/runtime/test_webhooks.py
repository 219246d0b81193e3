"""Webhooks: the final payload of a run reaches the receiver it named, retried after a failure,
never failing the run; stateless runs, batches and crons with `on_completion` delete / keep."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from langgraph_sdk.client import LangGraphClient
from langgraph_sdk.errors import NotFoundError

from tests.support.polling import eventually
from tests.support.projects import project_with, running, sdk_client
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

HELLO = {"messages": [{"role": "human", "content": "hello"}]}
TOKEN = "s3cret"


@pytest.fixture(scope="module")
def webhook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("webhooks")
    project = project_with(
        folder / "project",
        ("echo", "fail"),
        webhooks={
            "url": {"disable_loopback": False},
            "headers": {"Authorization": "Bearer ${{ env.LG_WEBHOOK_TOKEN }}"},
        },
    )
    env = {"LG_WEBHOOK_TOKEN": TOKEN}
    with running(ServerProcess(folder / "data", project=project, env=env)) as process:
        yield process


@pytest.fixture
async def hooked(webhook_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with sdk_client(webhook_server) as client:
        yield client


async def test_the_receiver_gets_the_final_run(hooked: LangGraphClient) -> None:
    thread = await hooked.threads.create()
    async with WebhookReceiver() as receiver:
        run = await hooked.runs.create(
            thread["thread_id"], "echo", input=HELLO, webhook=receiver.url, metadata={"m": 1}
        )
        delivery = await receiver.next()
    assert delivery.path == "/hook"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["authorization"] == f"Bearer {TOKEN}"
    payload = delivery.body
    assert payload["run_id"] == run["run_id"]
    assert payload["thread_id"] == thread["thread_id"]
    assert payload["assistant_id"] == run["assistant_id"]
    assert payload["status"] == "success"
    assert payload["metadata"]["m"] == 1
    assert payload["kwargs"]["webhook"] == receiver.url
    assert payload["values"]["count"] == 1
    assert payload["values"]["messages"][-1]["content"] == "echo: hello"
    assert "error" not in payload
    for moment in ("created_at", "run_started_at", "run_ended_at", "webhook_sent_at"):
        assert payload[moment].endswith("+00:00")
    assert payload["run_started_at"] <= payload["run_ended_at"] <= payload["webhook_sent_at"]


async def test_a_failed_run_sends_its_error(hooked: LangGraphClient) -> None:
    async with WebhookReceiver() as receiver:
        run = await hooked.runs.create(None, "fail", input={}, webhook=receiver.url)
        payload = (await receiver.next()).body
    assert payload["run_id"] == run["run_id"]
    assert payload["status"] == "error"
    assert payload["error"] == {"error": "ValueError", "message": "kaboom"}


async def test_a_failed_delivery_is_retried(hooked: LangGraphClient) -> None:
    async with WebhookReceiver(statuses=(500,)) as receiver:
        run = await hooked.runs.create(None, "echo", input=HELLO, webhook=receiver.url)
        first, second = await receiver.next(), await receiver.next()
    assert (first.answered, second.answered) == (500, 200)
    assert first.body["run_id"] == second.body["run_id"] == run["run_id"]
    assert second.body["status"] == "success"


async def test_a_failing_webhook_never_fails_the_run(hooked: LangGraphClient) -> None:
    thread = await hooked.threads.create()
    async with WebhookReceiver(statuses=(503, 503, 503)) as receiver:
        run = await hooked.runs.create(
            thread["thread_id"], "echo", input=HELLO, webhook=receiver.url
        )
        attempts = [await receiver.next() for _ in range(3)]
    assert [a.answered for a in attempts] == [503, 503, 503]
    result = await hooked.runs.join(thread["thread_id"], run["run_id"])
    assert result["count"] == 1
    assert (await hooked.runs.get(thread["thread_id"], run["run_id"]))["status"] == "success"

    async with WebhookReceiver() as gone:
        unreachable = gone.url  # closed when the block ends: nothing listens there any more
    run = await hooked.runs.create(thread["thread_id"], "echo", input=HELLO, webhook=unreachable)
    assert (await hooked.runs.join(thread["thread_id"], run["run_id"]))["count"] == 2
    assert (await hooked.runs.get(thread["thread_id"], run["run_id"]))["status"] == "success"


async def test_batch_runs_delete_or_keep_their_threads(hooked: LangGraphClient) -> None:
    async with WebhookReceiver() as receiver:
        runs = await hooked.runs.create_batch(
            [
                {"assistant_id": "echo", "input": HELLO, "webhook": receiver.url},
                {
                    "assistant_id": "echo",
                    "input": HELLO,
                    "webhook": receiver.url,
                    "on_completion": "keep",
                },
            ]
        )
        payloads = {p.body["run_id"]: p.body for p in [await receiver.next() for _ in runs]}
    deleted, kept = runs
    assert {r["status"] for r in runs} == {"pending"}
    assert set(payloads) == {deleted["run_id"], kept["run_id"]}
    assert {p["status"] for p in payloads.values()} == {"success"}
    assert payloads[deleted["run_id"]]["values"]["count"] == 1, "a temporary run sends its values"
    with pytest.raises(NotFoundError):
        await hooked.threads.get(deleted["thread_id"])
    kept_thread = await hooked.threads.get(kept["thread_id"])
    assert kept_thread["values"]["count"] == 1
    assert kept_thread["status"] == "idle"


async def test_a_cron_run_calls_its_webhook_then_deletes_its_thread(
    hooked: LangGraphClient,
) -> None:
    tag = uuid.uuid4().hex
    async with WebhookReceiver() as receiver:
        cron = await hooked.crons.create(
            "echo", schedule="* * * * * *", input=HELLO, webhook=receiver.url, metadata={"t": tag}
        )
        try:
            payload = (await receiver.next()).body
        finally:
            await hooked.crons.delete(cron["cron_id"])
    assert payload["status"] == "success"
    assert payload["metadata"]["t"] == tag
    assert payload["kwargs"]["config"]["configurable"]["cron_id"] == cron["cron_id"]
    with pytest.raises(NotFoundError):
        await hooked.threads.get(payload["thread_id"])
    await eventually(
        lambda: hooked.threads.count(metadata={"t": tag}),
        lambda count: count == 0,
        what="the deletion of the cron run's thread (on_run_completed=delete)",
    )


async def test_config_errors_stop_the_server_with_a_reason(tmp_path: Path) -> None:
    project = project_with(
        tmp_path / "project",
        ("echo",),
        webhooks={"headers": {"X-Secret": "${{ env.HOME }}"}},
    )
    process = ServerProcess(tmp_path / "data", project=project)
    with pytest.raises(RuntimeError, match="must start with 'LG_WEBHOOK_'"):
        process.start()
