"""The studio follows its runtime's own events: a saved edit redraws the graph, broken code is
a banner while the last good graph still runs, and what graphs print and log fills the Logs
pane, where a failed run's lines are one click from its error."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from studio.launcher import StudioController
from studio.ui.main_window import MainWindow
from studio.ui.session import Session
from tests.support.qt import next_emission, wait_for
from tests.ui.studio_support import open_project

GRAPH = """
import logging
from typing import TypedDict

from langgraph.graph import START, StateGraph


class State(TypedDict, total=False):
    fail: bool
    word: str


def first(state: State) -> State:
    print("first ran, fail =", state.get("fail", False))
    logging.getLogger("project.counter").warning("first says {word}")
    if state.get("fail"):
        raise RuntimeError("counter failed on purpose")
    return {{"word": "{word}"}}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_edge(START, "first")
{extra}
graph = builder.compile()
"""
SECOND_NODE = """
builder.add_node("second", lambda state: {"word": state["word"] + "!"})
builder.add_edge("first", "second")
"""


def _write_graph(project: Path, word: str, extra: str = "") -> Path:
    source = project / "counter.py"
    source.write_text(GRAPH.format(word=word, extra=extra))
    return source


def _project(folder: Path) -> Path:
    folder.mkdir()
    _write_graph(folder, "old")
    (folder / "langgraph.json").write_text(
        json.dumps({"graphs": {"counter": "./counter.py:graph"}})
    )
    return folder


async def _run(window: MainWindow, session: Session, graph_input: dict[str, object]) -> str:
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value(graph_input)
    ended = next_emission(session.run_ended)
    window.run_panel.request_run()
    (outcome,) = await ended
    return str(outcome)


async def test_a_saved_edit_redraws_and_broken_code_keeps_the_last_graph(
    controller: StudioController, tmp_path: Path
) -> None:
    window = controller.window
    project = _project(tmp_path / "project")
    session = await open_project(controller, project)
    scene = window.graph_view.graph_scene
    assert set(scene.nodes) == {"__start__", "first", "__end__"}
    assert window.problem_banner.isHidden()

    drawn = next_emission(window.graph_view.graph_drawn)
    _write_graph(project, "new", SECOND_NODE)
    await drawn
    assert set(scene.nodes) == {"__start__", "first", "second", "__end__"}

    problems = next_emission(session.graph_problems_changed)
    source = project / "counter.py"
    source.write_text(source.read_text() + "\ndef broken(:\n")
    (found,) = await problems
    assert [p["graph_id"] for p in found] == ["counter"]
    banner = window.problem_banner
    assert banner.isVisible(), "the error is shown without a dialog"
    assert not window.findChildren(QMessageBox)
    line = source.read_text().count("\n")
    assert f"counter.py, line {line}" in banner.text
    assert "SyntaxError" in banner.text
    assert str(source) in banner.details.toPlainText()
    view = window.graph_view
    start = view.mapFromScene(scene.nodes["__start__"].sceneBoundingRect()).boundingRect()
    start.translate(view.viewport().pos())
    assert view.viewport().geometry().top() >= banner.geometry().bottom(), "room for it"
    assert view.viewport().geometry().contains(start), "the start node is not under it"
    assert "second" in scene.nodes, "the last good graph stays drawn"
    assert await _run(window, session, {}) == "success", "and runnable"
    assert session.history[0]["values"]["word"] == "new!"

    fixed = next_emission(session.graph_problems_changed)
    _write_graph(project, "fixed")
    assert (await fixed) == [[]]
    assert banner.isHidden()
    assert view.viewport().geometry().top() == 0, "the room is given back"


async def test_the_logs_pane_shows_what_a_run_prints_and_links_its_error(
    controller: StudioController, tmp_path: Path
) -> None:
    window = controller.window
    session = await open_project(controller, _project(tmp_path / "project"))
    logs = window.logs_panel
    assert await _run(window, session, {}) == "success"
    await wait_for(
        lambda: "first ran, fail = False" in logs.shown_lines, session.server_feed.lines_arrived
    )
    assert "first says old" in logs.shown_lines

    logs.level.setCurrentIndex(2)  # warnings and up: the print (stdout) goes
    assert "first says old" in logs.shown_lines
    assert "first ran, fail = False" not in logs.shown_lines
    logs.level.setCurrentIndex(0)
    logs.search.setText("RAN, FAIL")
    assert logs.shown_lines == ["first ran, fail = False"]
    logs.search.clear()

    failed = next_emission(session.run_failed)
    assert await _run(window, session, {"fail": True}) == "error"
    run_id, message, _detail = await failed
    assert message == "The run failed: RuntimeError: counter failed on purpose"
    await wait_for(
        lambda: any(line.startswith(f"Run {run_id} failed") for line in logs.shown_lines),
        session.server_feed.lines_arrived,
    )
    box = window.findChildren(QMessageBox)[-1]
    link = next(b for b in box.buttons() if b.text() == "Show Log Lines")
    link.click()
    assert window.docks["logs"].isVisible()
    assert logs.run_chip.isVisible()
    shown = logs.shown_lines
    assert "first ran, fail = True" in shown
    assert "first ran, fail = False" not in shown, "only the failed run's lines"
    assert any(line.startswith(f"Run {run_id} failed") for line in shown)
    logs.search.setText("failed in graph")
    logs.table.selectRow(0)
    assert "RuntimeError: counter failed on purpose" in logs.detail.toPlainText()
