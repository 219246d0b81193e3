"""Shared fixtures: one real server per test session, and an SDK client per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support import scaleout
from tests.support.server import CLEAN_EXIT, ServerProcess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _drop_test_deployments() -> Iterator[None]:
    """The Postgres databases (and Redis keys) the session's servers used go with it."""
    yield
    scaleout.drop_all_created()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On the Postgres backend, skip what is about SQLite alone, and semantic search where
    Postgres lacks pgvector (the server refuses `store.index` there, tested in
    tests/runtime/test_scaleout.py)."""
    if not scaleout.ON_POSTGRES:
        return
    sqlite_only = pytest.mark.skip(reason="about the embedded (SQLite) backend only")
    no_vectors = pytest.mark.skip(reason="this Postgres has no pgvector extension")
    vectors = None
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(sqlite_only)
        elif item.get_closest_marker("pgvector"):
            vectors = scaleout.has_pgvector() if vectors is None else vectors
            if not vectors:
                item.add_marker(no_vectors)


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
