"""A project under the custom auth of tests/fixtures/project/auth.py, and clients of its users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.projects import project_with
from tests.support.server import FIXTURE_PROJECT, ServerProcess

AUTH_PATH = str(FIXTURE_PROJECT / "auth.py") + ":auth"
TOKENS = {"alice": "token-alice", "bob": "token-bob", "reader": "token-reader"}


def auth_project(folder: Path, graphs: tuple[str, ...], **auth: Any) -> Path:
    """A project serving `graphs` behind the fixture's custom auth (`auth` adds settings)."""
    return project_with(folder, graphs, auth={"path": AUTH_PATH, **auth})


def bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[user]}"}


@asynccontextmanager
async def user_client(server: ServerProcess, user: str) -> AsyncIterator[LangGraphClient]:
    """The SDK as `user` sees the server (sending their bearer token)."""
    client = get_client(url=server.url, headers=bearer(user), api_key=None)
    try:
        yield client
    finally:
        await client.http.client.aclose()
