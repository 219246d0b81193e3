"""SchemaForm on real LangGraph input schemas: widgets shown, values in and out."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from studio.ui.widgets import JsonError, SchemaForm
from studio.ui.widgets.array_field import ArrayEditor
from studio.ui.widgets.field_editor import FieldEditor, OptionalEditor
from studio.ui.widgets.message_list_field import MessageListEditor
from studio.ui.widgets.object_field import ObjectEditor
from studio.ui.widgets.scalar_fields import EnumEditor, JsonFieldEditor, StringEditor
from tests.ui.widgets.graph_states import (
    ChatState,
    MessagesState,
    ResearchState,
    compile_graph,
    input_schema,
)

RESEARCH_DEFAULTS = {
    "messages": [],
    "mode": "fast",
    "max_steps": 5,
    "tags": [],
    "verbose": False,
    "metadata": {},
    "plan": [],
}


@pytest.fixture
def research(qtbot: QtBot) -> SchemaForm:
    form = SchemaForm(schema=input_schema(ResearchState))
    qtbot.addWidget(form)
    return form


@pytest.fixture
def chat(qtbot: QtBot) -> SchemaForm:
    form = SchemaForm(schema=input_schema(ChatState))
    qtbot.addWidget(form)
    return form


def editor(form: SchemaForm, path: str) -> FieldEditor:
    found = form.editor(path)
    assert found is not None, path
    return found


def inner(found: FieldEditor) -> FieldEditor:
    return found.inner if isinstance(found, OptionalEditor) else found


def labels(form: SchemaForm) -> list[str]:
    return [label.text() for label in form.findChildren(QLabel) if label.buddy() is None]


def test_defaults_make_the_initial_value_and_unset_optionals_are_left_out(
    research: SchemaForm,
) -> None:
    assert research.value() == RESEARCH_DEFAULTS


def test_enum_is_a_combo_of_its_values_and_round_trips(research: SchemaForm) -> None:
    mode = editor(research, "mode")
    assert isinstance(mode, EnumEditor)
    combo = mode.findChild(QComboBox)
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == ["fast", "thorough"]

    research.set_value({"mode": "thorough"})

    assert combo.currentText() == "thorough"
    assert research.value()["mode"] == "thorough"


def test_integer_bounds_and_description_come_from_the_schema(research: SchemaForm) -> None:
    spin = editor(research, "max_steps").findChild(QSpinBox)
    assert spin is not None
    assert (spin.minimum(), spin.maximum(), spin.value()) == (1, 50, 5)
    assert "Upper bound on tool calls" in editor(research, "max_steps").toolTip()


def test_optional_field_is_included_only_while_set(qtbot: QtBot, research: SchemaForm) -> None:
    temperature = editor(research, "temperature")
    assert isinstance(temperature, OptionalEditor)
    assert not temperature.inner.isEnabled()

    with qtbot.waitSignal(research.changed, timeout=1000):
        temperature.set_box.click()
    spin = temperature.findChild(QDoubleSpinBox)
    assert spin is not None
    spin.setValue(0.25)

    assert research.value()["temperature"] == 0.25
    temperature.set_box.click()
    assert "temperature" not in research.value()


def test_nested_optional_model_is_a_checkable_group(qtbot: QtBot, research: SchemaForm) -> None:
    address = editor(research, "address")
    assert isinstance(address, ObjectEditor)
    assert address.group is not None
    assert address.group.isCheckable()
    assert not address.group.isChecked()

    address.group.setChecked(True)
    street = editor(research, "address.street").findChild(QLineEdit)
    assert street is not None
    qtbot.keyClicks(street, "1 Rue de Rivoli")

    assert research.value()["address"] == {"street": "1 Rue de Rivoli", "zip": 0}


def test_set_value_then_value_round_trips(research: SchemaForm) -> None:
    value = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "human", "content": "Find papers\non RAG."},
        ],
        "mode": "thorough",
        "max_steps": 12,
        "temperature": 0.2,
        "address": {"street": "Main St 1", "zip": 12345},
        "tags": ["rag", "survey"],
        "verbose": True,
        "metadata": {"source": "studio", "n": [1, 2]},
        "plan": [{"name": "search", "done": False}],
        "tree": {"label": "root", "child": {"label": "leaf", "child": None}},
        "answer": 42,
    }

    research.set_value(value)

    assert research.value() == value
    tags = inner(editor(research, "tags"))
    assert isinstance(tags, ArrayEditor)
    assert tags.item_count() == 2


def test_set_value_resets_fields_it_does_not_mention(research: SchemaForm) -> None:
    research.set_value({"mode": "thorough", "temperature": 0.5})

    research.set_value({"verbose": True})

    assert research.value() == {**RESEARCH_DEFAULTS, "verbose": True}


def test_values_the_widgets_cannot_show_fall_back_to_json(research: SchemaForm) -> None:
    research.set_value({"max_steps": 500, "mode": "other", "tags": [1, 2], "extra": {"k": 1}})

    assert isinstance(editor(research, "max_steps"), JsonFieldEditor)  # outside 1..50
    assert isinstance(editor(research, "mode"), JsonFieldEditor)
    assert isinstance(inner(editor(research, "tags")), JsonFieldEditor)
    value = research.value()
    assert (value["max_steps"], value["mode"], value["tags"]) == (500, "other", [1, 2])
    assert value["extra"] == {"k": 1}  # keys the schema does not know are kept


def test_invalid_json_in_a_field_names_the_field(research: SchemaForm) -> None:
    metadata = editor(research, "metadata")
    assert isinstance(metadata, JsonFieldEditor)
    metadata.editor.setPlainText('{"source": }')

    with pytest.raises(JsonError) as caught:
        research.value()

    assert caught.value.field == "metadata"
    assert str(caught.value).startswith("metadata: Line 1, column 12:")


def test_required_fields_are_marked_and_always_included(qtbot: QtBot, chat: SchemaForm) -> None:
    shown = labels(chat)
    assert any(text.startswith("query") and "*" in text for text in shown)
    assert any(text == "note" for text in shown)
    assert chat.value() == {"messages": [], "query": "", "tone": "formal", "retries": 0}

    line = editor(chat, "query").findChild(QLineEdit)
    assert line is not None
    with qtbot.waitSignal(chat.changed, timeout=1000):
        qtbot.keyClicks(line, "weather in Paris")

    assert chat.value()["query"] == "weather in Paris"


def test_string_format_offers_values_in_a_combo(qtbot: QtBot) -> None:
    form = SchemaForm(
        schema={"type": "object", "properties": {"when": {"type": "string", "format": "date"}}}
    )
    qtbot.addWidget(form)

    when = editor(form, "when")
    assert isinstance(inner(when), StringEditor)
    combo = when.findChild(QComboBox)
    assert combo is not None
    assert combo.isEditable()
    assert combo.count() == 1
    assert len(combo.itemText(0)) == len("2024-01-31")


def test_message_list_edits_roles_and_text(qtbot: QtBot, chat: SchemaForm) -> None:
    messages = inner(editor(chat, "messages"))
    assert isinstance(messages, MessageListEditor)

    qtbot.mouseClick(messages.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(messages.rows()[0].content, "Hi there")
    qtbot.mouseClick(messages.add_button, Qt.MouseButton.LeftButton)
    second = messages.rows()[1]
    assert second.role.currentText() == "ai"  # turns alternate
    second.role.setCurrentText("system")
    qtbot.keyClicks(second.content, "Be brief.")

    assert chat.value()["messages"] == [
        {"role": "human", "content": "Hi there"},
        {"role": "system", "content": "Be brief."},
    ]

    qtbot.mouseClick(messages.rows()[0].remove, Qt.MouseButton.LeftButton)
    assert chat.value()["messages"] == [{"role": "system", "content": "Be brief."}]


def test_message_list_accepts_server_messages_and_keeps_their_ids(chat: SchemaForm) -> None:
    chat.set_value(
        {
            "messages": [
                {"type": "human", "content": "Hi", "id": "m1"},
                {"type": "AIMessageChunk", "content": "Hello", "id": "m2"},
                ["user", "Bye"],
                "Plain text",
            ]
        }
    )

    assert chat.value()["messages"] == [
        {"id": "m1", "role": "human", "content": "Hi"},
        {"id": "m2", "role": "ai", "content": "Hello"},
        {"role": "human", "content": "Bye"},
        {"role": "human", "content": "Plain text"},
    ]


def test_messages_with_rich_content_fall_back_to_json(chat: SchemaForm) -> None:
    rich = [{"type": "human", "content": [{"type": "text", "text": "Look"}]}]

    chat.set_value({"messages": rich})

    assert isinstance(inner(editor(chat, "messages")), JsonFieldEditor)
    assert chat.value()["messages"] == rich


def test_set_value_does_not_emit_changed(qtbot: QtBot, research: SchemaForm) -> None:
    with qtbot.assertNotEmitted(research.changed):
        research.set_value({"mode": "thorough", "tags": ["a"]})
        research.set_schema(input_schema(ChatState))


def test_no_schema_gives_a_json_editor_for_the_whole_input(qtbot: QtBot) -> None:
    form = SchemaForm()
    qtbot.addWidget(form)
    raw = form.raw_editor()
    assert raw is not None
    assert form.value() == {}

    form.set_value({"anything": [1, 2]})
    assert form.value() == {"anything": [1, 2]}

    raw.setPlainText("[1]")
    with pytest.raises(JsonError, match="must be a JSON object"):
        form.value()


def test_the_form_value_is_accepted_by_the_graph(qtbot: QtBot, research: SchemaForm) -> None:
    messages = inner(editor(research, "messages"))
    assert isinstance(messages, MessageListEditor)
    messages.add_message("human", "What is RAG?")
    research.set_value({**research.value(), "address": {"street": "Main St 1"}, "tags": ["x"]})

    # A pydantic state validates its input: a wrong type or a missing key would raise here.
    result: dict[str, Any] = compile_graph(ResearchState).invoke(research.value())

    assert result["messages"][0].type == "human"
    assert result["messages"][0].content == "What is RAG?"
    assert result["address"] == {"street": "Main St 1", "zip": 0}
    assert result["tags"] == ["x"]


def test_messages_state_value_is_accepted_by_add_messages(qtbot: QtBot) -> None:
    form = SchemaForm(schema=input_schema(MessagesState))
    qtbot.addWidget(form)
    form.set_value(
        {"messages": [{"role": "system", "content": "S"}, {"role": "human", "content": "H"}]}
    )

    result = compile_graph(MessagesState).invoke(form.value())

    assert [(m.type, m.content) for m in result["messages"]] == [("system", "S"), ("human", "H")]
