"""The studio end to end: real window, real embedded runtime, real HTTP, offscreen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from studio.launcher import StudioController
from studio.ui.main_window import MainWindow
from tests.support.qt import next_emission, wait_for
from tests.support.server import CLEAN_EXIT, FIXTURE_PROJECT, ServerProcess
from tests.ui.studio_support import DEMO, open_project, select_graph


async def test_open_project_draws_the_graph(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    assert window.stack.currentWidget() is window.graph_view
    assert session.assistant is not None
    assert session.assistant["graph_id"] == "agent"
    scene = window.graph_view.graph_scene
    assert set(scene.nodes) == {"__start__", "model", "tools", "__end__"}
    assert {("__start__", "model"), ("model", "tools"), ("tools", "model")} <= set(scene.edges)
    assert scene.edges[("model", "tools")].edge.conditional
    assert scene.nodes["tools"].node.tools == ("get_weather",)
    assert window.assistants_panel.picker.currentText() == "agent"
    assert "connected" in window.server_label.text().lower()
    assert window.recent_projects() == [str(DEMO.resolve())]


async def test_a_run_streams_and_highlights_nodes_in_order(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    entered: list[str] = []
    session.node_entered.connect(entered.append)
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value(
        {"messages": [{"role": "human", "content": "What's the weather in Paris?"}]}
    )
    ended = next_emission(session.run_ended)
    window.commands["run"].trigger()
    assert (await ended) == ["success"]
    assert entered == ["model", "tools", "model"]
    scene = window.graph_view.graph_scene
    assert scene.nodes["model"].run_state == "done"
    assert scene.nodes["tools"].run_state == "done"
    assert window.events_panel.model.rowCount() > 10
    transcript = window.messages_panel.transcript
    assert "get_weather" in transcript
    assert "Paris" in transcript
    await wait_for(
        lambda: window.state_panel.summary.text().startswith("Finished"),
        session.state_changed,
    )
    assert window.threads_panel.tree.topLevelItemCount() == 1
    assert session.active_thread is not None
    assert window.threads_panel.selected_id() == session.active_thread["thread_id"]


async def test_a_failing_graph_shows_its_error(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, FIXTURE_PROJECT)
    await select_graph(session, window, "fail")
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value({"value": "x"})
    ended = next_emission(session.run_ended)
    reported = next_emission(session.run_failed)
    window.run_panel.request_run()
    _run_id, message, detail = await reported
    assert message == "The run failed: ValueError: kaboom"
    assert "Traceback" in detail
    assert 'raise ValueError("kaboom")' in detail, "the traceback points at the user's code"
    assert (await ended) == ["error"]
    box = window.findChildren(QMessageBox)[-1]
    assert box.text() == message
    assert "kaboom" in box.detailedText()
    assert window.graph_view.graph_scene.nodes["boom"].run_state == "failed"
    events = window.events_panel.model
    last = events.row_at(events.rowCount() - 1).event
    assert last.event == "error"
    assert last.data == {"error": "ValueError", "message": "kaboom"}
    assert window.state_panel.summary.text() == "The last run failed: ValueError: kaboom"


async def test_connect_to_a_separately_started_server(
    controller: StudioController, tmp_path: Path
) -> None:
    server = ServerProcess(tmp_path / "data", project=DEMO)
    server.start()
    try:
        window = controller.window
        drawn = next_emission(window.graph_view.graph_drawn)
        assert await controller.connect_url(server.url)
        await drawn
        assert controller.server is None, "no embedded runtime when connecting by URL"
        assert set(window.graph_view.graph_scene.nodes) == {
            "__start__",
            "model",
            "tools",
            "__end__",
        }
    finally:
        await controller.close()
        assert server.stop() in CLEAN_EXIT


async def test_a_folder_without_a_project_is_a_readable_error(
    controller: StudioController, tmp_path: Path
) -> None:
    window = controller.window
    assert not await controller.open_project(tmp_path)
    boxes = window.findChildren(QMessageBox)
    assert boxes, "the user sees a message, not a traceback"
    assert "not a LangGraph project" in boxes[-1].text()
    assert window.stack.currentWidget() is window.start_page


def test_screenshot_command_writes_the_window(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "studio", str(DEMO), "--screenshot", str(target)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1440, 900)
    assert not image.isNull()


def test_screenshot_of_a_project_whose_graphs_fail_names_the_error(tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "langgraph.json").write_text('{"graphs": {"agent": "./agent.py:graph"}}')
    (project / "agent.py").write_text("graph = (\n")
    result = subprocess.run(
        [sys.executable, "-m", "studio", str(project), "--screenshot", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 1
    assert "No graph was drawn" in result.stderr
    assert "SyntaxError" in result.stderr
    assert "agent.py" in result.stderr
    assert not (tmp_path / "x.png").exists()


async def test_cancel_a_running_run(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, FIXTURE_PROJECT)
    await select_graph(session, window, "slow")
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value({})
    started = next_emission(session.node_entered)
    ended = next_emission(session.run_ended)
    window.run_panel.request_run()
    assert (await started) == ["step1"]
    assert window.commands["cancel"].isEnabled()
    window.commands["cancel"].trigger()
    assert (await ended) == ["interrupted"]
    assert window.run_panel.run_button.isEnabled()
    assert not window.commands["cancel"].isEnabled()


async def test_an_unreachable_server_is_a_readable_error(controller: StudioController) -> None:
    window = controller.window
    failed = next_emission(window.statusBar().messageChanged)
    assert await controller.connect_url("http://127.0.0.1:9")
    assert controller.session is not None
    message, _detail = await next_emission(controller.session.error_occurred)
    assert message == "Cannot reach the server at http://127.0.0.1:9"
    await failed
    boxes = window.findChildren(QMessageBox)
    assert any(box.text() == message for box in boxes)


async def test_subgraphs_fold_and_the_graph_exports(
    controller: StudioController, tmp_path: Path
) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    await select_graph(session, window, "research")
    scene = window.graph_view.graph_scene
    assert {"research:plan_queries", "research:search", "research:summarize"} <= set(scene.nodes)
    assert "research" in scene.clusters
    scene.toggle_cluster("research")
    assert "research" in scene.nodes, "a folded subgraph is one node"
    assert scene.nodes["research"].node.kind == "subgraph"
    assert "research:search" not in scene.nodes
    scene.toggle_cluster("research")
    assert "research:search" in scene.nodes
    png, svg = tmp_path / "graph.png", tmp_path / "graph.svg"
    assert window.graph_view.export_png(str(png))
    assert window.graph_view.export_svg(str(svg))
    assert QImage(str(png)).width() > 100
    assert "<svg" in svg.read_text()
    assert "plan_queries" in svg.read_text()


async def test_selecting_a_thread_shows_its_state(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    await select_graph(session, window, "approval")
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value({"request": "Deploy"})
    ended = next_emission(session.run_ended)
    window.run_panel.request_run()
    assert (await ended) == ["interrupted"]
    assert window.state_panel.summary.text().startswith("Waiting for input")
    assert session.active_thread is not None
    thread_id = session.active_thread["thread_id"]
    window.commands["new_thread"].trigger()
    await next_emission(session.thread_changed)
    assert window.state_panel.summary.text() == "No thread selected."
    changed = next_emission(session.state_changed)
    window.threads_panel.thread_selected.emit(thread_id)
    await changed
    assert window.state_panel.summary.text().startswith("Waiting for input")


async def test_window_layout_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    first = MainWindow(settings)
    first.show()
    controller = StudioController(first, data_root=tmp_path / "data")
    await open_project(controller, DEMO)
    first.docks["events"].hide()
    await controller.shutdown()
    first.close()
    second = MainWindow(QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat))
    second.show()
    again = StudioController(second, data_root=tmp_path / "data")
    try:
        await open_project(again, DEMO)
        assert not second.docks["events"].isVisible(), "the hidden panel stays hidden"
        assert second.docks["run"].isVisible()
        assert second.recent_projects() == [str(DEMO.resolve())]
    finally:
        await again.shutdown()
        second.close()
        first.deleteLater()
        second.deleteLater()
