"""Projects built from the fixture project's files with extra langgraph.json settings, for tests
of features a project turns on (a store index, TTLs, webhook policies), and servers of them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, FIXTURE_PROJECT, ServerProcess

EMBED = str(FIXTURE_PROJECT / "embeddings.py") + ":embed"
"""The deterministic embedding function of the fixture project (four animal-word counts)."""


def fixture_graph(graph_id: str) -> str:
    return str(FIXTURE_PROJECT / "graphs" / f"{graph_id}.py") + ":graph"


def project_with(folder: Path, graphs: tuple[str, ...], **settings: Any) -> Path:
    """A project in `folder` serving the fixture's `graphs` (files of tests/fixtures/project/
    graphs), with `settings` added to its langgraph.json."""
    folder.mkdir(parents=True)
    config: dict[str, Any] = {
        "graphs": {graph_id: fixture_graph(graph_id) for graph_id in graphs},
        "dependencies": [str(FIXTURE_PROJECT)],
        **settings,
    }
    (folder / "langgraph.json").write_text(json.dumps(config))
    return folder


@contextmanager
def running(process: ServerProcess) -> Iterator[ServerProcess]:
    """`process` started for the block, then stopped cleanly (its log shown if it was not)."""
    process.start()
    try:
        yield process
    finally:
        code = process.stop()
        assert code in CLEAN_EXIT, f"server exited with {code}:\n{process.log()}"


@asynccontextmanager
async def sdk_client(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    client = get_client(url=server.url)
    try:
        yield client
    finally:
        await client.http.client.aclose()


def request_properties(spec: dict[str, Any], path: str, method: str) -> set[str]:
    """The fields of the JSON body that /openapi.json describes for `method path`."""
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return set(spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"])
