"""The store browser, the crons panel and the runs panel, driven in a real window against the
real embedded runtime; what they change is checked over the API, as any client sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from studio.launcher import StudioController
from studio.ui.server_panels import ServerPanels
from studio.ui.session import Session
from tests.support.projects import EMBED, project_with
from tests.support.qt import next_emission, wait_for
from tests.ui.studio_support import DEMO, open_project

INDEXED_STORE = {"index": {"dims": 4, "embed": EMBED, "fields": ["text"]}}
SLOW_RUN = {"configurable": {"delay": 60}}


@asynccontextmanager
async def api(session: Session) -> AsyncIterator[LangGraphClient]:
    """An SDK client of the studio's server: what any other client would see."""
    client = get_client(url=session.client.url)
    try:
        yield client
    finally:
        await client.http.client.aclose()


def _panels(controller: StudioController, dock: str) -> ServerPanels:
    """The window's server panels, with `dock` raised (a panel loads when it is shown)."""
    controller.window.docks[dock].raise_()
    return controller.window.server_panels


async def test_an_item_put_in_the_store_browser_is_in_the_store_and_found_by_meaning(
    controller: StudioController, qtbot: QtBot, tmp_path: Path
) -> None:
    project = project_with(tmp_path / "store", ("memory",), store=INDEXED_STORE)
    session = await open_project(controller, project)
    panels = _panels(controller, "store")
    service = panels.store_service
    assert service is not None
    browser = panels.store
    editor = browser.editor
    for key, text in (("fact-1", "my cat sleeps"), ("fact-2", "the dog barks at the dog")):
        editor.namespace.setText("memories.ann")
        editor.key.setText(key)
        editor.value.set_value({"text": text})
        saved = next_emission(service.item_saved)
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        assert await saved == [["memories", "ann"], key]
    async with api(session) as client:
        item = await client.store.get_item(["memories", "ann"], key="fact-1")
    assert item["value"] == {"text": "my cat sleeps"}
    assert browser.selected_item() is not None
    assert browser.selected_item()["key"] == "fact-2"  # type: ignore[index]

    await wait_for(lambda: browser.namespaces.topLevelItemCount() > 0, service.namespaces_loaded)
    tree_root = browser.namespaces.topLevelItem(0)
    assert tree_root is not None
    assert tree_root.child(0).text(0) == "memories"
    assert tree_root.child(0).child(0).text(0) == "ann"

    browser.query.setText("dog")
    found = next_emission(service.items_loaded)
    qtbot.mouseClick(browser.search_button, Qt.MouseButton.LeftButton)
    items, query = await found
    assert query == "dog"
    assert [item["key"] for item in items] == ["fact-2", "fact-1"], "ranked by meaning"
    assert not browser.items.isColumnHidden(3), "scores are shown"
    assert browser.items.topLevelItem(0).text(3) != ""  # type: ignore[union-attr]

    browser.select_item(["memories", "ann"], "fact-1")
    assert editor.key.text() == "fact-1"
    deleted = next_emission(service.item_deleted)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    await deleted
    async with api(session) as client:
        assert await client.store.get_item(["memories", "ann"], key="fact-1") is None
    assert [item["key"] for item in browser.found] == ["fact-2"]


async def test_a_cron_created_in_the_panel_is_listed_and_deleted(
    controller: StudioController, qtbot: QtBot
) -> None:
    session = await open_project(controller, DEMO)
    panels = _panels(controller, "crons")
    service = panels.crons_service
    assert service is not None
    crons = panels.crons
    crons.schedule.setText("not a schedule")
    assert not crons.create_button.isEnabled()
    assert crons.preview.text().startswith("Not a schedule")
    crons.schedule.setText("0 9 * * 1")
    assert crons.preview.text().startswith("Next: Mon"), "next fire times, every Monday"
    crons.input.set_value({"messages": [{"role": "human", "content": "Weekly report"}]})
    listed = next_emission(service.crons_loaded)
    qtbot.mouseClick(crons.create_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: len(crons.crons) == 1, service.crons_loaded)
    await listed
    (row,) = crons.crons
    assert row["schedule"] == "0 9 * * 1"
    assert crons.table.topLevelItem(0).text(1) == "new thread per run"  # type: ignore[union-attr]
    assert session.assistant is not None
    async with api(session) as client:
        (cron,) = await client.crons.search(assistant_id=session.assistant["assistant_id"])
    assert cron["cron_id"] == row["cron_id"]
    assert cron["payload"]["input"]["messages"][0]["content"] == "Weekly report"

    crons.table.setCurrentItem(crons.table.topLevelItem(0))
    emptied = next_emission(service.crons_loaded)
    qtbot.mouseClick(crons.delete_button, Qt.MouseButton.LeftButton)
    assert await emptied == [[]]
    async with api(session) as client:
        assert await client.crons.search(assistant_id=session.assistant["assistant_id"]) == []


