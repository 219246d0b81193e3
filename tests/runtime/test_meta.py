"""Health, server information, the API description, CORS, and keep-alives."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from langgraph_sdk import get_client

from tests.support.server import CLEAN_EXIT, ServerProcess, slow_graph_project


async def test_ok_info_and_docs(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/ok")).json() == {"ok": True, "services": {}}
        assert (await http.get("/ok", params={"check_db": "1"})).status_code == 200
        assert (await http.get("/")).json()["ok"] is True
        info = (await http.get("/info")).json()
        assert info["flags"]["assistants"] is True
        assert info["flags"]["crons"] is True
        assert info["langgraph_py_version"]
        assert info["graph_errors"] == []
        docs = await http.get("/docs")
        assert docs.status_code == 200
        assert "openapi.json" in docs.text


async def test_openapi_describes_what_is_served(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
        assert spec["openapi"].startswith("3.")
        paths = spec["paths"]
        for path, method in [
            ("/assistants/search", "post"),
            ("/threads/{thread_id}/runs/stream", "post"),
            ("/threads/{thread_id}/history", "post"),
            ("/runs/wait", "post"),
            ("/threads/{thread_id}/stream", "get"),
        ]:
            assert method in paths[path], f"{method.upper()} {path} is described"
        body = paths["/threads/{thread_id}/runs"]["post"]["requestBody"]
        schema_name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        properties = spec["components"]["schemas"][schema_name]["properties"]
        assert {"assistant_id", "input", "command", "stream_mode", "multitask_strategy"} <= set(
            properties
        )
        for path, operations in paths.items():
            probe_path = path.replace("{thread_id}", "not-a-uuid").replace(
                "{assistant_id}", "not-a-uuid"
            )
            get = operations.get("get")
            if "{" in probe_path or get is None or "text/event-stream" in str(get["responses"]):
                continue  # a stream that is served answers only when it ends
            response = await http.get(probe_path)
            assert response.status_code != 404 or response.json()["detail"] != "Not Found", path


async def test_cors_and_head(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        preflight = await http.options(
            "/threads/search",
            headers={"Origin": "http://example.com", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 200
        response = await http.get("/ok", headers={"Origin": "http://example.com"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "x-pagination-total" in response.headers["access-control-expose-headers"].lower()
        assert (await http.head("/ok")).status_code == 200


async def test_quiet_streams_send_heartbeats(tmp_path: Path) -> None:
    project = slow_graph_project(tmp_path / "project", {"heartbeat_seconds": 0.05})
    process = ServerProcess(tmp_path / "data", project=project)
    process.start()
    sdk = get_client(url=process.url)
    try:
        thread = await sdk.threads.create()
        async with (
            httpx.AsyncClient(base_url=process.url) as http,
            http.stream(
                "POST",
                f"/threads/{thread['thread_id']}/runs/stream",
                json={"assistant_id": "slow", "input": {}, "context": {"delay": 0.3}},
            ) as response,
        ):
            lines = [line async for line in response.aiter_lines()]
        assert ": heartbeat" in lines, "a quiet stream says it is alive"
        assert lines.count("event: values") >= 1
        async with httpx.AsyncClient(base_url=process.url) as http:
            waited = await http.post(
                f"/threads/{thread['thread_id']}/runs/wait",
                json={"assistant_id": "slow", "input": {}, "context": {"delay": 0.3}},
            )
        assert waited.text.startswith("\n"), "a long wait keeps its connection alive"
        assert json.loads(waited.text)["steps"][-1] == "step3"
    finally:
        await sdk.http.client.aclose()
        assert process.stop() in CLEAN_EXIT
