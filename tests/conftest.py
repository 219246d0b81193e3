"""Shared fixtures: one real server per test session, and an SDK client per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, ServerProcess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server-data"))
    process.start()
    yield process
    code = process.stop()
    assert code in CLEAN_EXIT, f"server exited with {code}:\n{process.log()}"


@pytest.fixture
async def client(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    sdk = get_client(url=server.url)
    yield sdk
    await sdk.http.client.aclose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