async def test_a_running_run_is_followed_and_cancelled_from_the_runs_panel(
    controller: StudioController, qtbot: QtBot, tmp_path: Path
) -> None:
    session = await open_project(controller, project_with(tmp_path / "slow", ("slow",)))
    panels = _panels(controller, "runs")
    service = panels.runs_service
    assert service is not None
    runs = panels.runs
    async with api(session) as client:
        thread = await client.threads.create(graph_id="slow")
        run = await client.runs.create(
            thread["thread_id"], "slow", input={}, config=SLOW_RUN, stream_mode=["updates"]
        )
    session.select_thread(thread["thread_id"])
    await wait_for(lambda: [r["status"] for r in runs.runs] == ["running"], service.runs_loaded)
    runs.select(run["run_id"])
    assert runs.cancel_button.isEnabled()
    assert runs.join_button.isEnabled()

    joined = next_emission(service.join_started)
    qtbot.mouseClick(runs.join_button, Qt.MouseButton.LeftButton)
    assert await joined == [run["run_id"]]
    ended = next_emission(service.join_ended)
    qtbot.mouseClick(runs.cancel_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: [r["status"] for r in runs.runs] == ["interrupted"], service.runs_loaded)
    assert await ended == [run["run_id"]], "following ends with the run"
    assert not runs.cancel_button.isEnabled()
    async with api(session) as client:
        assert (await client.runs.get(thread["thread_id"], run["run_id"]))["status"] == (
            "interrupted"
        )


async def test_runs_of_every_thread_are_listed_and_one_of_another_thread_is_cancelled(
    controller: StudioController, qtbot: QtBot, tmp_path: Path
) -> None:
    session = await open_project(controller, project_with(tmp_path / "slow", ("slow",)))
    panels = _panels(controller, "runs")
    service = panels.runs_service
    assert service is not None
    runs = panels.runs
    async with api(session) as client:
        done = await client.threads.create(graph_id="slow")
        await client.runs.wait(done["thread_id"], "slow", input={}, config={"configurable": {}})
        busy = await client.threads.create(graph_id="slow")
        slow = await client.runs.create(busy["thread_id"], "slow", input={}, config=SLOW_RUN)
    listed = next_emission(session.threads_changed)
    session.refresh_threads()
    await listed
    session.select_thread(done["thread_id"])
    await wait_for(lambda: len(runs.runs) == 1, service.runs_loaded)
    assert runs.table.isColumnHidden(1), "one thread: no Thread column"

    runs.scope_box.setCurrentIndex(runs.scope_box.findData("all"))
    await wait_for(lambda: len(runs.runs) == 2, service.runs_loaded)
    assert [(r["thread_id"], r["status"]) for r in runs.runs] == [
        (busy["thread_id"], "running"),
        (done["thread_id"], "success"),
    ], "newest first, across threads"
    assert not runs.table.isColumnHidden(1)
    runs.status_box.setCurrentIndex(runs.status_box.findData("running"))
    assert runs.table.topLevelItemCount() == 1

    runs.select(slow["run_id"])
    assert runs.thread_button.isEnabled(), "the run is of another thread"
    qtbot.mouseClick(runs.cancel_button, Qt.MouseButton.LeftButton)
    await wait_for(
        lambda: [r["status"] for r in runs.runs] == ["interrupted", "success"],
        service.runs_loaded,
    )
    assert runs.table.topLevelItemCount() == 0, "no running run left to show"
    async with api(session) as client:
        cancelled = await client.runs.get(busy["thread_id"], slow["run_id"])
    assert cancelled["status"] == "interrupted"
    assert session.active_thread is not None
    assert session.active_thread["thread_id"] == done["thread_id"], "the thread in view stays"

    runs.status_box.setCurrentIndex(0)
    runs.select(slow["run_id"])
    shown = next_emission(session.thread_changed)
    qtbot.mouseClick(runs.thread_button, Qt.MouseButton.LeftButton)
    (thread,) = await shown
    assert thread["thread_id"] == busy["thread_id"]
    assert controller.window.threads_panel.selected_id() == busy["thread_id"]
