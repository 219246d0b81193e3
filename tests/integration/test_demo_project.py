"""The bundled example project works end to end on `lg-studio serve`, offline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, ROOT, ServerProcess

DEMO = ROOT / "resources" / "examples" / "demo"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("demo"), project=DEMO)
    process.start()
    yield process
    assert process.stop() in CLEAN_EXIT


@pytest.fixture
async def demo(demo_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    sdk = get_client(url=demo_server.url)
    yield sdk
    await sdk.http.client.aclose()


async def test_agent_streams_tokens_and_calls_its_tool(demo: LangGraphClient) -> None:
    thread = await demo.threads.create()
    question = {"messages": [{"role": "human", "content": "What's the weather in Paris?"}]}
    parts = [
        part
        async for part in demo.runs.stream(
            thread["thread_id"], "agent", input=question, stream_mode=["messages-tuple", "updates"]
        )
    ]
    tokens = [p.data[0] for p in parts if p.event == "messages"]
    assert len([t for t in tokens if t["type"] == "AIMessageChunk"]) > 10
    updates = [p.data for p in parts if p.event == "updates"]
    assert [next(iter(u)) for u in updates] == ["model", "tools", "model"]
    tool_call = updates[0]["model"]["messages"][0]["tool_calls"][0]
    assert tool_call["name"] == "get_weather"
    assert tool_call["args"] == {"city": "Paris"}
    assert "Paris" in updates[1]["tools"]["messages"][0]["content"]
    state = await demo.threads.get_state(thread["thread_id"])
    assert [m["type"] for m in state["values"]["messages"]] == ["human", "ai", "tool", "ai"]

    again = await demo.runs.wait(thread["thread_id"], "agent", input=question)
    assert len(again["messages"]) == 8, "the fake model keeps answering on the same thread"


async def test_approval_pauses_and_resumes(demo: LangGraphClient) -> None:
    for decision, outcome in [("approve", "approved"), ("reject", "rejected")]:
        thread = await demo.threads.create()
        tid = thread["thread_id"]
        paused = await demo.runs.wait(tid, "approval", input={"request": "Deploy v2"})
        assert paused["__interrupt__"][0]["value"]["action"] == "Deploy v2"
        assert (await demo.threads.get(tid))["status"] == "interrupted"
        finished = await demo.runs.wait(tid, "approval", command={"resume": decision})
        assert finished["decision"] == outcome
        assert (await demo.threads.get(tid))["status"] == "idle"


async def test_research_streams_its_subgraph(demo: LangGraphClient) -> None:
    names = [
        part.event
        async for part in demo.runs.stream(
            None,
            "research",
            input={"topic": "solar power"},
            stream_mode="updates",
            stream_subgraphs=True,
        )
    ]
    inner = [n for n in names if n.startswith("updates|research:")]
    assert len(inner) == 3
    graph = await demo.assistants.get_graph("research", xray=True)
    assert {"research:plan_queries", "research:search", "research:summarize"} <= {
        n["id"] for n in graph["nodes"]
    }
