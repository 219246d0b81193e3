"""Opening a project that has its own virtual environment, from the studio."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from studio.launcher import StudioController
from studio.runtime_process import RuntimeProcess
from tests.support.qt import next_emission
from tests.support.venvs import make_project, make_venv


async def test_the_project_runs_in_its_own_environment(
    controller: StudioController, tmp_path: Path
) -> None:
    project = make_project(tmp_path / "project")
    python = make_venv(project, with_runtime_packages=True)
    window = controller.window
    drawn = next_emission(window.graph_view.graph_drawn)
    assert await controller.open_project(project)
    await drawn
    assert isinstance(controller.server, RuntimeProcess)
    assert controller.server.python == python
    assert set(window.graph_view.graph_scene.nodes) == {"__start__", "report", "__end__"}
    await controller.close()
    assert controller.server is None


async def test_an_environment_without_the_runtime_says_what_to_install(
    controller: StudioController, tmp_path: Path
) -> None:
    project = make_project(tmp_path / "project")
    python = make_venv(project, with_runtime_packages=False)
    window = controller.window
    assert not await controller.open_project(project)
    box = window.findChildren(QMessageBox)[-1]
    assert box.text() == "The runtime cannot start in project's environment"
    assert f"{python} -m pip install" in box.detailedText()
    assert window.stack.currentWidget() is window.start_page
    assert controller.server is None
