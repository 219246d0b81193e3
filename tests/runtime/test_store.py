"""The long-term memory store over the SDK: items, searches, namespaces, TTL, semantic search,
and the same store seen by graphs, kept across restarts."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient

from tests.support.polling import eventually
from tests.support.projects import EMBED, project_with, request_properties, running, sdk_client
from tests.support.server import ServerProcess

SWEEP_MINUTES = 0.005  # 0.3 s: expired items disappear quickly
INDEXED_STORE = {
    "index": {"dims": 4, "embed": EMBED, "fields": ["text"]},
    "ttl": {"sweep_interval_minutes": SWEEP_MINUTES},
}


def _ns() -> list[str]:
    """A namespace of this test alone: the session server is shared."""
    return ["test", uuid.uuid4().hex]


@pytest.fixture(scope="module")
def store_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "project"
    return project_with(folder, ("echo", "memory"), store=INDEXED_STORE)


@pytest.fixture(scope="module")
def store_server(
    store_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    with running(
        ServerProcess(tmp_path_factory.mktemp("store-data"), project=store_project)
    ) as process:
        yield process


@pytest.fixture
async def indexed(store_server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with sdk_client(store_server) as client:
        yield client


async def test_put_get_search_delete(client: LangGraphClient) -> None:
    ns = _ns()
    await client.store.put_item(ns, "a", {"x": 1, "s": "hello", "tags": {"k": "v"}})
    await client.store.put_item([*ns, "sub"], "b", {"x": 2, "s": "world"})
    await client.store.put_item([*ns, "sub"], "c", {"x": 3, "flag": True})

    item = await client.store.get_item(ns, "a")
    assert item["namespace"] == ns
    assert item["key"] == "a"
    assert item["value"] == {"x": 1, "s": "hello", "tags": {"k": "v"}}
    assert item["created_at"].endswith("+00:00")
    assert await client.store.get_item(ns, "missing") is None

    found = await client.store.search_items(ns)
    assert sorted(i["key"] for i in found["items"]) == ["a", "b", "c"]
    assert {i["score"] for i in found["items"]} == {None}
    # Without `store.index`, `query` is ignored, as LangGraph Server ignores it.
    queried = await client.store.search_items(ns, query="hello")
    assert sorted(i["key"] for i in queried["items"]) == ["a", "b", "c"]

    async def keys(**kwargs: object) -> list[str]:
        return sorted(i["key"] for i in (await client.store.search_items(ns, **kwargs))["items"])

    assert await keys(filter={"x": {"$gt": 1}}) == ["b", "c"]
    assert await keys(filter={"x": {"$gte": 1, "$lt": 3}}) == ["a", "b"]
    assert await keys(filter={"x": {"$ne": 2}}) == ["a", "c"]
    assert await keys(filter={"s": "world"}) == ["b"]
    assert await keys(filter={"flag": True}) == ["c"]
    assert len(await keys(limit=2)) == 2
    first, second = await keys(limit=2), await keys(limit=2, offset=2)
    assert sorted(first + second) == ["a", "b", "c"]
    assert await client.store.search_items([*ns, "sub"]) != found

    await client.store.put_item(ns, "a", {"x": 10})
    assert (await client.store.get_item(ns, "a"))["value"] == {"x": 10}
    await client.store.delete_item(ns, "a")
    assert await client.store.get_item(ns, "a") is None


@pytest.mark.sqlite_only  # langgraph's Postgres store (LangGraph Server's) filters top-level keys
async def test_filters_reach_nested_values(client: LangGraphClient) -> None:
    ns = _ns()
    await client.store.put_item(ns, "a", {"tags": {"k": "v"}})
    await client.store.put_item(ns, "b", {"tags": {"k": "w"}})
    found = await client.store.search_items(ns, filter={"tags.k": "v"})
    assert [i["key"] for i in found["items"]] == ["a"]


async def test_list_namespaces(client: LangGraphClient) -> None:
    ns = _ns()
    for path in ([*ns, "a"], [*ns, "a", "deep"], [*ns, "b"], [*ns, "b", "deep"]):
        await client.store.put_item(path, "k", {"v": 1})
    listed = await client.store.list_namespaces(prefix=ns)
    assert listed["namespaces"] == [
        [*ns, "a"],
        [*ns, "a", "deep"],
        [*ns, "b"],
        [*ns, "b", "deep"],
    ]
    deep = await client.store.list_namespaces(prefix=ns, suffix=["deep"])
    assert deep["namespaces"] == [[*ns, "a", "deep"], [*ns, "b", "deep"]]
    shallow = await client.store.list_namespaces(prefix=ns, max_depth=3)
    assert shallow["namespaces"] == [[*ns, "a"], [*ns, "b"]]
    page = await client.store.list_namespaces(prefix=ns, limit=1, offset=1)
    assert page["namespaces"] == [[*ns, "a", "deep"]]


async def test_store_errors_name_the_field(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        dotted = await http.put(
            "/store/items", json={"namespace": ["a.b"], "key": "k", "value": {}}
        )
        assert dotted.status_code == 422
        assert "namespace[0]" in dotted.json()["detail"]
        empty = await http.put("/store/items", json={"namespace": [], "key": "k", "value": {}})
        assert empty.status_code == 400
        assert "Namespace cannot be empty" in empty.json()["detail"]
        no_value = await http.put("/store/items", json={"namespace": ["a"], "key": "k"})
        assert no_value.status_code == 422
        assert "body.value" in no_value.json()["detail"]
        not_object = await http.put(
            "/store/items", json={"namespace": ["a"], "key": "k", "value": [1]}
        )
        assert not_object.status_code == 422
        no_key = await http.get("/store/items", params={"namespace": "a"})
        assert no_key.status_code == 400
        assert "key" in no_key.json()["detail"]
        bad_operator = await http.post(
            "/store/items/search", json={"filter": {"x": {"$regex": "."}}}
        )
        assert bad_operator.status_code == 422
        assert "filter.x" in bad_operator.json()["detail"]
        bad_key = await http.post("/store/items/search", json={"filter": {"x') OR 1=1 --": 1}})
        assert bad_key.status_code == 422
        bad_depth = await http.post("/store/namespaces", json={"max_depth": 0})
        assert bad_depth.status_code == 422
        assert "max_depth" in bad_depth.json()["detail"]


@pytest.mark.pgvector
async def test_semantic_search_ranks_by_meaning(indexed: LangGraphClient) -> None:
    ns = _ns()
    await indexed.store.put_item(ns, "two-cats", {"text": "a cat and another cat"})
    await indexed.store.put_item(ns, "dog", {"text": "a dog"})
    await indexed.store.put_item(ns, "cat-dog", {"text": "a cat with a dog"})
    await indexed.store.put_item(ns, "fish", {"text": "one fish", "note": "cat"}, index=["note"])
    await indexed.store.put_item(ns, "hidden", {"text": "cat cat cat"}, index=False)

    ranked = (await indexed.store.search_items(ns, query="cat", limit=10))["items"]
    keys = [item["key"] for item in ranked]
    assert keys[:2] == ["two-cats", "fish"] or keys[:2] == ["fish", "two-cats"]
    assert keys[2:] == ["cat-dog", "dog"], "ordered by similarity; unindexed items are left out"
    scores = [item["score"] for item in ranked]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(1.0)
    assert scores[-1] == pytest.approx(0.0)

    dogs = (await indexed.store.search_items(ns, query="dog", limit=1))["items"]
    assert [item["key"] for item in dogs] == ["dog"]
    filtered = await indexed.store.search_items(ns, query="cat", filter={"text": "a dog"})
    assert [item["key"] for item in filtered["items"]] == ["dog"]


@pytest.mark.pgvector
async def test_items_expire_after_their_ttl(indexed: LangGraphClient) -> None:
    ns = _ns()
    await indexed.store.put_item(ns, "brief", {"v": 1}, ttl=SWEEP_MINUTES)
    await indexed.store.put_item(ns, "lasting", {"v": 2})
    await eventually(
        lambda: indexed.store.get_item(ns, "brief", refresh_ttl=False),
        lambda item: item is None,
        what="the expiry of an item with a TTL",
    )
    assert (await indexed.store.get_item(ns, "lasting"))["value"] == {"v": 2}


@pytest.mark.pgvector
async def test_graphs_use_the_same_store(indexed: LangGraphClient) -> None:
    user = uuid.uuid4().hex
    first = await indexed.runs.wait(None, "memory", input={"user": user, "fact": "likes tea"})
    assert first["facts"] == ["likes tea"]
    await indexed.store.put_item(["memories", user], "from-api", {"text": "owns a cat"})
    second = await indexed.runs.wait(None, "memory", input={"user": user, "fact": "reads"})
    assert second["facts"] == ["likes tea", "owns a cat", "reads"]
    saved = await indexed.store.search_items(["memories", user], limit=10)
    assert sorted(i["value"]["text"] for i in saved["items"]) == [
        "likes tea",
        "owns a cat",
        "reads",
    ]


@pytest.mark.pgvector
async def test_items_survive_a_restart_and_default_ttl_applies(tmp_path: Path) -> None:
    project = project_with(
        tmp_path / "project",
        ("echo",),
        store={**INDEXED_STORE, "ttl": {"default_ttl": 60, "sweep_interval_minutes": 1}},
    )
    with running(ServerProcess(tmp_path / "data", project=project)) as first:
        async with sdk_client(first) as client:
            await client.store.put_item(["kept"], "k", {"text": "a cat"})

    # The same data, served with a default TTL short enough to watch new items expire.
    config = json.loads((project / "langgraph.json").read_text())
    config["store"]["ttl"] = {"default_ttl": SWEEP_MINUTES, "sweep_interval_minutes": SWEEP_MINUTES}
    (project / "langgraph.json").write_text(json.dumps(config))
    with running(ServerProcess(tmp_path / "data", project=project)) as second:
        async with sdk_client(second) as client:
            kept = await client.store.get_item(["kept"], "k", refresh_ttl=False)
            assert kept["value"] == {"text": "a cat"}
            ranked = await client.store.search_items(["kept"], query="cat")
            assert ranked["items"][0]["score"] == pytest.approx(1.0), "vectors are kept too"
            await client.store.put_item(["short"], "k", {"text": "brief"})
            await eventually(
                lambda: client.store.get_item(["short"], "k", refresh_ttl=False),
                lambda item: item is None,
                what="the expiry of an item under store.ttl.default_ttl",
            )


async def test_openapi_describes_the_store(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
    paths = spec["paths"]
    assert {"put", "get", "delete"} <= set(paths["/store/items"])
    assert "post" in paths["/store/items/search"]
    assert "post" in paths["/store/namespaces"]
    assert {"namespace", "key", "value", "index", "ttl"} <= request_properties(
        spec, "/store/items", "put"
    )
