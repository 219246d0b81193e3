"""Scale-out: several `lg-studio serve` processes on one Postgres and one Redis (the real
services on loopback), driven through langgraph_sdk over HTTP. Any process answers any
request: a burst of runs is shared out and each run executes exactly once; a stream is joined
and resumed on processes other than the one producing it; a run is cancelled through another
process; the runs of a process killed with SIGKILL are finished by the others."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from studio.runtime.storage.postgres_leases import WORKER_LOCK
from tests.support import scaleout
from tests.support.polling import eventually
from tests.support.projects import project_with
from tests.support.server import CLEAN_EXIT, ROOT, ServerProcess

pytestmark = [pytest.mark.scaleout, pytest.mark.slow]

BURST = 1000
HISTORY_PROJECT = ROOT / "tests" / "fixtures" / "history_project"


class Deployment:
    """Server processes sharing one test database and its Redis keys."""

    def __init__(self, folder: Path, database: str) -> None:
        self.folder = folder
        self.args = (
            "--postgres-uri",
            scaleout.create_database(database),
            "--redis-uri",
            scaleout.REDIS,
            "--no-reload",
        )
        self.servers: list[ServerProcess] = []
        self.clients: list[LangGraphClient] = []
        self.killed: list[ServerProcess] = []

    def start(self, count: int, project: Path) -> list[ServerProcess]:
        """Start `count` processes at once (they race to set up the empty database)."""
        started = [
            ServerProcess(self.folder / f"data-{len(self.servers) + i}", project, self.args)
            for i in range(count)
        ]
        self.servers.extend(started)
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(lambda server: server.start(), started))
        self.clients.extend(get_client(url=server.url) for server in started)
        return started

    def client_of(self, server: ServerProcess) -> LangGraphClient:
        return self.clients[self.servers.index(server)]

    def kill(self, server: ServerProcess) -> None:
        """SIGKILL: the process leaves its runs, connections and locks as they are."""
        server.kill()
        self.killed.append(server)

    async def close(self) -> None:
        for client in self.clients:
            await client.http.client.aclose()
        codes = {server: server.stop() for server in self.servers}
        for server, code in codes.items():
            if server not in self.killed:
                assert code in CLEAN_EXIT, f"server exited with {code}:\n{server.log()}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_with(tmp_path / "project", ("pid", "held", "slow", "gated"))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    name = scaleout.database_for(tmp_path / "deployment")
    yield name
    scaleout.drop_deployment(name)


@pytest.fixture
async def deployment(tmp_path: Path, database: str) -> AsyncIterator[Deployment]:
    made = Deployment(tmp_path, database)
    yield made
    await made.close()


async def _executing_pid(client: LangGraphClient, thread_id: str, run_id: str) -> int:
    """The process a `held` run executes in, as the run announces it (from any process)."""
    async for part in client.runs.join_stream(
        thread_id, run_id, stream_mode="custom", last_event_id="-"
    ):
        if part.event == "custom":
            return int(part.data["pid"])
    raise AssertionError(f"run {run_id} ended without saying where it ran")


async def test_a_burst_is_shared_out_and_each_run_executes_once(
    deployment: Deployment, project: Path
) -> None:
    servers = deployment.start(3, project)
    clients = deployment.clients
    gate = asyncio.Semaphore(48)

    async def submit(i: int) -> None:
        async with gate:
            await clients[i % len(clients)].runs.create(
                str(uuid.uuid4()), "pid", input={}, if_not_exists="create"
            )

    await asyncio.gather(*(submit(i) for i in range(BURST)))
    await eventually(
        lambda: clients[1].threads.count(status="idle"),
        lambda idle: idle == BURST,
        within=240,
        interval=0.5,
        what=f"all {BURST} runs ending",
    )
    threads = [
        thread
        for offset in range(0, BURST, 250)
        for thread in await clients[2].threads.search(limit=250, offset=offset)
    ]
    assert len(threads) == BURST
    executions = [thread["values"]["pids"] for thread in threads]
    assert all(len(pids) == 1 for pids in executions), "every run executed exactly once"
    by_process = Counter(pids[0] for pids in executions)
    assert set(by_process) == {server.pid for server in servers}, by_process
    for thread in threads[:20]:
        runs = await clients[0].runs.list(thread["thread_id"])
        assert [(r["status"], r["thread_id"]) for r in runs] == [("success", thread["thread_id"])]


async def test_a_stream_is_joined_and_resumed_on_other_processes(
    deployment: Deployment, project: Path
) -> None:
    deployment.start(3, project)
    first, second, third = deployment.clients
    thread_id = (await first.threads.create())["thread_id"]
    run = await first.runs.create(
        thread_id,
        "slow",
        input={},
        context={"delay": 0.1},
        stream_mode=["values", "updates"],
        stream_resumable=True,
    )
    joined = [
        part async for part in second.runs.join_stream(thread_id, run["run_id"], last_event_id="-")
    ]
    assert joined[0].event == "metadata"
    assert [p.data for p in joined if p.event == "updates"] == [
        {step: {"steps": [step]}} for step in ("step1", "step2", "step3")
    ]
    assert joined[-1].data == {"steps": ["step1", "step2", "step3"]}
    assert [int(part.id or 0) for part in joined] == list(range(1, len(joined) + 1))

    resumed = [
        part
        async for part in third.runs.join_stream(
            thread_id, run["run_id"], last_event_id=joined[2].id
        )
    ]
    assert resumed == joined[3:]
    assert await third.runs.join(thread_id, run["run_id"]) == joined[-1].data


async def test_a_run_is_cancelled_through_another_process(
    deployment: Deployment, project: Path
) -> None:
    servers = deployment.start(3, project)
    thread_id = (await deployment.clients[0].threads.create())["thread_id"]
    run = await deployment.clients[0].runs.create(thread_id, "held", input={}, stream_mode="custom")
    pid = await _executing_pid(deployment.clients[1], thread_id, run["run_id"])
    executing = next(server for server in servers if server.pid == pid)
    other = deployment.client_of(next(server for server in servers if server is not executing))

    await other.runs.cancel(thread_id, run["run_id"], wait=True)

    assert (await other.runs.get(thread_id, run["run_id"]))["status"] == "interrupted"
    # The executing process stopped the run and settled its thread: no longer busy.
    thread = await deployment.client_of(executing).threads.get(thread_id)
    assert thread["status"] != "busy"


async def test_runs_of_a_killed_process_are_finished_by_the_others(
    deployment: Deployment, project: Path
) -> None:
    servers = deployment.start(3, project)
    client = deployment.clients[0]
    started = []
    for _ in range(3):
        thread_id = (await client.threads.create())["thread_id"]
        run = await client.runs.create(thread_id, "held", input={}, stream_mode="custom")
        started.append((thread_id, run["run_id"]))
    where = {run: await _executing_pid(client, thread, run) for thread, run in started}
    victim_pid, _ = Counter(where.values()).most_common(1)[0]
    victim = next(server for server in servers if server.pid == victim_pid)
    survivors = [server for server in servers if server is not victim]
    survivor = deployment.client_of(survivors[0])

    deployment.kill(victim)

    for thread_id, run_id in started:
        if where[run_id] != victim_pid:  # held by a live process: not this test's subject
            await survivor.runs.cancel(thread_id, run_id, wait=True)
            continue
        values = await survivor.runs.join(thread_id, run_id)
        assert values["pids"][0] in {server.pid for server in survivors}
        finished = await survivor.runs.get(thread_id, run_id)
        assert finished["status"] == "success"


async def test_pruning_a_delta_channel_thread_is_refused_clearly(
    deployment: Deployment,
) -> None:
    """langgraph's Postgres saver cannot keep only the latest checkpoint of a thread with a
    DeltaChannel (it would lose the channel's history); the API says so with a 409."""
    deployment.start(1, HISTORY_PROJECT)
    client = deployment.clients[0]
    thread_id = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread_id, "delta", input={"rounds": 2})
    async with httpx.AsyncClient(base_url=deployment.servers[0].url) as http:
        response = await http.post(
            "/threads/prune", json={"thread_ids": [thread_id], "strategy": "keep_latest"}
        )
    assert response.status_code == 409
    assert "DeltaChannel" in response.json()["detail"]


