"""Reading langgraph.json like `langgraph dev`: env, dependencies, module paths, and graphs
that fail to load without taking the others down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.support.server import CLEAN_EXIT, ROOT, ServerProcess

BROKEN = ROOT / "tests" / "fixtures" / "broken_project"


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("broken"), project=BROKEN)
    process.start()
    yield process
    assert process.stop() in CLEAN_EXIT


@pytest.fixture
async def broken_client(broken_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    sdk = get_client(url=broken_server.url)
    yield sdk
    await sdk.http.client.aclose()


async def test_failed_graphs_are_reported_with_file_and_line(broken_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=broken_server.url) as http:
        assert (await http.get("/ok")).status_code == 200
        info = (await http.get("/info")).json()
    errors = {e["graph_id"]: e for e in info["graph_errors"]}
    assert set(errors) == {"syntax", "missing_import", "wrong_variable"}
    assert errors["syntax"]["file"] == str(BROKEN / "syntax_error.py")
    assert errors["syntax"]["line"] == 3
    assert errors["syntax"]["message"].startswith("SyntaxError")
    assert errors["missing_import"]["file"] == str(BROKEN / "missing_import.py")
    assert errors["missing_import"]["line"] == 3
    assert "package_that_is_not_installed" in errors["missing_import"]["message"]
    assert "nothing_here" in errors["wrong_variable"]["message"]
    assert "Traceback" in errors["missing_import"]["traceback"]
    assert info["graphs"]["good"] == {"loaded": True}
    assert info["graphs"]["syntax"]["loaded"] is False
    assert "failed to load" in broken_server.log()


async def test_good_graphs_keep_serving(broken_client: LangGraphClient) -> None:
    assistants = await broken_client.assistants.search()
    assert {a["graph_id"] for a in assistants} == {"good", "by_module"}
    result = await broken_client.runs.wait(None, "good", input={"text": "monde"})
    assert result == {"text": "BONJOUR MONDE"}, "env file and local dependency are honoured"
    assert await broken_client.runs.wait(None, "by_module", input={"n": 1}) == {"n": 2}
    with pytest.raises(httpx.HTTPStatusError) as failed:
        await broken_client.assistants.create("syntax")
    assert failed.value.response.status_code == 404
    assert "failed to load" in failed.value.response.json()["detail"]


def test_invalid_project_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "langgraph.json").write_text('{"graphs": {"x": "no-variable-here"}}')
    process = ServerProcess(tmp_path / "data", project=tmp_path)
    with pytest.raises(RuntimeError, match="names no variable"):
        process.start()
    assert "Traceback" not in process.log()
