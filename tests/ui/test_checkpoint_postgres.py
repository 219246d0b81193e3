"""Opening a user's own langgraph Postgres checkpointer by DSN: its threads, a thread's history
in the debugger's panels, and a copy into the project that any client then sees. The database
is the test's own (on the Postgres on 127.0.0.1), written by a real graph run with langgraph's
PostgresSaver as a user's program would write it, and dropped at the end."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph_sdk import get_client
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from studio.client.checkpoint_postgres import connect_read_only
from studio.launcher import StudioController
from tests.support.projects import project_with
from tests.support.qt import next_emission
from tests.support.scaleout import create_database, database_uri
from tests.ui.studio_support import open_project
from tests.ui.test_checkpoint_browser import USER_THREAD, run_user_program


@pytest.fixture
def user_database() -> Iterator[str]:
    """A database of its own with the user's program's checkpoints; its DSN."""
    name = f"lgs_test_ckpt_{uuid.uuid4().hex[:12]}"
    dsn = create_database(name)
    try:
        with PostgresSaver.from_conn_string(dsn) as saver:
            saver.setup()
            run_user_program(saver)
        yield dsn
    finally:
        with psycopg.connect(database_uri("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _delete_thread(dsn: str) -> None:
    with connect_read_only(dsn) as connection:
        PostgresSaver(connection).delete_thread(USER_THREAD)


async def test_a_postgres_checkpointer_is_browsed_read_only_and_copied_into_the_project(
    controller: StudioController, qtbot: QtBot, tmp_path: Path, user_database: str
) -> None:
    session = await open_project(controller, project_with(tmp_path / "echo", ("echo",)))
    files = controller.window.checkpoint_files
    browser = files.open_database(user_database)
    assert browser is not None
    loaded = next_emission(browser.history_loaded)
    (threads,) = await next_emission(browser.threads_loaded)
    assert [t.thread_id for t in threads] == ["other", USER_THREAD], "newest first"
    assert [t.checkpoints for t in threads] == [3, 6]
    assert await loaded == ["other"]

    shown = next_emission(browser.history_loaded)
    browser.threads.setCurrentItem(browser.threads.topLevelItem(1))
    assert await shown == [USER_THREAD]
    head = browser.history.history.head
    assert head is not None
    assert len(browser.history.row_ids()) == 6
    assert head.writers() == ("respond",)
    assert browser.state.tree.value()["values"]["count"] == 2

    copied = next_emission(files.copied)
    qtbot.mouseClick(browser.copy_button, Qt.MouseButton.LeftButton)
    (thread,) = await copied
    client = get_client(url=session.client.url)
    try:
        state = await client.threads.get_state(thread["thread_id"])
        found = await client.threads.get(thread["thread_id"])
    finally:
        await client.http.client.aclose()
    assert state["values"] == head.values
    assert [m["content"] for m in state["values"]["messages"]] == [
        "hello",
        "echo: hello",
        "again",
        "echo: again",
    ]
    assert found["metadata"]["copied_from"]["source"] == browser.reader.location

    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        await asyncio.to_thread(_delete_thread, user_database)
    assert len(await browser.reader.history(USER_THREAD)) == 6, "nothing was deleted"
    browser.close()
