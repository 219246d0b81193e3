"""Breakpoints from the keyboard: Find (Ctrl+F) picks a node, Toggle Breakpoint (F9) sets
and clears the pause before it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from studio.launcher import StudioController
from tests.ui.studio_support import DEMO, open_project


async def test_find_a_node_and_toggle_its_breakpoint(
    controller: StudioController, qtbot: QtBot
) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    finder = window.node_finder
    window.commands["find"].trigger()
    qtbot.keyClicks(finder, "TOO")
    assert finder.current == "tools"
    assert finder.outline is not None
    assert finder.outline.isVisible()

    window.commands["toggle_breakpoint"].trigger()
    assert session.breakpoints.has("tools", "before")
    assert window.graph_view.graph_scene.nodes["tools"].breaks == frozenset({"before"})
    window.commands["toggle_breakpoint"].trigger()
    assert not session.breakpoints.has("tools", "before")

    finder.clear()
    qtbot.keyClicks(finder, "nothing like it")
    assert finder.current is None
    window.commands["toggle_breakpoint"].trigger()
    assert window.statusBar().currentMessage().startswith("Find a node first")
