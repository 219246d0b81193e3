"""Debugging in the studio, end to end: interrupts, breakpoints, time travel, forks, compare,
the run timeline. A real window drives a real embedded runtime over HTTP, offscreen."""

from __future__ import annotations

from typing import Any

from langgraph_sdk import get_client
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from studio.launcher import StudioController
from studio.ui.main_window import MainWindow
from studio.ui.panels.state_editor import JSON_TAB
from studio.ui.panels.state_panel import CHANGES_TAB, EDIT_TAB, VALUES_TAB
from studio.ui.session import Session
from tests.support.qt import next_emission
from tests.ui.studio_support import DEMO, open_project, select_graph

HITL_PROJECT = DEMO.parents[2] / "tests" / "ui" / "projects" / "hitl"
WEATHER = {"messages": [{"role": "human", "content": "What's the weather in Paris?"}]}


async def _run(window: MainWindow, session: Session, graph_input: Any) -> str:
    """Run the graph in view with `graph_input` (as JSON) and wait for the outcome."""
    window.run_panel.tabs.setCurrentIndex(1)
    window.run_panel.json.set_value(graph_input)
    ended = next_emission(session.run_ended)
    window.commands["run"].trigger()
    (outcome,) = await ended
    return str(outcome)


async def _act(session: Session, trigger: Any) -> str:
    """Trigger an action that starts a run, and wait for the run's outcome."""
    ended = next_emission(session.run_ended)
    trigger()
    (outcome,) = await ended
    return str(outcome)


async def _approval(controller: StudioController) -> tuple[MainWindow, Session]:
    """The demo's approval graph in view."""
    session = await open_project(controller, DEMO)
    await select_graph(session, controller.window, "approval")
    return controller.window, session


async def _approval_waiting(controller: StudioController) -> tuple[MainWindow, Session]:
    """The approval graph run to its interrupt."""
    window, session = await _approval(controller)
    assert await _run(window, session, {"request": "Deploy"}) == "interrupted"
    return window, session


def _head(session: Session) -> dict[str, Any]:
    assert session.history, "the thread has checkpoints"
    return dict(session.history[0])


async def test_an_interrupt_is_shown_answered_and_the_run_finishes(
    controller: StudioController, qtbot: QtBot
) -> None:
    window, session = await _approval_waiting(controller)
    panel = window.interrupts_panel
    assert not window.docks["interrupts"].visibleRegion().isEmpty(), "its tab is raised"
    (card,) = panel.cards
    (pending,) = _head(session)["interrupts"]
    assert card.interrupt_id == pending["id"]
    assert panel.status.text().startswith("Waiting for input: 1 interrupt before review")
    assert card.value_view is not None
    assert card.value_view.value()["question"] == "Approve this action?"
    assert window.graph_view.graph_scene.nodes["review"].paused
    assert window.commands["continue"].isEnabled()
    approve = next(b for b in card.findChildren(type(panel.resume_button)) if b.text() == "approve")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    outcome = await _act(
        session, lambda: qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    )
    assert outcome == "success"
    values = _head(session)["values"]
    assert values["decision"] == "approved"
    assert values["result"].startswith("Done: Deploy")
    assert window.state_panel.summary.text().startswith("Finished")
    assert not panel.cards
    assert not window.graph_view.graph_scene.nodes["review"].paused


async def test_a_breakpoint_set_by_clicking_a_node_pauses_steps_and_continues(
    controller: StudioController, qtbot: QtBot
) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    view = window.graph_view
    scene = view.graph_scene
    changed = next_emission(session.breakpoints_changed)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.node_position("tools"))
    await changed
    assert session.breakpoints.before == {"tools"}
    assert scene.nodes["tools"].breaks == {"before"}
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.node_position("model", "after")
    )
    assert scene.nodes["model"].breaks == {"after"}
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.node_position("model", "after")
    )
    assert not scene.nodes["model"].breaks, "a second click removes it"

    assert await _run(window, session, WEATHER) == "interrupted"
    assert _head(session)["next"] == ["tools"]
    assert scene.nodes["tools"].paused
    assert window.interrupts_panel.status.text().startswith("Paused before tools")
    assert await _act(session, window.commands["step"].trigger) == "interrupted"
    assert _head(session)["next"] == ["model"], "a step runs one node"
    assert scene.nodes["model"].paused
    assert await _act(session, window.commands["continue"].trigger) == "success"
    assert _head(session)["next"] == []
    messages = _head(session)["values"]["messages"]
    assert messages[-1]["content"].startswith("Here is what I found")
    assert not window.commands["continue"].isEnabled()


