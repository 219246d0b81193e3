"""Protocol v2 event streaming (`client.threads.stream(...)`): commands, the SSE event stream,
interrupts, subgraph namespaces, `since` replay and the reference's error envelopes, through
langgraph_sdk and raw HTTP against a real server running the bundled demo project."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, ROOT, ServerProcess
from tests.support.sse import events

DEMO = ROOT / "resources" / "examples" / "demo"
ALL_CHANNELS = ["values", "updates", "messages", "tools", "lifecycle", "input", "tasks", "custom"]
QUESTION = {"messages": [{"role": "human", "content": "What's the weather in Paris?"}]}

Event = dict[str, Any]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("protocol-v2"), project=DEMO)
    process.start()
    yield process
    assert process.stop() in CLEAN_EXIT, process.log()


@pytest.fixture
async def sdk(demo_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    client = get_client(url=demo_server.url)
    yield client
    await client.http.client.aclose()


@pytest.fixture
async def http(demo_server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=30) as client:
        yield client


def root_ended(event: Event) -> bool:
    """The root lifecycle reached an end: the run completed, failed or paused."""
    data = event["params"]["data"]
    return (
        event["method"] == "lifecycle"
        and event["params"]["namespace"] == []
        and data["event"] in ("completed", "failed", "interrupted")
    )


async def read_events(
    http: httpx.AsyncClient,
    thread_id: str,
    body: dict[str, Any],
    *,
    until: Callable[[Event], bool] = root_ended,
    count: int | None = None,
) -> list[Event]:
    """Protocol events of `POST .../stream/events` up to the first that `until` accepts
    (or `count` events), checking the SSE framing of each."""
    found: list[Event] = []
    async with http.stream("POST", f"/threads/{thread_id}/stream/events", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for frame in events(response):
            event = frame.data
            assert frame.event == event["method"]
            assert frame.id == str(event["seq"])
            found.append(event)
            if until(event) or len(found) == count:
                return found
    raise AssertionError(f"the stream closed early after {found}")


async def command(http: httpx.AsyncClient, thread_id: str, method: str, **params: Any) -> Event:
    response = await http.post(
        f"/threads/{thread_id}/commands", json={"id": 7, "method": method, "params": params}
    )
    assert response.status_code == 200
    reply: Event = response.json()
    return reply


async def test_thread_stream_runs_the_agent_and_streams_its_events(sdk: LangGraphClient) -> None:
    async with sdk.threads.stream(assistant_id="agent") as thread:
        started = await thread.run.start(input=QUESTION)
        seen = [e async for e in thread.subscribe(["values", "messages", "lifecycle"])]
        final = await thread.output
    lifecycle = [e["params"]["data"]["event"] for e in seen if e["method"] == "lifecycle"]
    assert lifecycle == ["running", "completed"]
    assert [e["seq"] for e in seen] == sorted({e["seq"] for e in seen}), "seq increases"
    deltas = [
        e["params"]["data"]["delta"]["text"]
        for e in seen
        if e["method"] == "messages" and e["params"]["data"]["event"] == "content-block-delta"
    ]
    finished = [
        e["params"]["data"]["content"]["text"]
        for e in seen
        if e["method"] == "messages"
        and e["params"]["data"]["event"] == "content-block-finish"
        and e["params"]["data"]["content"]["type"] == "text"
    ]
    assert "".join(deltas) == "".join(finished), "the tokens spell out the messages"
    answer = final["messages"][-1]
    assert finished[-1] in str(answer["content"])
    tool_call = next(
        e["params"]["data"]["content"]
        for e in seen
        if e["method"] == "messages"
        and e["params"]["data"]["event"] == "content-block-finish"
        and e["params"]["data"]["content"]["type"] == "tool_call"
    )
    assert tool_call["name"] == "get_weather"
    assert tool_call["args"] == {"city": "Paris"}
    values = [e["params"]["data"] for e in seen if e["method"] == "values"]
    human = values[0]["messages"][0]
    assert human == {
        "type": "human",
        "content": QUESTION["messages"][0]["content"],
        "id": human["id"],
    }
    [block] = values[-1]["messages"][-1]["content"]
    assert (block["type"], block["text"]) == ("text", finished[-1])
    run = await sdk.runs.get(thread.thread_id, started["run_id"])
    assert run["status"] == "success"
    assert run["kwargs"]["subgraphs"] is True
    assert run["kwargs"]["resumable"] is True
    assert (await sdk.threads.get(thread.thread_id))["metadata"]["graph_id"] == "agent"


async def test_interrupt_is_surfaced_and_input_respond_resumes_it(
    sdk: LangGraphClient, http: httpx.AsyncClient
) -> None:
    async with sdk.threads.stream(assistant_id="approval") as thread:
        await thread.run.start(input={"request": "Delete the staging database"})
        async for _ in thread.values:  # ends when the run pauses
            pass
        assert thread.interrupted
        [pending] = thread.interrupts
        state = await sdk.threads.get_state(thread.thread_id)
        assert pending["interrupt_id"] == state["interrupts"][0]["id"]
        assert pending["namespace"] == []
        paused = await read_events(http, thread.thread_id, {"channels": ["input", "lifecycle"]})
        await thread.run.respond("approve")
        final = await thread.output
    assert [e["method"] for e in paused] == ["lifecycle", "input.requested", "lifecycle"]
    assert paused[1]["params"]["data"]["interrupt_id"] == pending["interrupt_id"]
    assert paused[1]["params"]["data"]["payload"]["question"] == "Approve this action?"
    assert paused[2]["params"]["data"] == {"event": "interrupted", "graph_name": "approval"}
    assert final["decision"] == "approved"
    assert final["result"].startswith("Done: Delete the staging database")
    again = await command(
        http,
        thread.thread_id,
        "input.respond",
        interrupt_id=pending["interrupt_id"],
        response="approve",
    )
    assert again == {
        "type": "error",
        "id": 7,
        "error": "no_such_interrupt",
        "message": f"Unknown or already-consumed interrupt: {pending['interrupt_id']}",
    }


async def test_subgraph_events_carry_their_namespace_and_filter_by_it(
    sdk: LangGraphClient, http: httpx.AsyncClient
) -> None:
    async with sdk.threads.stream(assistant_id="research") as thread:
        await thread.run.start(input={"topic": "solar power"})
        everything = [e async for e in thread.subscribe(["values", "lifecycle"])]
        await thread.output
    [subgraph] = {tuple(e["params"]["namespace"]) for e in everything} - {()}
    assert len(subgraph) == 1
    assert subgraph[0].startswith("research:")
    lifecycle = [
        (e["params"]["namespace"], e["params"]["data"]["event"])
        for e in everything
        if e["method"] == "lifecycle"
    ]
    assert lifecycle == [
        ([], "running"),
        ([subgraph[0]], "started"),
        ([subgraph[0]], "completed"),
        ([], "completed"),
    ]
    inner = await read_events(
        http,
        thread.thread_id,
        {"channels": ["values", "lifecycle"], "namespaces": [["research"]], "depth": 0},
        until=lambda e: e["method"] == "lifecycle" and e["params"]["data"]["event"] == "completed",
    )
    assert {tuple(e["params"]["namespace"]) for e in inner} == {subgraph}
    assert inner[-2]["params"]["data"]["summary"] == "3 notes gathered on solar power."
    tree = await command(http, thread.thread_id, "agent.getTree")
    assert tree["result"] == {
        "tree": {
            "namespace": [],
            "status": "completed",
            "graph_name": "research",
            "children": [
                {"namespace": [subgraph[0]], "status": "completed", "graph_name": "research"}
            ],
        }
    }


async def test_reconnecting_with_since_gives_no_gap_and_no_duplicate(
    http: httpx.AsyncClient,
) -> None:
    thread_id = str(uuid.uuid4())
    started = await command(http, thread_id, "run.start", assistant_id="agent", input=QUESTION)
    assert started["type"] == "success"
    assert started["meta"] == {"applied_through_seq": 0}
    body: dict[str, Any] = {"channels": ALL_CHANNELS}
    first = await read_events(http, thread_id, body, count=12)  # then the client drops
    rest = await read_events(http, thread_id, {**body, "since": first[-1]["seq"]})
    replay = await read_events(http, thread_id, body)
    assert [e["event_id"] for e in first + rest] == [e["event_id"] for e in replay]
    assert [e["seq"] for e in replay] == list(range(1, len(replay) + 1))
    assert [_untimed(e) for e in first + rest] == [_untimed(e) for e in replay]
    only_lifecycle = await read_events(http, thread_id, {"channels": ["lifecycle"], "since": 1})
    assert [e["seq"] for e in only_lifecycle] == [replay[-1]["seq"]], "seq ignores the filter"


def _untimed(event: Event) -> Event:
    """An event without its timestamp: events the server synthesizes (lifecycle) are
    stamped when a connection sees them, as the reference stamps them."""
    return {**event, "params": {k: v for k, v in event["params"].items() if k != "timestamp"}}


async def test_classic_runs_on_the_thread_are_projected_too(
    sdk: LangGraphClient, http: httpx.AsyncClient
) -> None:
    thread = await sdk.threads.create()
    run = await sdk.runs.create(
        thread["thread_id"], "research", input={"topic": "wind"}, stream_mode=["updates"]
    )
    await sdk.runs.join(thread["thread_id"], run["run_id"])
    seen = await read_events(http, thread["thread_id"], {"channels": ["updates", "lifecycle"]})
    updates = [e["params"]["node"] for e in seen if e["method"] == "updates"]
    assert updates == ["research", "write_report"]
    assert seen[-1]["params"]["data"] == {"event": "completed", "graph_name": "research"}


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (
            {"id": 1, "method": "run.stop", "params": {}},
            "unknown_command",
            "Unknown protocol command: run.stop",
        ),
        (
            {"id": 1, "method": "run.start", "params": {}},
            "invalid_argument",
            "run.start requires an assistant_id.",
        ),
        (
            {"id": 1, "method": "run.start", "params": {"assistant_id": "nope"}},
            "unknown_error",
            "422: Invalid assistant: 'nope'. Must be either:\n- A valid assistant UUID, or\n"
            "- One of the registered graphs: agent, approval, research",
        ),
        (
            {"id": 1, "method": "input.respond", "params": {"interrupt_id": "x"}},
            "no_such_run",
            "No interrupted run is bound to this thread.",
        ),
        (
            {"id": 1, "method": "input.respond", "params": {"interrupt_id": "x", "namespace": 1}},
            "invalid_argument",
            "input.respond requires namespace to be a list of strings.",
        ),
        (
            {"id": 1, "method": "agent.getTree", "params": {}},
            "no_such_run",
            "No active run is bound to this thread.",
        ),
    ],
)
async def test_commands_answer_errors_as_protocol_envelopes(
    http: httpx.AsyncClient, body: dict[str, Any], error: str, message: str
) -> None:
    response = await http.post(f"/threads/{uuid.uuid4()}/commands", json=body)
    assert response.status_code == 200
    assert response.json() == {"type": "error", "id": 1, "error": error, "message": message}


async def test_malformed_requests_are_rejected_with_400(http: httpx.AsyncClient) -> None:
    thread_id = uuid.uuid4()
    response = await http.post(f"/threads/{thread_id}/commands", json={"method": "run.start"})
    assert response.status_code == 400
    assert response.json() == {
        "type": "error",
        "id": None,
        "error": "invalid_argument",
        "message": "Protocol commands must include an integer id and string method.",
    }
    response = await http.post(f"/threads/{thread_id}/commands", content=b"{")
    assert (response.status_code, response.json()) == (400, {"detail": "Invalid JSON body"})
    response = await http.post(
        f"/threads/{thread_id}/stream/events", json={"channels": ["values", "debug"]}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("channels contains unsupported entries: debug.")
    response = await http.post(f"/threads/{thread_id}/stream/events", json={"channels": []})
    assert response.status_code == 400


def test_the_sync_client_streams_a_run(demo_server: ServerProcess) -> None:
    client = get_sync_client(url=demo_server.url)
    try:
        with client.threads.stream(assistant_id="research") as thread:
            thread.run.start(input={"topic": "tides"})
            methods = [e["method"] for e in thread.subscribe(["values", "lifecycle"])]
            final = thread.output
    finally:
        client.http.client.close()
    assert methods[0] == "lifecycle"
    assert methods[-1] == "lifecycle"
    assert "values" in methods
    assert final["report"].startswith("# Tides")
