"""Opening projects and graphs in the studio under test (the `controller` fixture is in
conftest)."""

from __future__ import annotations

from pathlib import Path

from studio.launcher import StudioController
from studio.ui.main_window import MainWindow
from studio.ui.session import Session
from tests.support.qt import next_emission
from tests.support.server import ROOT

DEMO = ROOT / "resources" / "examples" / "demo"


async def open_project(controller: StudioController, project: Path) -> Session:
    window = controller.window
    drawn = next_emission(window.graph_view.graph_drawn)
    assert await controller.open_project(project)
    await drawn
    assert controller.session is not None
    return controller.session


async def select_graph(session: Session, window: MainWindow, graph_id: str) -> None:
    assistant = next(a for a in session.assistants if a["graph_id"] == graph_id)
    drawn = next_emission(window.graph_view.graph_drawn)
    session.select_assistant(assistant["assistant_id"])
    await drawn
