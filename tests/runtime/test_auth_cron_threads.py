"""Cron searches under custom auth see a thread's crons only if the caller may see the
thread, as LangGraph Server's `Crons.search` does: the threads handler's filter (read for one
thread, search otherwise) is applied to the metadata of each cron's thread, on top of the
crons handler's filter over the cron's own metadata; crons without a thread pass it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.auth import user_client
from tests.support.projects import project_with, running
from tests.support.server import ServerProcess

SCHEDULE = "0 0 1 1 *"

THREADS_ONLY_AUTH = '''
from langgraph_sdk import Auth

auth = Auth()
USERS = {"token-alice": "alice", "token-bob": "bob"}


@auth.authenticate
async def authenticate(authorization: str | None) -> str:
    user = USERS.get((authorization or "").removeprefix("Bearer "))
    if user is None:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Unknown token")
    return user


@auth.on.threads
async def own_threads(ctx: Auth.types.AuthContext, value: dict) -> dict:
    """Threads are their creator's; every other resource (crons too) is everyone's."""
    if ctx.action == "create":
        value.setdefault("metadata", {})["owner"] = ctx.user.identity
    return {"owner": ctx.user.identity}
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("cron-threads") / "project"
    project = project_with(folder, ("echo",), auth={"path": "./auth.py:auth"})
    (project / "auth.py").write_text(THREADS_ONLY_AUTH)
    with running(ServerProcess(tmp_path_factory.mktemp("cron-threads-data"), project)) as process:
        yield process


async def test_a_threads_crons_are_seen_only_by_who_may_see_the_thread(
    server: ServerProcess,
) -> None:
    async with user_client(server, "alice") as alice, user_client(server, "bob") as bob:
        thread = await alice.threads.create()
        on_thread = await alice.crons.create_for_thread(
            thread["thread_id"], "echo", schedule=SCHEDULE
        )
        threadless = await alice.crons.create("echo", schedule=SCHEDULE)

        seen_by_alice = await alice.crons.search(sort_by="cron_id")
        assert {c["cron_id"] for c in seen_by_alice} == {
            on_thread["cron_id"],
            threadless["cron_id"],
        }
        assert [c["cron_id"] for c in await bob.crons.search()] == [threadless["cron_id"]]
        assert await bob.crons.count() == 1
        assert await bob.crons.search(thread_id=thread["thread_id"]) == []
        assert await bob.crons.count(thread_id=thread["thread_id"]) == 0
        assert [c["cron_id"] for c in await alice.crons.search(thread_id=thread["thread_id"])] == [
            on_thread["cron_id"]
        ]