async def test_step_mode_breaks_before_every_node(controller: StudioController) -> None:
    window, session = await _approval(controller)
    window.commands["step_mode"].trigger()
    assert session.breakpoints.step_mode
    assert await _run(window, session, {"request": "Deploy"}) == "interrupted"
    assert _head(session)["next"] == ["draft_action"]
    assert await _act(session, window.commands["continue"].trigger) == "interrupted"
    assert _head(session)["next"] == ["review"]
    window.commands["clear_breakpoints"].trigger()
    assert not window.commands["step_mode"].isChecked()


async def test_edit_an_earlier_checkpoint_fork_and_continue(
    controller: StudioController, qtbot: QtBot
) -> None:
    window, session = await _approval_waiting(controller)
    history = window.history_panel
    first = next(n for n in history.history.by_id.values() if n.step == 0)
    original_head = _head(session)["checkpoint_id"]
    history.select(first.checkpoint_id)
    inspector = window.state_panel
    assert inspector.node is first
    inspector.tabs.setCurrentIndex(EDIT_TAB)
    editor = inspector.editor
    assert editor.as_node.currentText() == "__start__", "the checkpoint's writer"
    editor.tabs.setCurrentIndex(JSON_TAB)
    editor.field.setCurrentText("request")
    editor.json.setPlainText('"Roll back staging"')
    forked = next_emission(session.history_changed)
    qtbot.mouseClick(editor.fork_button, Qt.MouseButton.LeftButton)
    _states, _more, focus = await forked
    assert focus == _head(session)["checkpoint_id"] != original_head
    assert history.current_id() == focus
    fork = history.history.get(focus)
    assert fork is not None
    assert fork.parent is not None
    assert fork.parent.checkpoint_id == first.checkpoint_id
    assert fork.label() == "1 · edited request"
    item = history.item(focus)
    assert item is not None
    parent_item = item.parent()
    assert parent_item is not None, "the fork is drawn as a branch under its checkpoint"
    assert parent_item is history.item(first.checkpoint_id)

    assert inspector.node is not None
    assert inspector.node.checkpoint_id == focus
    inspector.tabs.setCurrentIndex(VALUES_TAB)
    assert inspector.tree.value()["values"]["request"] == "Roll back staging"
    inspector.tabs.setCurrentIndex(CHANGES_TAB)
    assert inspector.changes.paths() == ["request"], "exactly the edited key changed"
    assert session.active_thread is not None
    sdk = get_client(url=session.client.url)
    try:
        state = await sdk.threads.get_state(session.active_thread["thread_id"])
    finally:
        await sdk.http.client.aclose()
    assert state["values"]["request"] == "Roll back staging"
    assert state["checkpoint"]["checkpoint_id"] == focus
    assert state["next"] == ["draft_action"]

    assert await _act(session, window.commands["continue"].trigger) == "interrupted"
    (card,) = window.interrupts_panel.cards
    assert _head(session)["interrupts"][0]["value"]["action"] == "Roll back staging"
    assert card.interrupt_id == _head(session)["interrupts"][0]["id"]


async def test_compare_two_checkpoints_on_different_branches(
    controller: StudioController,
) -> None:
    window, session = await _approval_waiting(controller)
    history = window.history_panel
    interrupted = _head(session)["checkpoint_id"]
    first = next(n for n in history.history.by_id.values() if n.step == 0)
    forked = next_emission(session.history_changed)
    session.fork(first.checkpoint_id, {"request": "Other"}, "__start__")
    await forked
    fork_id = _head(session)["checkpoint_id"]
    history.select(interrupted)
    history.select(fork_id, add=True)
    assert history.compare_button.isEnabled()
    history.compare_button.click()
    compare = window.compare_panel
    assert not window.docks["compare"].visibleRegion().isEmpty()
    assert sorted(compare.view.paths()) == ["draft", "request"]
    kinds = {c.key: c.kind for c in compare.view.diff.changes}
    assert kinds == {"request": "changed", "draft": "removed"}
    assert compare.title.text().startswith("A: Step 1")