def test_semantic_search_without_pgvector_is_refused_at_start(
    tmp_path: Path, database: str
) -> None:
    if scaleout.has_pgvector():
        pytest.skip("this Postgres has pgvector")
    project = project_with(
        tmp_path / "indexed",
        ("pid",),
        store={"index": {"dims": 4, "embed": "./embeddings.py:embed"}},
    )
    (project / "embeddings.py").write_text(
        (ROOT / "tests" / "fixtures" / "project" / "embeddings.py").read_text()
    )
    server = ServerProcess(
        tmp_path / "data",
        project,
        ("--postgres-uri", scaleout.create_database(database), "--redis-uri", scaleout.REDIS),
    )
    with pytest.raises(RuntimeError, match="needs the pgvector extension"):
        server.start()


@contextmanager
def redis_subscribers_dropped() -> Iterator[None]:
    """Drop every Redis pub/sub connection, again and again, for the block: a subscriber
    misses what is published while it reconnects (changing no server setting, so the
    processes' other Redis connections come and go as usual)."""
    client = redis.Redis.from_url(scaleout.REDIS)
    done = threading.Event()

    def drop() -> None:
        while not done.is_set():
            client.client_kill_filter(_type="pubsub")
            done.wait(0.002)  # pacing, not waiting for anything

    dropper = threading.Thread(target=drop, name="drop-subscribers")
    client.client_kill_filter(_type="pubsub")
    dropper.start()
    try:
        yield
    finally:
        done.set()
        dropper.join()
        client.close()


