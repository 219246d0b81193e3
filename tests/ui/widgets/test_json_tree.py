"""JsonTreeModel and JsonTreeView: summaries, laziness, paths, copying."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from studio.ui.widgets import JsonTreeModel, JsonTreeView
from studio.ui.widgets.json_tree_model import KEY_COLUMN, TYPE_COLUMN, VALUE_COLUMN, path_text

HELLO = "Hello from Paris! It is sunny and 21°C, a perfect day for a picnic by the Seine. " * 3


@pytest.fixture
def view(qtbot: QtBot) -> JsonTreeView:
    widget = JsonTreeView()
    widget.resize(640, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def expand(qtbot: QtBot, view: JsonTreeView, index: QModelIndex) -> None:
    """Expand `index` and wait for the view's layout pass, which fetches the children."""
    view.expand(index)
    qtbot.waitUntil(lambda: view.json_model().rowCount(index) > 0, timeout=2000)


def state(count: int = 10000) -> dict[str, Any]:
    return {
        "messages": [
            {"type": "human", "content": "What is the weather in Paris?", "id": "m0"},
            {"type": "ai", "content": "", "tool_calls": [{"name": "weather", "args": {}}]},
            {"type": "ai", "content": [{"type": "text", "text": HELLO}]},
        ],
        "history": [{"type": "human", "content": f"message {i}"} for i in range(count)],
        "plan": {"steps": ["search", "answer"], "done": False, "score": 0.93},
        "user": None,
    }


def row(model: JsonTreeModel, index: QModelIndex) -> tuple[str, str, str]:
    key, value, kind = (model.data(index.siblingAtColumn(column)) for column in range(3))
    return key, value, kind


def child(model: JsonTreeModel, *path: str | int) -> QModelIndex:
    index = model.index_for_path(list(path))
    assert index.isValid(), path
    return index


def test_top_level_shows_keys_summaries_and_types(view: JsonTreeView) -> None:
    view.set_value(state())
    model = view.json_model()

    assert model.rowCount() == 4
    assert [row(model, model.index(r, 0)) for r in range(4)] == [
        ("messages", "[3 items]", "array"),
        ("history", "[10000 items]", "array"),
        ("plan", "{3 keys}", "object"),
        ("user", "null", "null"),
    ]
    assert model.headerData(VALUE_COLUMN, Qt.Orientation.Horizontal) == "Value"


def test_messages_read_as_one_line_summaries(qtbot: QtBot, view: JsonTreeView) -> None:
    view.set_value(state())
    model = view.json_model()
    messages = model.index(0, 0)
    expand(qtbot, view, messages)

    assert row(model, model.index(0, 0, messages)) == (
        "0",
        "human: What is the weather in Paris?",
        "message",
    )
    assert model.data(model.index(1, VALUE_COLUMN, messages)) == "ai: → weather()"
    summary = model.data(model.index(2, VALUE_COLUMN, messages))
    assert summary.startswith("ai: Hello from Paris!")
    assert summary.endswith("…")
    assert len(summary) <= 120
    tooltip = model.data(model.index(2, VALUE_COLUMN, messages), Qt.ItemDataRole.ToolTipRole)
    assert HELLO.strip() in tooltip


def test_children_are_made_only_when_a_row_is_expanded(qtbot: QtBot, view: JsonTreeView) -> None:
    view.set_value(state())
    model = view.json_model()
    history = model.index(1, 0)

    assert model.hasChildren(history)
    assert model.rowCount(history) == 0
    assert model.canFetchMore(history)
    made_before = model.node_count()
    assert made_before == 4

    expand(qtbot, view, history)

    assert 0 < model.rowCount(history) < 10000  # the first batch only
    assert model.node_count() == made_before + model.rowCount(history)
    assert model.data(model.index(0, VALUE_COLUMN, history)) == "human: message 0"

    # Scrolling to the last fetched row fetches the next batch, even though the list is
    # followed by other rows (QTreeView alone fetches only at the very end of the tree).
    first_batch = model.rowCount(history)
    last = model.index(first_batch - 1, 0, history)
    view.scrollTo(last, JsonTreeView.ScrollHint.PositionAtBottom)
    qtbot.waitUntil(lambda: model.rowCount(history) > first_batch, timeout=2000)
    assert model.data(model.index(first_batch, VALUE_COLUMN, history)) == (
        f"human: message {first_batch}"
    )