async def test_a_refused_edit_is_a_readable_message(controller: StudioController) -> None:
    window, session = await _approval_waiting(controller)
    failed = next_emission(session.error_occurred)
    session.fork(_head(session)["checkpoint_id"], {"request": "x"}, "no_such_node")
    message, _detail = await failed
    assert "Node no_such_node does not exist" in message
    assert "Traceback" not in message
    assert any(box.text() == message for box in window.findChildren(QMessageBox))


async def test_replay_from_a_checkpoint_adds_a_branch(controller: StudioController) -> None:
    window, session = await _approval_waiting(controller)
    history = window.history_panel
    before = set(history.history.by_id)
    first = next(n for n in history.history.by_id.values() if n.step == 0)
    history.select(first.checkpoint_id)
    assert await _act(session, history.replay_button.click) == "interrupted"
    added = set(history.history.by_id) - before
    assert len(added) >= 2, "the replay wrote new checkpoints"
    lanes = history.history.lanes()
    assert len(lanes) == 1
    assert lanes[0].forks, "beside the old ones, as a branch"
    assert history.current_id() == _head(session)["checkpoint_id"]


async def test_the_timeline_shows_a_finished_runs_nodes_in_order(
    controller: StudioController,
) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    assert await _run(window, session, WEATHER) == "success"
    panel = window.timeline_panel
    assert panel.nodes_in_order() == ["model", "tools", "model"]
    assert panel.table.topLevelItemCount() == 3
    spans = panel.chart.timeline.spans
    assert all(span.finished and not span.failed for span in spans)
    assert spans[0].start <= spans[1].start <= spans[2].start
    assert panel.totals.text().startswith("3 node executions in")


async def test_a_hitl_request_is_approved_edited_and_rejected(
    controller: StudioController, qtbot: QtBot
) -> None:
    window = controller.window
    session = await open_project(controller, HITL_PROJECT)
    await select_graph(session, window, "review")
    assert await _run(window, session, {"task": "weekly report"}) == "interrupted"
    (card,) = window.interrupts_panel.cards
    assert card.review is not None
    email, delete = card.review.boxes
    assert list(email.buttons) == ["approve", "edit", "reject"]
    assert list(delete.buttons) == ["approve", "reject"], "only what its config allows"
    email.choose("edit")
    assert not email.args.isReadOnly()
    email.args.setPlainText('{"to": "bob@example.com", "subject": "weekly report"}')
    delete.choose("reject")
    delete.message.setText("keep it")
    outcome = await _act(session, lambda: window.interrupts_panel.resume_button.click())
    assert outcome == "success"
    assert _head(session)["values"]["decisions"] == [
        {
            "type": "edit",
            "edited_action": {
                "name": "send_email",
                "args": {"to": "bob@example.com", "subject": "weekly report"},
            },
        },
        {"type": "reject", "message": "keep it"},
    ]


async def test_several_interrupts_resume_with_one_answer_each(
    controller: StudioController,
) -> None:
    window = controller.window
    session = await open_project(controller, HITL_PROJECT)
    await select_graph(session, window, "parallel")
    assert await _run(window, session, {}) == "interrupted"
    panel = window.interrupts_panel
    assert len(panel.cards) == 2
    panel.resume_button.click()
    assert "Type an answer first" in panel.problem.text(), "no answer, no resume"
    for card in panel.cards:
        card.set_answer(f"answer for {card.interrupt_id[:6]}")
    command = panel.command()
    assert command is not None
    assert set(command["resume"]) == {card.interrupt_id for card in panel.cards}
    assert await _act(session, panel.resume_button.click) == "success"
    answers = _head(session)["values"]["answers"]
    assert sorted(answers) == ["left", "right"]
    assert all(value.startswith("answer for ") for value in answers.values())


async def test_continue_with_a_command_that_updates_the_state(
    controller: StudioController,
) -> None:
    window, session = await _approval(controller)
    window.commands["step_mode"].trigger()
    assert await _run(window, session, {"request": "Deploy"}) == "interrupted"
    panel = window.interrupts_panel
    assert panel.resume_button.text() == "Continue", "a breakpoint, not an interrupt"
    panel.command_box.setChecked(True)
    panel.update_editor.set_value({"request": "Changed"})
    panel.goto.setCurrentText("reject")
    assert panel.command() == {"update": {"request": "Changed"}, "goto": "reject"}
    panel.goto.setCurrentIndex(0)
    assert await _act(session, panel.resume_button.click) == "interrupted"
    head = _head(session)
    assert head["next"] == ["review"]
    assert head["values"]["draft"]["action"] == "Changed"
