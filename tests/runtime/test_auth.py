"""Custom auth as LangGraph Server runs it: `@auth.authenticate` on every request, `@auth.on`
handlers refusing (403) or stamping metadata, the user handed to graphs, and the studio's
dev-mode access (see tests/fixtures/project/auth.py for the rules these tests rely on)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from studio.runtime.app import ENDPOINTS
from tests.support.auth import auth_project, bearer, user_client
from tests.support.projects import running
from tests.support.server import ServerProcess

STUDIO = {"x-auth-scheme": "langsmith"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    project = auth_project(tmp_path_factory.mktemp("auth") / "project", ("echo", "whoami"))
    with running(ServerProcess(tmp_path_factory.mktemp("auth-data"), project)) as process:
        yield process


@pytest.fixture
async def alice(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with user_client(server, "alice") as client:
        yield client


def _concrete(path: str) -> str:
    """`path` with every parameter filled (the request must be refused before any lookup)."""
    for name in ("thread_id", "run_id", "assistant_id", "cron_id", "checkpoint_id"):
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    return path.replace("{namespace}", "sub")


async def test_every_endpoint_but_the_public_ones_authenticates(server: ServerProcess) -> None:
    wrong = []
    async with httpx.AsyncClient(base_url=server.url) as http:
        for endpoint in ENDPOINTS:
            path = _concrete(endpoint.path)
            for headers, detail in (
                ({}, "Missing bearer token"),
                ({"Authorization": "Bearer forged"}, "Invalid bearer token"),
            ):
                response = await http.request(endpoint.method, path, headers=headers, json={})
                expected = (200, None) if endpoint.access.public else (401, {"detail": detail})
                got = (response.status_code, None if endpoint.access.public else response.json())
                if got != expected:
                    wrong.append(f"{endpoint.method} {path}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


async def test_a_handler_refusal_is_its_403(server: ServerProcess) -> None:
    async with user_client(server, "reader") as reader:
        for attempt in (
            reader.threads.create(),
            reader.assistants.create("echo"),
            reader.runs.wait(None, "echo", input={"messages": []}),
            reader.store.put_item(["notes"], "k", {"v": 1}),
        ):
            with pytest.raises(httpx.HTTPStatusError) as refused:
                await attempt
            assert refused.value.response.status_code == 403
            assert refused.value.response.json() == {"detail": "Read-only user"}
        assert await reader.threads.search() == []  # reading is allowed, and finds nothing


async def test_metadata_written_by_handlers_is_stored(alice: LangGraphClient) -> None:
    thread = await alice.threads.create(metadata={"owner": "mallory", "topic": "t"})
    assert thread["metadata"] == {"owner": "alice", "topic": "t"}
    assert (await alice.threads.get(thread["thread_id"]))["metadata"]["owner"] == "alice"
    assistant = await alice.assistants.create("echo", metadata={"owner": "mallory"})
    assert assistant["metadata"]["owner"] == "alice"
    patched = await alice.threads.update(thread["thread_id"], metadata={"owner": "mallory"})
    assert patched["metadata"]["owner"] == "alice"
    copy = await alice.threads.copy(thread["thread_id"])
    assert copy["metadata"]["owner"] == "alice"
    cron = await alice.crons.create("echo", schedule="0 0 1 1 *")
    assert cron["metadata"]["owner"] == "alice"
    assert cron["user_id"] == "alice"
    # Its runs act for Alice, but the user she authenticated as is not shown back.
    assert cron["payload"]["config"]["configurable"] == {"cron_id": cron["cron_id"]}
    await alice.crons.delete(cron["cron_id"])
    # A thread a run creates inherits the run's metadata, owner included.
    run = await alice.runs.create(
        str(uuid.uuid4()), "echo", input={"messages": []}, if_not_exists="create"
    )
    made = await alice.threads.get(run["thread_id"])
    assert made["metadata"]["owner"] == "alice"


async def test_graphs_see_the_user_who_made_the_run(alice: LangGraphClient) -> None:
    result = await alice.runs.wait(None, "whoami", input={})
    assert result == {
        "identity": "alice",
        "by_key": "alice",
        "role": "tester",
        "user_id": "alice",
        "permissions": ["write"],
    }
    # A client cannot pose as someone else through the run's configurable.
    forged = {"configurable": {"langgraph_auth_user_id": "bob"}}
    assert (await alice.runs.wait(None, "whoami", input={}, config=forged))["user_id"] == "alice"


async def test_the_studio_on_this_machine_is_let_in(server: ServerProcess) -> None:
    """As `langgraph dev` lets its Studio in: handlers see a StudioUser (the fixture's filter
    then shows it only what it owns), and server-wide endpoints are the studio's alone."""
    async with httpx.AsyncClient(base_url=server.url, headers=STUDIO) as http:
        assert (await http.post("/threads/search", json={})).json() == []
        async with http.stream("GET", "/lg-studio/events") as events:
            assert events.status_code == 200
    async with httpx.AsyncClient(base_url=server.url, headers=bearer("alice")) as http:
        refused = await http.get("/lg-studio/events")
        assert refused.status_code == 403


async def test_disable_studio_auth_refuses_the_studio(tmp_path: Path) -> None:
    project = auth_project(tmp_path / "project", ("echo",), disable_studio_auth=True)
    with running(ServerProcess(tmp_path / "data", project)) as process:
        async with httpx.AsyncClient(base_url=process.url, headers=STUDIO) as http:
            response = await http.post("/threads/search", json={})
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing bearer token"}