def test_a_ten_megabyte_value_opens_at_once(qtbot: QtBot, view: JsonTreeView) -> None:
    blob = {"rows": [{"id": i, "text": "x" * 200, "tags": ["a", "b"]} for i in range(50000)]}
    assert len(json.dumps(blob)) > 10_000_000
    started = time.perf_counter()
    view.set_value(blob)
    qtbot.waitExposed(view)
    elapsed = time.perf_counter() - started

    assert view.json_model().node_count() == 1
    assert elapsed < 1.0
    assert view.json_model().data(view.json_model().index(0, VALUE_COLUMN)) == "[50000 items]"


def test_set_value_resets_the_model_once(qtbot: QtBot, view: JsonTreeView) -> None:
    model = view.json_model()
    view.set_value(state(10))
    expand(qtbot, view, model.index(0, 0))
    resets: list[str] = []
    model.modelAboutToBeReset.connect(lambda: resets.append("about"))
    model.rowsInserted.connect(lambda *_: resets.append("rows"))

    with qtbot.waitSignal(model.modelReset, timeout=1000):
        view.set_value({"only": 1})

    assert resets == ["about"]
    assert model.rowCount() == 1
    assert view.value() == {"only": 1}


def test_scalar_root_is_one_row_with_an_empty_path(view: JsonTreeView) -> None:
    view.set_value("just text")
    model = view.json_model()

    assert model.rowCount() == 1
    assert row(model, model.index(0, 0)) == ("", '"just text"', "string")
    assert model.path(model.index(0, 0)) == []
    assert view.value() == "just text"


def test_path_follows_keys_and_list_indexes(view: JsonTreeView) -> None:
    view.set_value(state(10))
    model = view.json_model()
    index = child(model, "messages", 2, "content", 0, "text")

    assert model.path(index) == ["messages", 2, "content", 0, "text"]
    assert model.data(index.siblingAtColumn(KEY_COLUMN)) == "text"
    assert model.data(index.siblingAtColumn(TYPE_COLUMN)) == "string"
    assert model.value_at(index) == HELLO
    assert not model.index_for_path(["messages", 7]).isValid()
    assert (
        path_text(["messages", 2, "content", 0, "odd key"]) == 'messages[2].content[0]["odd key"]'
    )


def test_ctrl_c_copies_the_selected_subtree_as_json(qtbot: QtBot, view: JsonTreeView) -> None:
    view.set_value(state(10))
    view.setCurrentIndex(child(view.json_model(), "plan"))

    with qtbot.waitSignal(view.copied, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    expected = json.dumps({"steps": ["search", "answer"], "done": False, "score": 0.93}, indent=2)
    assert blocker.args == [expected]
    assert QGuiApplication.clipboard().text() == expected


def test_context_menu_copies_json_and_path(view: JsonTreeView) -> None:
    view.set_value(state(10))
    view.setCurrentIndex(child(view.json_model(), "messages", 0, "content"))

    menu = view.context_menu()
    actions = {action.text(): action for action in menu.actions()}
    assert set(actions) == {"Copy as JSON", "Copy path"}
    assert all(action.isEnabled() for action in actions.values())

    actions["Copy as JSON"].trigger()
    assert QGuiApplication.clipboard().text() == '"What is the weather in Paris?"'
    actions["Copy path"].trigger()
    assert QGuiApplication.clipboard().text() == "messages[0].content"
    menu.deleteLater()


def test_copy_actions_are_disabled_without_a_selection(view: JsonTreeView) -> None:
    view.set_value(state(10))

    menu = view.context_menu()

    assert not any(action.isEnabled() for action in menu.actions())
    assert view.copy_selection() is None
    menu.deleteLater()
