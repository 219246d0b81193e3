"""Hand-written hostile requests: each is refused with the 4xx LangGraph Server's clients expect
and a message naming the field at fault, or, where it is valid (unicode keys, a long string),
stored and given back exactly."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from tests.support.server import ServerProcess


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"n": value}
    return value


REFUSED = [
    pytest.param(
        "POST",
        "/threads",
        {"metadata": _nested(150)},
        "Invalid request: body.metadata" + ".n" * 99 + ": JSON nested deeper than 100 levels",
        id="deep-json",
    ),
    pytest.param(
        "POST",
        "/threads",
        {"metadata": {"note": "a\x00b"}},
        "Invalid request: body.metadata.note: text contains a NUL character (U+0000)",
        id="nul-in-text",
    ),
    pytest.param(
        "POST",
        "/threads",
        {"metadata": {"k\x00ey": 1}},
        "Invalid request: body.metadata: key 'k<U+0000>ey' contains a NUL character",
        id="nul-in-key",
    ),
    pytest.param(
        "POST",
        "/threads/search",
        {"limit": "5"},
        'Invalid request: body.limit: Input should be a valid integer (got "5")',
        id="string-for-int",
    ),
    pytest.param(
        "POST",
        "/threads/search",
        {"offset": True},
        "Invalid request: body.offset: Input should be a valid integer (got true)",
        id="bool-for-int",
    ),
    pytest.param(
        "POST",
        "/assistants/search",
        {"limit": -1},
        "Invalid request: body.limit: Input should be greater than or equal to 1 (got -1)",
        id="negative-limit",
    ),
    pytest.param(
        "POST",
        "/runs/crons/search",
        {"offset": -5},
        "Invalid request: body.offset: Input should be greater than or equal to 0 (got -5)",
        id="negative-offset",
    ),
    pytest.param(
        "POST",
        "/threads",
        {"metadata": ["not", "an", "object"]},
        "Invalid request: body.metadata: Input should be a valid dictionary "
        '(got ["not","an","object"])',
        id="list-for-object",
    ),
    pytest.param(
        "POST",
        "/threads",
        {"thread_id": "not-a-uuid"},
        "Invalid thread ID: must be a UUID",
        id="invalid-uuid-in-body",
    ),
    pytest.param(
        "GET", "/threads/42", None, "Invalid thread ID: must be a UUID", id="invalid-uuid-in-path"
    ),
    pytest.param(
        "GET",
        f"/threads/{uuid.uuid4()}/runs/xyz",
        None,
        "Invalid run ID: must be a UUID",
        id="invalid-run-uuid",
    ),
    pytest.param(
        "GET",
        f"/threads/{uuid.uuid4()}/history?limit=-3",
        None,
        "Invalid query parameter limit: must be >= 1",
        id="negative-query-limit",
    ),
    pytest.param(
        "PUT",
        "/store/items",
        {"namespace": ["a.b"], "key": "k", "value": {}},
        "Invalid request: body.namespace[0]: Namespace label 'a.b' must be a non-empty string "
        "without periods",
        id="dotted-namespace",
    ),
    pytest.param(
        "POST",
        "/runs/wait",
        {"assistant_id": "echo", "after_seconds": "soon"},
        'Invalid request: body.after_seconds: Input should be a valid number (got "soon")',
        id="string-for-number",
    ),
    pytest.param(
        "POST",
        "/runs/batch",
        [{"assistant_id": "echo", "stream_mode": "everything"}],
        "Invalid request: body[0].stream_mode",
        id="bad-item-of-a-list",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "detail"), REFUSED)
async def test_hostile_input_is_refused_naming_the_field(
    server: ServerProcess, method: str, path: str, body: Any, detail: str
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(detail), response.json()["detail"][:300]


async def test_beyond_the_json_parser_nesting_is_refused(server: ServerProcess) -> None:
    raw = '{"metadata": ' + '{"n": ' * 5000 + "1" + "}" * 5001
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            "/threads", content=raw, headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Request body is not valid JSON")


async def test_unicode_keys_and_long_strings_round_trip(client: LangGraphClient) -> None:
    tag = str(uuid.uuid4())
    metadata = {"ключ 🔑": "値 ✓", "\u202eright-to-left": "x", "tag": tag, "long": "é" * 500_000}
    thread = await client.threads.create(metadata=metadata)
    assert thread["metadata"] == metadata
    found = await client.threads.search(metadata={"ключ 🔑": "値 ✓", "tag": tag})
    assert [t["thread_id"] for t in found] == [thread["thread_id"]]
    await client.store.put_item(["ünï", "コード"], "🔑", {"ключ": "値"})
    item = await client.store.get_item(["ünï", "コード"], "🔑")
    assert item["value"] == {"ключ": "値"}
