"""Safe defaults: a loud warning when serving beyond this machine without auth, the project's
CORS policy, a clear 413 for oversized bodies, and no stack trace in any response."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.auth import auth_project
from tests.support.projects import project_with, running
from tests.support.server import ServerProcess

WARNING = "WITHOUT AUTHENTICATION"
LIMIT = 4096
TRACE_MARKERS = ("Traceback", 'File "', ".py", "hunter2")


def test_serving_beyond_loopback_without_auth_warns(tmp_path: Path) -> None:
    open_project = project_with(tmp_path / "open", ("echo",))
    with running(ServerProcess(tmp_path / "d1", open_project, ("--host", "0.0.0.0"))) as bare:
        pass
    assert WARNING in bare.log()
    assert "auth.path" in bare.log()
    with running(ServerProcess(tmp_path / "d2", open_project)) as local:
        pass
    assert WARNING not in local.log()
    guarded = auth_project(tmp_path / "guarded", ("echo",))
    with running(ServerProcess(tmp_path / "d3", guarded, ("--host", "0.0.0.0"))) as protected:
        pass
    assert WARNING not in protected.log()


async def test_http_cors_is_honoured(tmp_path: Path) -> None:
    cors = {
        "allow_origins": ["https://app.example"],
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["authorization", "content-type"],
        "expose_headers": ["x-pagination-total"],
        "allow_credentials": True,
        "max_age": 60,
    }
    project = project_with(tmp_path / "project", ("echo",), http={"cors": cors})
    with running(ServerProcess(tmp_path / "data", project)) as process:
        async with httpx.AsyncClient(base_url=process.url) as http:
            allowed = await http.options(
                "/threads/search",
                headers={
                    "Origin": "https://app.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
            foreign = await http.options(
                "/threads/search",
                headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
            )
            simple = await http.get("/ok", headers={"Origin": "https://app.example"})
            other = await http.get("/ok", headers={"Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-max-age"] == "60"
    assert set(allowed.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers
    assert simple.headers["access-control-allow-origin"] == "https://app.example"
    assert simple.headers["access-control-expose-headers"] == "x-pagination-total"
    assert "access-control-allow-origin" not in other.headers


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("limited")
    project = project_with(
        folder / "project", ("echo", "fail"), lg_studio={"max_body_bytes": LIMIT}
    )
    with running(ServerProcess(folder / "data", project)) as process:
        yield process


async def test_bodies_over_the_limit_are_413(limited: ServerProcess) -> None:
    big = {"metadata": {"blob": "x" * LIMIT}}
    async with httpx.AsyncClient(base_url=limited.url) as http:
        declared = await http.post("/threads", json=big)

        async def chunks() -> AsyncIterator[bytes]:
            """No Content-Length: the server must count what arrives."""
            yield b'{"metadata": {"blob": "'
            for _ in range(LIMIT // 512 + 1):
                yield b"y" * 512
            yield b'"}}'

        chunked = await http.post(
            "/threads", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await http.post("/threads", json={"metadata": {"blob": "z" * 100}})
    for response in (declared, chunked):
        assert response.status_code == 413
        assert response.json() == {
            "detail": f"Request body is larger than the server's limit of {LIMIT} bytes "
            "(lg_studio.max_body_bytes in langgraph.json)"
        }
    assert small.status_code == 200


async def test_no_response_shows_a_stack_trace(limited: ServerProcess, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=limited.url) as http:
        failed = await http.post("/runs/wait", json={"assistant_id": "fail", "input": {}})
        streamed = await http.post(
            "/runs/stream", json={"assistant_id": "fail", "input": {}, "stream_mode": "values"}
        )
        malformed = await http.post(
            "/threads", content=b'{"metadata": {', headers={"content-type": "application/json"}
        )
    assert failed.json()["__error__"] == {"error": "ValueError", "message": "kaboom"}
    assert "event: error" in streamed.text
    assert malformed.status_code == 422
    assert malformed.json()["detail"].startswith("Request body is not valid JSON")
    project = auth_project(tmp_path / "project", ("echo",))
    with running(ServerProcess(tmp_path / "data", project)) as process:
        async with httpx.AsyncClient(base_url=process.url) as http:
            crashed = await http.post(
                "/threads/search", json={}, headers={"Authorization": "Bearer token-broken"}
            )
    assert "cannot reach the user database" in process.log()  # the operator sees it (stopped)
    assert crashed.status_code == 500
    assert crashed.json() == {
        "detail": "Authentication failed in the project's auth handler (RuntimeError)"
    }
    for response in (failed, streamed, malformed, crashed):
        assert not any(marker in response.text for marker in TRACE_MARKERS), response.text
