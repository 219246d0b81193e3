"""Assistants over the SDK against a real server."""

from __future__ import annotations

import uuid

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from tests.support.server import ServerProcess

# LangGraph Server derives the default assistant's id from the graph id (uuid5).
ECHO_ASSISTANT = str(uuid.uuid5(uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8"), "echo"))


async def test_every_graph_has_a_system_assistant_with_the_reference_id(
    client: LangGraphClient,
) -> None:
    found = await client.assistants.search(metadata={"created_by": "system"}, limit=100)
    by_graph = {a["graph_id"]: a for a in found}
    assert {"echo", "chat", "approval", "nested", "fail", "slow", "custom", "factory"} <= set(
        by_graph
    )
    echo = by_graph["echo"]
    assert echo["assistant_id"] == ECHO_ASSISTANT
    assert echo["name"] == "EchoGraph"
    assert echo["version"] == 1
    assert echo["config"] == {}
    assert echo["context"] == {}
    assert by_graph["nested"]["name"] == "nested"


async def test_create_get_and_conflicts(client: LangGraphClient) -> None:
    assistant_id = str(uuid.uuid4())
    created = await client.assistants.create(
        "echo",
        assistant_id=assistant_id,
        config={"configurable": {"tone": "dry"}},
        metadata={"team": "a"},
        name="Dry echo",
        description="echoes, dryly",
    )
    assert created["assistant_id"] == assistant_id
    assert created["graph_id"] == "echo"
    assert created["context"] == {"tone": "dry"}, "configurable is mirrored into context"
    assert created["name"] == "Dry echo"
    assert created["description"] == "echoes, dryly"
    assert created["version"] == 1
    assert await client.assistants.get(assistant_id) == created

    with pytest.raises(httpx.HTTPStatusError) as conflict:
        await client.assistants.create("echo", assistant_id=assistant_id)
    assert conflict.value.response.status_code == 409

    same = await client.assistants.create("echo", assistant_id=assistant_id, if_exists="do_nothing")
    assert same == created


async def test_context_is_mirrored_into_config_and_both_is_an_error(
    client: LangGraphClient,
) -> None:
    created = await client.assistants.create("echo", context={"tone": "warm"})
    assert created["config"] == {"configurable": {"tone": "warm"}}
    assert created["name"] == "Untitled"
    with pytest.raises(httpx.HTTPStatusError) as both:
        await client.assistants.create("echo", config={"configurable": {"a": 1}}, context={"b": 2})
    assert both.value.response.status_code == 400
    assert "configurable and context" in both.value.response.json()["detail"]


async def test_unknown_graph_and_bad_ids(client: LangGraphClient, server: ServerProcess) -> None:
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        await client.assistants.create("no-such-graph")
    assert unknown.value.response.status_code == 404
    assert "no-such-graph" in unknown.value.response.json()["detail"]

    async with httpx.AsyncClient(base_url=server.url) as http:
        bad = await http.get("/assistants/not-a-uuid")
        assert bad.status_code == 422
        assert bad.json() == {"detail": "Invalid assistant ID: must be a UUID"}
        missing = await http.get(f"/assistants/{uuid.uuid4()}")
        assert missing.status_code == 404
        wrong_type = await http.post("/assistants", json={"graph_id": 3})
        assert wrong_type.status_code == 422
        assert "graph_id" in wrong_type.json()["detail"]
        no_graph = await http.post("/assistants", json={})
        assert no_graph.status_code == 422
        assert "graph_id" in no_graph.json()["detail"]
        not_json = await http.post("/assistants", content=b"{nope")
        assert not_json.status_code == 422


async def test_patch_makes_versions_and_latest_restores_one(client: LangGraphClient) -> None:
    created = await client.assistants.create("echo", metadata={"a": 1}, name="v1")
    aid = created["assistant_id"]
    patched = await client.assistants.update(aid, metadata={"b": 2}, name="v2")
    assert patched["version"] == 2
    assert patched["metadata"] == {"a": 1, "b": 2}, "metadata is merged"
    assert patched["name"] == "v2"
    patched = await client.assistants.update(aid, config={"configurable": {"x": 1}})
    assert patched["version"] == 3
    assert patched["name"] == "v2", "fields not given are kept"
    assert patched["context"] == {"x": 1}

    versions = await client.assistants.get_versions(aid)
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[-1]["name"] == "v1"
    assert [v["version"] for v in await client.assistants.get_versions(aid, limit=1, offset=1)] == [
        2
    ]

    restored = await client.assistants.set_latest(aid, 1)
    assert restored["version"] == 1
    assert restored["name"] == "v1"
    assert restored["metadata"] == {"a": 1}
    assert (await client.assistants.get(aid))["name"] == "v1"

    with pytest.raises(httpx.HTTPStatusError) as missing:
        await client.assistants.set_latest(aid, 99)
    assert missing.value.response.status_code == 404


async def test_search_filters_sorts_and_paginates(
    client: LangGraphClient, server: ServerProcess
) -> None:
    tag = str(uuid.uuid4())
    for name in ("charlie", "alpha", "bravo"):
        await client.assistants.create("echo", name=name, metadata={"suite": tag})
    await client.assistants.create("chat", name="delta", metadata={"suite": tag})

    everything = await client.assistants.search(metadata={"suite": tag})
    assert [a["name"] for a in everything] == ["delta", "bravo", "alpha", "charlie"], (
        "newest first by default"
    )
    by_name = await client.assistants.search(
        metadata={"suite": tag}, sort_by="name", sort_order="asc"
    )
    assert [a["name"] for a in by_name] == ["alpha", "bravo", "charlie", "delta"]
    echo_only = await client.assistants.search(metadata={"suite": tag}, graph_id="echo")
    assert {a["graph_id"] for a in echo_only} == {"echo"}
    assert len(echo_only) == 3
    named = await client.assistants.search(metadata={"suite": tag}, name="RAV")
    assert [a["name"] for a in named] == ["bravo"], "name matches case-insensitive substrings"
    assert await client.assistants.count(metadata={"suite": tag}) == 4
    assert await client.assistants.count(metadata={"suite": tag}, graph_id="chat") == 1

    selected = await client.assistants.search(
        metadata={"suite": tag}, select=["assistant_id", "name"]
    )
    assert all(set(a) == {"assistant_id", "name"} for a in selected)

    async with httpx.AsyncClient(base_url=server.url) as http:
        page = await http.post(
            "/assistants/search",
            json={"metadata": {"suite": tag}, "limit": 3, "sort_by": "name", "sort_order": "asc"},
        )
        assert [a["name"] for a in page.json()] == ["alpha", "bravo", "charlie"]
        assert page.headers["x-pagination-total"] == "4"
        assert page.headers["x-pagination-next"] == "3"
        last = await http.post(
            "/assistants/search",
            json={"metadata": {"suite": tag}, "limit": 3, "offset": 3},
        )
        assert len(last.json()) == 1
        assert "x-pagination-next" not in last.headers
        too_many = await http.post("/assistants/search", json={"limit": 5000})
        assert too_many.status_code == 422
        assert "limit" in too_many.json()["detail"]


async def test_graph_schemas_and_subgraphs(client: LangGraphClient) -> None:
    graph = await client.assistants.get_graph("nested")
    node_ids = [n["id"] for n in graph["nodes"]]
    assert node_ids == ["__start__", "prep", "sub", "post", "__end__"]
    assert {"source": "prep", "target": "sub"} in [
        {"source": e["source"], "target": e["target"]} for e in graph["edges"]
    ]
    xray = await client.assistants.get_graph("nested", xray=True)
    assert {"sub:sub_a", "sub:sub_b"} <= {n["id"] for n in xray["nodes"]}

    nested_id = str(uuid.uuid5(uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8"), "nested"))
    schemas = await client.assistants.get_schemas(nested_id)
    assert schemas["graph_id"] == "nested"
    assert set(schemas["input_schema"]["properties"]) >= {"value", "steps"}
    assert schemas["state_schema"]["title"] == "LangGraphState" or schemas["state_schema"]
    subgraphs = await client.assistants.get_subgraphs(nested_id)
    assert list(subgraphs) == ["sub"]
    assert "inner" in subgraphs["sub"]["state_schema"]["properties"]


async def test_graph_of_a_factory_and_xray_validation(
    client: LangGraphClient, server: ServerProcess
) -> None:
    graph = await client.assistants.get_graph("factory")
    assert [n["id"] for n in graph["nodes"]] == ["__start__", "greet", "__end__"]
    async with httpx.AsyncClient(base_url=server.url) as http:
        bad = await http.get("/assistants/echo/graph", params={"xray": "-1"})
        assert bad.status_code == 422


async def test_delete_assistant(client: LangGraphClient) -> None:
    created = await client.assistants.create("echo")
    await client.assistants.delete(created["assistant_id"])
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await client.assistants.get(created["assistant_id"])
    assert gone.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as again:
        await client.assistants.delete(created["assistant_id"])
    assert again.value.response.status_code == 404
