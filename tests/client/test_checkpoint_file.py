"""Reading a user's langgraph SQLite checkpoint file: thread states as a server sends them
(what runs next, waiting interrupts), strictly read-only, and a clear error for other files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict

from studio.client.api import ClientError
from studio.client.checkpoint_file import CheckpointFile
from studio.client.checkpoint_reader import copyable


class State(TypedDict, total=False):
    request: str
    answer: str


def _ask(state: State) -> dict[str, Any]:
    return {"answer": interrupt({"question": f"Approve {state['request']}?"})}


def _write(path: Path) -> None:
    builder = StateGraph(State)
    builder.add_node("draft", lambda state: {"request": state["request"].upper()})
    builder.add_node("ask", _ask)
    builder.add_edge(START, "draft")
    builder.add_edge("draft", "ask")
    builder.add_edge("ask", END)
    with SqliteSaver.from_conn_string(str(path)) as saver:
        graph = builder.compile(checkpointer=saver)
        graph.invoke({"request": "deploy"}, {"configurable": {"thread_id": "waiting"}})


async def test_a_thread_waiting_on_an_interrupt_reads_as_a_server_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _write(path)
    file = CheckpointFile(path)
    try:
        (thread,) = await file.open()
        assert thread.thread_id == "waiting"
        head, *older = await file.history("waiting")
    finally:
        file.close()
    assert head["values"] == {"request": "DEPLOY"}
    assert head["next"] == ["ask"]
    (pending,) = head["interrupts"]
    assert pending["value"] == {"question": "Approve DEPLOY?"}
    assert head["tasks"][0]["name"] == "ask"
    assert head["parent_checkpoint"] == older[0]["checkpoint"]
    assert [state["metadata"]["step"] for state in older] == [0, -1]
    assert older[-1]["next"] == ["__start__"]


async def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _write(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    file = CheckpointFile(path)
    await file.open()
    await file.history("waiting")
    await file.threads()
    file.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


async def test_a_file_that_is_not_a_checkpoint_database_is_named_in_the_error(
    tmp_path: Path,
) -> None:
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    file = CheckpointFile(other)
    with pytest.raises(ClientError, match=r"notes\.sqlite as a langgraph checkpoint database"):
        await file.open()
    file.close()


def test_messages_are_copied_without_their_default_fields() -> None:
    message = {"type": "ai", "content": "", "name": None, "tool_calls": [], "id": "m1"}
    assert copyable({"messages": [message], "note": {"name": None}}) == {
        "messages": [{"type": "ai", "content": "", "id": "m1"}],
        "note": {"name": None},
    }