async def test_a_cancel_reaches_a_process_that_lost_its_redis_subscription(
    deployment: Deployment, project: Path
) -> None:
    servers = deployment.start(2, project)
    thread_id = (await deployment.clients[0].threads.create())["thread_id"]
    run = await deployment.clients[0].runs.create(thread_id, "held", input={}, stream_mode="custom")
    pid = await _executing_pid(deployment.clients[1], thread_id, run["run_id"])
    other = deployment.client_of(next(server for server in servers if server.pid != pid))

    with redis_subscribers_dropped():
        async with asyncio.timeout(60):  # a lost cancel would wait for ever
            await other.runs.cancel(thread_id, run["run_id"], wait=True)

    assert (await other.runs.get(thread_id, run["run_id"]))["status"] == "interrupted"
    thread = await other.threads.get(thread_id)
    assert thread["status"] != "busy", "the executing process stopped the run and settled it"


def _lease_backend_pid(database: str, server: ServerProcess) -> int:
    """The Postgres backend of `server`'s worker connection (it holds the worker's lock)."""
    with psycopg.connect(scaleout.database_uri(database), autocommit=True) as conn:
        found = conn.execute(
            "SELECT l.pid FROM pg_locks l JOIN workers w ON l.objid = w.worker_id::oid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::oid "
            "AND l.objsubid = 2 AND w.pid = %s",
            (WORKER_LOCK, server.pid),
        ).fetchone()
    assert found is not None, f"process {server.pid} holds no worker lock"
    return int(found[0])


def _terminate_backend(database: str, pid: int) -> None:
    with psycopg.connect(scaleout.database_uri(database), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_a_process_that_loses_its_worker_connection_stops_its_runs(
    deployment: Deployment, project: Path, database: str, tmp_path: Path
) -> None:
    """Its runs are retried by some process, and each completes exactly once: the process
    that lost its connection stopped them before any other could start them again."""
    log, gate = tmp_path / "executions.log", tmp_path / "gate"
    (victim,) = deployment.start(1, project)
    client = deployment.client_of(victim)
    names = [f"run{i}" for i in range(3)]
    runs = {}
    for name in names:
        thread_id = (await client.threads.create())["thread_id"]
        state = {"name": name, "log": str(log), "gate": str(gate)}
        runs[name] = (thread_id, await client.runs.create(thread_id, "gated", input=state))

    def lines() -> Counter[str]:
        return Counter(log.read_text().splitlines()) if log.exists() else Counter()

    async def seen() -> Counter[str]:
        return lines()

    await eventually(seen, lambda found: all(found[f"start {n}"] == 1 for n in names))
    deployment.start(1, project)  # a process to take the runs over

    _terminate_backend(database, _lease_backend_pid(database, victim))

    await eventually(
        seen,
        lambda found: all(found[f"start {n}"] == 2 for n in names),
        what="every run starting again",
    )
    gate.touch()
    for thread_id, run in runs.values():
        await client.runs.join(thread_id, run["run_id"])
        assert (await client.runs.get(thread_id, run["run_id"]))["status"] == "success"
    assert lines() == Counter(
        {f"{step} {n}": 2 if step == "start" else 1 for n in names for step in ("start", "done")}
    )
