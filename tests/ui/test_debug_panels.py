"""The debugging panels driven with plain data (no server): history tree, inspector on a large
state, state editor, interrupts, timeline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from studio.ui.debugger.history import History
from studio.ui.debugger.tasks import read_task_event
from studio.ui.debugger.timeline import RunTimeline
from studio.ui.panels.history_panel import HistoryPanel
from studio.ui.panels.interrupts_panel import InterruptsPanel
from studio.ui.panels.state_editor import FIELDS_TAB, JSON_TAB, StateEditor, edited_keys
from studio.ui.panels.state_panel import CHANGES_TAB, CONVERSATION_TAB, EDIT_TAB, StatePanel
from studio.ui.panels.timeline_panel import TimelinePanel
from studio.ui.widgets.conversation_view import BATCH
from tests.ui.debugger.states import state, task


def _branched() -> list[Any]:
    """input -> step 0 -> step 1 (interrupted), and an edit of step 0 (newest first)."""
    return [
        state("cp04", "cp02", 1, source="update", values={"request": "edited"}),
        state(
            "cp03",
            "cp02",
            1,
            values={"request": "x", "draft": "d"},
            tasks=[task("review", interrupts=1)],
        ),
        state("cp02", "cp01", 0, values={"request": "x"}, tasks=[task("draft", {"draft": "d"})]),
        state("cp01", None, -1, source="input", tasks=[task("__start__", {"request": "x"})]),
    ]


def test_history_rows_nest_branches_and_select_the_head(qtbot: QtBot) -> None:
    panel = HistoryPanel()
    qtbot.addWidget(panel)
    shown: list[Any] = []
    panel.checkpoint_selected.connect(shown.append)
    panel.set_history(_branched(), False, None)
    assert panel.row_ids() == ["cp01", "cp02", "cp04", "cp03"]
    assert panel.current_id() == "cp04", "the head is shown first"
    assert shown[-1].checkpoint_id == "cp04"
    item = panel.item("cp04")
    assert item is not None
    assert item.parent() is panel.item("cp02")
    assert item.text(0).startswith("● 1 · edited request")
    assert "‖ 1" in (panel.item("cp03") or item).text(1)
    assert not panel.older_button.isVisible()
    panel.select("cp03")
    assert shown[-1].checkpoint_id == "cp03"
    assert panel.replay_button.isEnabled()
    assert not panel.compare_button.isEnabled()
    panel.select("cp04", add=True)
    assert panel.compare_button.isEnabled()
    compared: list[Any] = []
    panel.compare_requested.connect(lambda a, b: compared.extend([a, b]))
    panel.compare_button.click()
    assert [n.checkpoint_id for n in compared] == ["cp03", "cp04"], "older first"


def test_history_keeps_the_selection_when_older_checkpoints_load(qtbot: QtBot) -> None:
    panel = HistoryPanel()
    qtbot.addWidget(panel)
    states = _branched()
    panel.set_history(states[:2], True, None)
    panel.select("cp03")
    panel.set_history(states, False, None)
    assert panel.current_id() == "cp03"


def _big_state() -> dict[str, Any]:
    text = "x" * 1000
    messages = [
        {"type": "human" if i % 2 else "ai", "content": f"{i} {text}", "id": str(i)}
        for i in range(10_000)
    ]
    return {"messages": messages, "topic": "big"}


def test_a_10_mb_state_with_10000_messages_is_inspected_lazily(qtbot: QtBot) -> None:
    values = _big_state()
    grown = {**values, "messages": [*values["messages"], {"type": "ai", "content": "new"}]}
    history = History(
        [
            state("cp02", "cp01", 1, values=grown),
            state("cp01", None, 0, values=values, tasks=[task("model", {"messages": []})]),
        ]
    )
    panel = StatePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_checkpoint(history.get("cp02"))
    assert panel.tree.json_model().node_count() < 50, "only the top level is built"
    assert panel.tabs.tabText(CONVERSATION_TAB) == "Chat (10001)"
    panel.tabs.setCurrentIndex(CONVERSATION_TAB)
    assert panel.conversation.model.rowCount() == BATCH, "rows come in batches"
    panel.tabs.setCurrentIndex(CHANGES_TAB)
    assert panel.changes.paths() == ["messages[10000]"]
    panel.tabs.setCurrentIndex(EDIT_TAB)
    editor = panel.editor
    assert not editor.tabs.isTabEnabled(FIELDS_TAB), "no form of 10,000 widgets"
    assert editor.field.currentText() == "", "nothing is pretty-printed until a key is chosen"
    assert editor.json.is_blank()
    editor.field.setCurrentText("topic")
    assert editor.json.value() == "big"
    assert len(panel.copy_values()) > 10_000_000


def test_the_editor_sends_only_the_keys_that_changed(qtbot: QtBot) -> None:
    history = History(
        [state("cp01", None, 0, values={"request": "x", "steps": ["a"]}, tasks=[task("n")])]
    )
    editor = StateEditor()
    qtbot.addWidget(editor)
    editor.as_node.set_nodes(["__start__", "draft"])
    editor.set_schema(None)
    editor.show()
    editor.set_checkpoint(history.get("cp01"))
    assert editor.tabs.currentIndex() == JSON_TAB, "no state schema: JSON"
    asked: list[Any] = []
    editor.fork_requested.connect(lambda *args: asked.append(args))
    editor.request_fork()
    assert editor.problem.text() == "Nothing changed: edit a value first."
    editor.json.setPlainText('{"request": "y", "steps": ["a"]}')
    editor.as_node.setCurrentText("draft")
    editor.request_fork()
    assert asked == [("cp01", {"request": "y"}, "draft")]
    editor.json.setPlainText("{oops")
    editor.request_fork()
    assert editor.problem.text().startswith("The values are not valid: Line 1")
    assert edited_keys({"a": 1}, {"a": 1, "b": None}) == {}, "an unset form field is no edit"


def test_interrupts_show_a_hitl_request_and_build_the_command(qtbot: QtBot) -> None:
    panel = InterruptsPanel()
    qtbot.addWidget(panel)
    payload = {
        "action_requests": [{"name": "run_sql", "args": {"query": "drop table x"}}],
        "review_configs": [{"action_name": "run_sql", "allowed_decisions": ["approve", "reject"]}],
    }
    waiting = state("cp01", None, 1, tasks=[task("agent")])
    waiting["tasks"][0]["interrupts"] = [{"id": "abc", "value": payload}]
    panel.show_state(waiting)
    (card,) = panel.cards
    assert card.review is not None
    (box,) = card.review.boxes
    box.choose("reject")
    box.message.setText("no")
    assert panel.command() == {"resume": {"decisions": [{"type": "reject", "message": "no"}]}}
    panel.show_state(state("cp02", None, 2))
    assert not panel.cards
    assert not panel.resume_button.isEnabled()
    assert panel.status.text() == "Nothing to resume: the thread is not paused."


def test_the_timeline_draws_spans_in_rows(qtbot: QtBot) -> None:
    timeline = RunTimeline()
    timeline.start(0.0)
    for i, (name, start, end) in enumerate([("a", 0.0, 0.1), ("b", 0.1, 0.9), ("a", 0.9, 1.0)]):
        started = read_task_event("tasks", (), {"id": str(i), "name": name, "triggers": []})
        ended = read_task_event("tasks", (), {"id": str(i), "name": name, "result": {}})
        assert started is not None
        assert ended is not None
        timeline.add_task(started, start)
        timeline.add_task(ended, end)
    timeline.finish(1.0)
    panel = TimelinePanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    panel.show_timeline(timeline)
    assert panel.nodes_in_order() == ["a", "b", "a"]
    chart = panel.chart
    first, slow, last = (chart.bar_rect(span) for span in timeline.spans)
    assert first.top() == last.top() < slow.top(), "one row per node"
    assert first.right() <= slow.left() + 1
    assert slow.width() > first.width() * 5
    assert chart.span_at(QPointF(slow.center())) is timeline.spans[1]
    assert not chart.grab().isNull()
    assert panel.totals.text() == "3 node executions in 1.00 s"
