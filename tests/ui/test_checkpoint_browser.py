"""Opening a user's own langgraph checkpoint file: its threads, a thread's history and state
in the debugger's panels, a compare, and a copy into the project that any client then sees.
The file is written by a real graph run with langgraph's SqliteSaver, as a user's program
would write it."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph_sdk import get_client
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from typing_extensions import TypedDict

from studio.launcher import StudioController
from studio.ui.checkpoint_browser import COMPARE_TAB
from tests.support.projects import project_with
from tests.support.qt import next_emission
from tests.ui.studio_support import open_project

USER_THREAD = "user-thread"


class State(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    count: int


def _respond(state: State) -> dict[str, Any]:
    """The node the project's `echo` graph has too, so a copy continues there."""
    return {
        "messages": [AIMessage(content=f"echo: {state['messages'][-1].content}")],
        "count": (state.get("count") or 0) + 1,
    }


def run_user_program(saver: BaseCheckpointSaver[Any]) -> None:
    """The user's own program: two turns on one thread and one on another, saved by `saver`."""
    builder = StateGraph(State)
    builder.add_node("respond", _respond)
    builder.add_edge(START, "respond")
    builder.add_edge("respond", END)
    graph = builder.compile(checkpointer=saver)
    for thread_id, text in ((USER_THREAD, "hello"), (USER_THREAD, "again"), ("other", "hi")):
        graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread_id}})


def write_checkpoints(path: Path) -> None:
    """The user's program, saved by langgraph's SqliteSaver."""
    with SqliteSaver.from_conn_string(str(path)) as saver:
        run_user_program(saver)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_checkpoint_file_is_browsed_compared_and_copied_into_the_project(
    controller: StudioController, qtbot: QtBot, tmp_path: Path
) -> None:
    file = tmp_path / "checkpoints.sqlite"
    await asyncio.to_thread(write_checkpoints, file)
    before = _digest(file)
    session = await open_project(controller, project_with(tmp_path / "echo", ("echo",)))
    files = controller.window.checkpoint_files
    browser = files.open(file)
    loaded = next_emission(browser.history_loaded)
    (threads,) = await next_emission(browser.threads_loaded)
    assert [t.thread_id for t in threads] == ["other", USER_THREAD], "newest first"
    assert [t.checkpoints for t in threads] == [3, 6]
    assert await loaded == ["other"], "the newest thread is shown"

    shown = next_emission(browser.history_loaded)
    browser.threads.setCurrentItem(browser.threads.topLevelItem(1))
    assert await shown == [USER_THREAD]
    history = browser.history
    assert len(history.row_ids()) == 6
    head = history.history.head
    assert head is not None
    assert head.writers() == ("respond",)
    assert browser.state.node is head, "the head is inspected"
    assert browser.state.tree.value()["values"]["count"] == 2
    assert browser.as_node.currentText() == "respond", "its writer, a node of the project"
    first_answer = next(n for n in history.history.by_id.values() if n.step == 1)
    assert [m["content"] for m in first_answer.values["messages"]] == ["hello", "echo: hello"]
    assert first_answer.next == ()
    input_checkpoint = next(n for n in history.history.by_id.values() if n.step == 2)
    assert input_checkpoint.next == ("__start__",)

    history.select(first_answer.checkpoint_id)
    history.select(head.checkpoint_id, add=True)
    qtbot.mouseClick(history.compare_button, Qt.MouseButton.LeftButton)
    assert browser.tabs.currentIndex() == COMPARE_TAB
    assert sorted(browser.compare.view.paths()) == ["count", "messages[2]", "messages[3]"]

    history.select(head.checkpoint_id)
    copied = next_emission(files.copied)
    selected = next_emission(session.thread_changed)
    qtbot.mouseClick(browser.copy_button, Qt.MouseButton.LeftButton)
    (thread,) = await copied
    assert (await selected)[0]["thread_id"] == thread["thread_id"], "the copy is in view"
    assert browser.status.text().endswith(thread["thread_id"])

    client = get_client(url=session.client.url)
    try:
        state = await client.threads.get_state(thread["thread_id"])
        found = await client.threads.get(thread["thread_id"])
    finally:
        await client.http.client.aclose()
    assert state["values"]["count"] == 2
    assert [(m["type"], m["content"]) for m in state["values"]["messages"]] == [
        ("human", "hello"),
        ("ai", "echo: hello"),
        ("human", "again"),
        ("ai", "echo: again"),
    ]
    assert state["values"] == head.values
    assert state["next"] == []
    assert found["metadata"]["graph_id"] == "echo"
    assert found["metadata"]["copied_from"]["checkpoint_id"] == head.checkpoint_id
    browser.close()
    assert _digest(file) == before, "the file is never written"
