"""User isolation under custom auth, through every endpoint the server has.

Alice owns one of everything (an assistant, a thread with a finished run and checkpoints, a
thread with a run still going, crons, a store item), each holding a secret. Bob then calls
every endpoint of the endpoint table aimed at Alice's things. The probes are keyed by the
table's (method, path), and a route without one fails the test: a new endpoint cannot escape
this check. Bob must get the status LangGraph Server gives (404 for what its filters hide, 409
for an id that exists but is not his), never the secret, and Alice's
things must be as she left them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from studio.runtime.app import ENDPOINTS
from tests.support.auth import auth_project, bearer, user_client
from tests.support.projects import running
from tests.support.runs import started
from tests.support.server import ServerProcess

SECRET = f"alice-secret-{uuid.uuid4().hex}"
NAMESPACE = ["notes"]
SCHEDULE = "0 0 1 1 *"


@dataclass
class World:
    """Alice's things, by the path parameter that names them."""

    ids: dict[str, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        return template.format(**self.ids)


@dataclass(frozen=True)
class Probe:
    """Bob's request to one endpoint, the status he must get, and an optional check of the
    body (beyond never holding the secret)."""

    status: int
    json: Any = None
    params: dict[str, str] | None = None
    check: Callable[[Any], bool] | None = None


def nothing(body: Any) -> bool:
    return body in ([], 0)


def probes_for(world: World) -> dict[tuple[str, str], list[Probe]]:
    """Every endpoint's probes, given Alice's ids."""
    ids = world.ids
    thread, assistant = ids["thread_id"], ids["assistant_id"]
    secret_filter = {"metadata": {"secret": SECRET}}
    return {
        ("GET", "/ok"): [Probe(200)],
        ("GET", "/"): [Probe(200)],
        ("GET", "/info"): [Probe(200)],
        ("GET", "/openapi.json"): [Probe(200)],
        ("GET", "/docs"): [Probe(200)],
        ("POST", "/assistants"): [Probe(409, {"graph_id": "echo", "assistant_id": assistant})],
        ("POST", "/assistants/search"): [Probe(200, secret_filter, check=nothing)],
        ("POST", "/assistants/count"): [Probe(200, secret_filter, check=nothing)],
        ("GET", "/assistants/{assistant_id}"): [Probe(404)],
        ("PATCH", "/assistants/{assistant_id}"): [Probe(404, {"metadata": {"by": "bob"}})],
        ("DELETE", "/assistants/{assistant_id}"): [Probe(404)],
        ("GET", "/assistants/{assistant_id}/graph"): [Probe(404)],
        ("GET", "/assistants/{assistant_id}/schemas"): [Probe(404)],
        ("GET", "/assistants/{assistant_id}/subgraphs"): [Probe(404)],
        ("GET", "/assistants/{assistant_id}/subgraphs/{namespace}"): [Probe(404)],
        ("POST", "/assistants/{assistant_id}/versions"): [Probe(404, {})],
        ("POST", "/assistants/{assistant_id}/latest"): [Probe(404, {"version": 1})],
        ("POST", "/threads"): [Probe(409, {"thread_id": thread})],
        ("POST", "/threads/search"): [
            Probe(200, secret_filter, check=nothing),
            Probe(200, {"ids": [thread, ids["busy_thread_id"]]}, check=nothing),
        ],
        ("POST", "/threads/count"): [Probe(200, secret_filter, check=nothing)],
        ("POST", "/threads/prune"): [Probe(404, {"thread_ids": [thread]})],
        ("GET", "/threads/{thread_id}"): [Probe(404)],
        ("PATCH", "/threads/{thread_id}"): [Probe(404, {"metadata": {"by": "bob"}})],
        ("DELETE", "/threads/{thread_id}"): [Probe(404)],
        ("POST", "/threads/{thread_id}/copy"): [Probe(404)],
        ("GET", "/threads/{thread_id}/state"): [Probe(404)],
        ("POST", "/threads/{thread_id}/state"): [Probe(404, {"values": {"messages": []}})],
        ("GET", "/threads/{thread_id}/state/{checkpoint_id}"): [Probe(404)],
        ("POST", "/threads/{thread_id}/state/checkpoint"): [
            Probe(404, {"checkpoint": {"checkpoint_id": ids["checkpoint_id"]}})
        ],
        ("GET", "/threads/{thread_id}/stream"): [Probe(404)],
        ("POST", "/threads/{thread_id}/commands"): [
            Probe(404, {"id": 1, "method": "run.start", "params": {"assistant_id": "echo"}}),
            Probe(404, {"id": 2, "method": "agent.getTree", "params": {}}),
        ],
        ("POST", "/threads/{thread_id}/stream/events"): [Probe(404, {"channels": ["values"]})],
        ("POST", "/threads/{thread_id}/history"): [Probe(404, {})],
        ("GET", "/threads/{thread_id}/history"): [Probe(404)],
        ("POST", "/threads/{thread_id}/runs"): [Probe(404, {"assistant_id": "echo"})],
        ("POST", "/threads/{thread_id}/runs/stream"): [Probe(404, {"assistant_id": "echo"})],
        ("POST", "/threads/{thread_id}/runs/wait"): [Probe(404, {"assistant_id": "echo"})],
        ("GET", "/threads/{thread_id}/runs"): [Probe(404)],
        ("GET", "/threads/{thread_id}/runs/{run_id}"): [Probe(404)],
        ("GET", "/threads/{thread_id}/runs/{run_id}/traceback"): [Probe(404)],
        ("DELETE", "/threads/{thread_id}/runs/{run_id}"): [Probe(404)],
        ("GET", "/threads/{thread_id}/runs/{run_id}/join"): [Probe(404)],
        ("GET", "/threads/{thread_id}/runs/{run_id}/stream"): [Probe(404)],
        ("POST", "/threads/{thread_id}/runs/{run_id}/cancel"): [Probe(404)],
        ("POST", "/runs"): [Probe(404, {"assistant_id": assistant})],
        ("POST", "/runs/stream"): [Probe(404, {"assistant_id": assistant})],
        ("POST", "/runs/wait"): [Probe(404, {"assistant_id": assistant})],
        ("POST", "/runs/batch"): [Probe(404, [{"assistant_id": assistant}])],
        ("GET", "/runs/{run_id}/stream"): [Probe(404)],
        ("POST", "/runs/cancel"): [
            Probe(404, {"thread_id": ids["busy_thread_id"], "run_ids": [ids["busy_run_id"]]}),
            Probe(404, {"status": "all"}),
        ],
        ("POST", "/runs/crons"): [
            Probe(404, {"assistant_id": assistant, "schedule": SCHEDULE}),
        ],
        ("POST", "/threads/{thread_id}/runs/crons"): [
            Probe(404, {"assistant_id": "echo", "schedule": SCHEDULE}),
        ],
        ("POST", "/runs/crons/search"): [
            Probe(200, {}, check=nothing),
            Probe(200, {"thread_id": thread}, check=nothing),
        ],
        ("POST", "/runs/crons/count"): [Probe(200, {}, check=nothing)],
        ("GET", "/runs/crons/{cron_id}"): [Probe(404)],
        ("PATCH", "/runs/crons/{cron_id}"): [Probe(404, {"schedule": "0 0 2 1 *"})],
        ("DELETE", "/runs/crons/{cron_id}"): [Probe(404)],
        # Store items live under the caller's own namespace: Bob reaches only his.
        ("PUT", "/store/items"): [
            Probe(204, {"namespace": NAMESPACE, "key": "k", "value": {"by": "bob"}})
        ],
        ("GET", "/store/items"): [
            Probe(200, params={"namespace": "notes", "key": "k"}),
            Probe(200, params={"namespace": "alice.notes", "key": "k"}, check=lambda b: b is None),
        ],
        ("DELETE", "/store/items"): [Probe(204, {"namespace": NAMESPACE, "key": "k"})],
        ("POST", "/store/items/search"): [
            Probe(200, {"namespace_prefix": NAMESPACE}, check=lambda b: b == {"items": []}),
            Probe(200, {"filter": {"secret": SECRET}}, check=lambda b: b == {"items": []}),
        ],
        ("POST", "/store/namespaces"): [
            Probe(200, {}, check=lambda b: all(ns[0] == "bob" for ns in b["namespaces"]))
        ],
        ("GET", "/lg-studio/events"): [Probe(403)],
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("isolation") / "project"
    project = auth_project(folder, ("echo", "slow"))
    with running(ServerProcess(tmp_path_factory.mktemp("isolation-data"), project)) as process:
        yield process


@pytest.fixture
async def alice(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with user_client(server, "alice") as client:
        yield client


async def _alice_world(alice: LangGraphClient) -> World:
    secret = {"secret": SECRET}
    assistant = await alice.assistants.create("echo", metadata=secret, name=SECRET)
    thread = await alice.threads.create(metadata=secret)
    hello = {"messages": [{"role": "human", "content": SECRET}]}
    run = await alice.runs.create(thread["thread_id"], assistant["assistant_id"], input=hello)
    await alice.runs.join(thread["thread_id"], run["run_id"])
    state = await alice.threads.get_state(thread["thread_id"])
    busy = await alice.threads.create(metadata=secret)
    busy_run = await alice.runs.create(
        busy["thread_id"], "slow", input={"steps": [SECRET]}, context={"delay": 600}
    )
    await started(alice, busy["thread_id"], busy_run["run_id"])
    cron = await alice.crons.create(assistant["assistant_id"], schedule=SCHEDULE, metadata=secret)
    await alice.crons.create_for_thread(thread["thread_id"], "echo", schedule=SCHEDULE)
    await alice.store.put_item(NAMESPACE, "k", {"secret": SECRET})
    return World(
        {
            "assistant_id": assistant["assistant_id"],
            "thread_id": thread["thread_id"],
            "run_id": run["run_id"],
            "checkpoint_id": state["checkpoint"]["checkpoint_id"],
            "busy_thread_id": busy["thread_id"],
            "busy_run_id": busy_run["run_id"],
            "cron_id": cron["cron_id"],
            "namespace": "sub",
        }
    )


async def _send(http: httpx.AsyncClient, method: str, path: str, probe: Probe) -> tuple[int, str]:
    """The status and body, read whole unless it is a stream that opened (to Alice's run: its
    200 already fails the probe, and it would not end)."""
    request = http.build_request(method, path, json=probe.json, params=probe.params)
    response = await http.send(request, stream=True)
    try:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            return response.status_code, "<an open event stream>"
        return response.status_code, (await response.aread()).decode()
    finally:
        await response.aclose()


async def test_bob_reaches_nothing_of_alice(server: ServerProcess, alice: LangGraphClient) -> None:
    world = await _alice_world(alice)
    before = {
        "thread": await alice.threads.get(world.ids["thread_id"]),
        "state": await alice.threads.get_state(world.ids["thread_id"]),
        "assistant": await alice.assistants.get(world.ids["assistant_id"]),
        "crons": await alice.crons.search(sort_by="cron_id"),
    }
    probes = probes_for(world)
    served = {(e.method, e.path) for e in ENDPOINTS}
    assert served == probes.keys(), "every endpoint needs its isolation probes"

    failures = []
    async with httpx.AsyncClient(base_url=server.url, headers=bearer("bob"), timeout=30) as http:
        for endpoint in ENDPOINTS:
            for probe in probes[endpoint.method, endpoint.path]:
                path = world.path(endpoint.path)
                status, text = await _send(http, endpoint.method, path, probe)
                if (
                    status != probe.status
                    or SECRET in text
                    or (probe.check is not None and not probe.check(json.loads(text)))
                ):
                    failures.append(f"{endpoint.method} {path}: {status} {text[:300]}")
    assert not failures, "\n".join(failures)

    assert await alice.threads.get(world.ids["thread_id"]) == before["thread"]
    assert await alice.threads.get_state(world.ids["thread_id"]) == before["state"]
    assert await alice.assistants.get(world.ids["assistant_id"]) == before["assistant"]
    assert await alice.crons.search(sort_by="cron_id") == before["crons"]
    assert (await alice.store.get_item(NAMESPACE, "k"))["value"] == {"secret": SECRET}
    busy = await alice.runs.get(world.ids["busy_thread_id"], world.ids["busy_run_id"])
    assert busy["status"] == "running"
    await alice.runs.cancel(world.ids["busy_thread_id"], world.ids["busy_run_id"], wait=True)
    cancelled = await alice.runs.get(world.ids["busy_thread_id"], world.ids["busy_run_id"])
    assert cancelled["status"] == "interrupted"
