"""The studio's client identifies itself as the studio, so a project under custom auth opens
in it as in LangSmith Studio with `langgraph dev` (the runtime lets the studio in on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.client.api import ClientError, StudioClient
from tests.support.auth import auth_project
from tests.support.projects import running
from tests.support.server import ServerProcess


async def test_the_studio_is_let_in_where_other_clients_are_not(tmp_path: Path) -> None:
    project = auth_project(tmp_path / "project", ("echo",))
    with running(ServerProcess(tmp_path / "data", project)) as server:
        studio = StudioClient(server.url, as_studio=True)
        stranger = StudioClient(server.url)
        try:
            assistants = await studio.assistants()
            with pytest.raises(ClientError) as refused:
                await stranger.assistants()
        finally:
            await studio.close()
            await stranger.close()
    assert assistants == []  # the fixture's handlers show each user only what they own
    assert refused.value.status == 401
