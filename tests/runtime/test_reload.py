"""Hot reload: edits to a project's code reach the running server, which tells its followers on
`/lg-studio/events`; runs in flight finish on the code they started with; broken code keeps the
previous version serving; what runs print and log is published."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from langgraph_sdk.client import LangGraphClient

from tests.support.projects import running, sdk_client
from tests.support.runs import started
from tests.support.server import ServerProcess
from tests.support.sse import Event, events

WAIT_SECONDS = 60
# The node waits for a gate file the test creates, so the test decides when a run may end.
GRAPH = """
import logging
import time
from pathlib import Path
from typing import TypedDict

from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    gate: str
    word: str


def first(state: State) -> State:
    print("first ran")
    logging.getLogger("project.counter").warning("first says %s", "{word}")
    gate = state.get("gate")
    while gate and not Path(gate).exists():
        time.sleep(0.01)
    return {{"word": "{word}"}}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_edge(START, "first")
{extra}
graph = builder.compile()
"""
SECOND_NODE = """
builder.add_node("second", lambda state: {"word": state["word"] + "!"})
builder.add_edge("first", "second")
"""


def _write_graph(project: Path, word: str, extra: str = "") -> None:
    (project / "counter.py").write_text(GRAPH.format(word=word, extra=extra))


def _project(folder: Path) -> Path:
    folder.mkdir()
    _write_graph(folder, "old")
    (folder / "langgraph.json").write_text(
        json.dumps({"graphs": {"counter": "./counter.py:graph"}})
    )
    return folder


class Followed:
    """The server's event stream, read as far as a test needs."""

    def __init__(self, stream: AsyncIterator[Event]) -> None:
        self._stream = stream

    async def next(self, name: str, where: Any = lambda data: True) -> Any:
        async with asyncio.timeout(WAIT_SECONDS):
            async for event in self._stream:
                if event.event == name and where(event.data):
                    return event.data
        raise AssertionError(f"the stream ended before a {name!r} event")


@asynccontextmanager
async def _served(tmp_path: Path) -> AsyncIterator[tuple[Path, LangGraphClient, Followed]]:
    project = _project(tmp_path / "project")
    with running(ServerProcess(tmp_path / "data", project=project)) as server:
        async with (
            sdk_client(server) as client,
            httpx.AsyncClient(base_url=server.url, timeout=60) as http,
            http.stream("GET", "/lg-studio/events") as response,
        ):
            assert response.status_code == 200
            yield project, client, Followed(events(response))


async def _nodes(client: LangGraphClient) -> set[str]:
    graph = await client.assistants.get_graph("counter")
    return {node["id"] for node in graph["nodes"]}


async def test_an_edit_reloads_while_a_run_in_flight_keeps_its_code(tmp_path: Path) -> None:
    async with _served(tmp_path) as (project, client, followed):
        gate = tmp_path / "gate"
        thread = await client.threads.create()
        run = await client.runs.create(thread["thread_id"], "counter", input={"gate": str(gate)})
        await started(client, thread["thread_id"], run["run_id"])
        _write_graph(project, "new", SECOND_NODE)
        report = await followed.next("graphs")
        assert report["errors"] == []
        assert report["changed"] == [str(project / "counter.py")]
        assert await _nodes(client) == {"__start__", "first", "second", "__end__"}
        gate.touch()
        finished = await client.runs.join(thread["thread_id"], run["run_id"])
        assert finished["word"] == "old", "the run in flight finished on its own code"
        fresh = await client.runs.wait(None, "counter", input={})
        assert isinstance(fresh, dict)
        assert fresh["word"] == "new!"


async def test_broken_code_is_reported_and_the_previous_version_serves(tmp_path: Path) -> None:
    async with _served(tmp_path) as (project, client, followed):
        source = project / "counter.py"
        source.write_text(source.read_text() + "\ndef broken(:\n")
        report = await followed.next("graphs")
        (error,) = report["errors"]
        assert error["graph_id"] == "counter"
        assert error["file"] == str(source)
        assert error["line"] == source.read_text().count("\n")
        assert error["message"].startswith("SyntaxError")
        assert report["stale"] == ["counter"]
        info = await client.http.get("/info")
        assert [e["graph_id"] for e in info["graph_errors"]] == ["counter"]
        still = await client.runs.wait(None, "counter", input={})
        assert isinstance(still, dict)
        assert still["word"] == "old", "the previous version keeps serving"

        _write_graph(project, "fixed")
        report = await followed.next("graphs")
        assert report["errors"] == []
        assert report["stale"] == []
        fixed = await client.runs.wait(None, "counter", input={})
        assert isinstance(fixed, dict)
        assert fixed["word"] == "fixed"


async def test_a_graph_added_to_the_project_file_gets_its_assistant(tmp_path: Path) -> None:
    async with _served(tmp_path) as (project, client, followed):
        (project / "langgraph.json").write_text(
            json.dumps({"graphs": {"counter": "./counter.py:graph", "twin": "./counter.py:graph"}})
        )
        report = await followed.next("graphs")
        assert sorted(report["graph_ids"]) == ["counter", "twin"]
        found = await client.assistants.search(graph_id="twin")
        assert [a["metadata"]["created_by"] for a in found] == ["system"]

        (project / "langgraph.json").write_text("{not json")
        report = await followed.next("graphs")
        assert "not valid JSON" in report["config_error"]
        assert sorted(report["graph_ids"]) == ["counter", "twin"], "the last good project serves"


async def test_what_a_run_prints_and_logs_is_published_with_its_id(tmp_path: Path) -> None:
    async with _served(tmp_path) as (_project, client, followed):
        thread = await client.threads.create()
        run = await client.runs.create(thread["thread_id"], "counter", input={})
        printed = await followed.next("output", lambda data: data["run_id"] == run["run_id"])
        assert printed["text"] == "first ran"
        assert printed["stream"] == "stdout"
        logged = await followed.next("log", lambda data: data["logger"] == "project.counter")
        assert logged["run_id"] == run["run_id"]
        assert logged["level"] == "WARNING"
        assert logged["message"] == "first says old"
