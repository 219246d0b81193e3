"""JsonEditor: values in and out, debounced validity, formatting, colours, big documents."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextBlock, QTextCharFormat, QTextFormat
from pytestqt.qtbot import QtBot

from studio.ui.widgets import JsonEditor, JsonError


@pytest.fixture
def editor(qtbot: QtBot) -> JsonEditor:
    widget = JsonEditor(validation_delay_ms=50)
    widget.resize(500, 300)
    qtbot.addWidget(widget)
    return widget


def format_at(block: QTextBlock, column: int) -> QTextCharFormat | None:
    """The highlighter's format covering `column` of `block`, if any."""
    for fmt_range in block.layout().formats():
        if fmt_range.start <= column < fmt_range.start + fmt_range.length:
            return QTextCharFormat(fmt_range.format)  # a copy: the range list is temporary
    return None


def messages(count: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "human" if i % 2 else "ai",
            "content": f"message number {i} " * 5,
            "id": f"id-{i}",
            "additional_kwargs": {"k": i, "v": [1, 2.5, True, None]},
        }
        for i in range(count)
    ]


def test_set_value_pretty_prints_with_two_spaces(editor: JsonEditor) -> None:
    editor.set_value({"a": [1, {"b": None}], "é": "ü"})

    assert (
        editor.toPlainText()
        == '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "é": "ü"\n}'
    )
    assert editor.value() == {"a": [1, {"b": None}], "é": "ü"}
    assert editor.is_valid()


def test_value_reports_line_column_and_reason(editor: JsonEditor) -> None:
    editor.setPlainText('{\n  "a": 1\n  "b": 2\n}')

    with pytest.raises(JsonError) as caught:
        editor.value()

    assert (caught.value.line, caught.value.column) == (3, 3)
    assert str(caught.value) == "Line 3, column 3: Expecting ',' delimiter"
    assert not editor.is_valid()
    assert editor.error() == caught.value or str(editor.error()) == str(caught.value)


def test_validity_is_reported_once_after_typing_stops(qtbot: QtBot, editor: JsonEditor) -> None:
    editor.set_value({})
    editor.clear()
    reports: list[tuple[bool, str]] = []
    editor.validity_changed.connect(lambda valid, message: reports.append((valid, message)))

    # Every prefix of this text is invalid in a different place: reporting per keystroke
    # would emit once per character.
    with qtbot.waitSignal(editor.validity_changed, timeout=2000) as blocker:
        qtbot.keyClicks(editor, '{"a": 1, "b"')

    assert blocker.args == [False, "Line 1, column 13: Expecting ':' delimiter"]
    assert reports == [(False, "Line 1, column 13: Expecting ':' delimiter")]

    with qtbot.waitSignal(editor.validity_changed, timeout=2000) as blocker:
        qtbot.keyClicks(editor, ": 2}")

    assert blocker.args == [True, ""]
    assert editor.value() == {"a": 1, "b": 2}


def test_error_position_is_underlined(editor: JsonEditor) -> None:
    editor.setPlainText('{"a": 1,, "b": 2}')

    assert not editor.is_valid()
    line, selection = editor.extraSelections()
    assert line.format.property(QTextFormat.Property.FullWidthSelection)
    assert selection.cursor.selectionStart() == 8  # the second comma
    assert selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline

    editor.setPlainText('{"a": 1}')
    assert editor.is_valid()
    assert editor.extraSelections() == []


def test_format_document_pretty_prints_in_one_undo_step(editor: JsonEditor) -> None:
    editor.setPlainText('{"a":[1,2],"b":{"c":true}}')

    assert editor.format_document()
    assert editor.toPlainText() == json.dumps({"a": [1, 2], "b": {"c": True}}, indent=2)

    editor.undo()
    assert editor.toPlainText() == '{"a":[1,2],"b":{"c":true}}'


def test_format_document_leaves_invalid_text_alone(editor: JsonEditor) -> None:
    editor.setPlainText('{"a": }')

    assert not editor.format_document()
    assert editor.toPlainText() == '{"a": }'


def test_read_only_editor_ignores_typing(qtbot: QtBot) -> None:
    editor = JsonEditor(read_only=True)
    qtbot.addWidget(editor)
    editor.set_value([1, 2])

    qtbot.keyClicks(editor, "garbage")

    assert editor.isReadOnly()
    assert editor.value() == [1, 2]


def test_enter_keeps_indentation_and_opens_blocks(qtbot: QtBot, editor: JsonEditor) -> None:
    editor.setPlainText("{")
    editor.moveCursor(editor.textCursor().MoveOperation.End)

    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, '"a": [')
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    assert editor.toPlainText() == '{\n  "a": [\n    '


def test_line_numbers_take_room_only_when_shown(editor: JsonEditor) -> None:
    assert editor.line_numbers_visible()
    assert editor.viewportMargins().left() > 0

    editor.set_line_numbers_visible(False)

    assert editor.viewportMargins().left() == 0


def test_keys_strings_and_constants_get_different_colours(editor: JsonEditor) -> None:
    editor.set_value({"name": "Ada", "age": 36, "admin": True})
    line = editor.document().findBlockByNumber(1)  # '  "name": "Ada",'

    key = format_at(line, 3)
    string = format_at(line, 11)
    number = format_at(editor.document().findBlockByNumber(2), 9)
    constant = format_at(editor.document().findBlockByNumber(3), 11)

    assert key is not None
    assert string is not None
    assert number is not None
    assert constant is not None
    colours = {fmt.foreground().color().name() for fmt in (key, string, number)}
    assert len(colours) == 3
    assert key.fontWeight() == QFont.Weight.Bold  # pygments' default style: bold keys
    assert format_at(line, 0) is None  # indentation stays plain


def test_colours_line_up_after_characters_outside_the_bmp(editor: JsonEditor) -> None:
    editor.setPlainText('["🙂🙂", "after"]')
    line = editor.document().firstBlock()

    # Each emoji is 2 UTF-16 units, which Qt counts and pygments does not: the first string
    # spans units 1..6, the second starts at unit 9, not at code point 7.
    first = format_at(line, 6)
    second = format_at(line, 9)

    assert first is not None
    assert second is not None
    assert first.foreground().color() == second.foreground().color()
    assert format_at(line, 7) is None  # the comma
    assert format_at(line, 8) is None  # the space


def test_dark_palette_switches_to_a_dark_style(editor: JsonEditor) -> None:
    editor.set_value({"key": "value"})
    light_key = format_at(editor.document().findBlockByNumber(1), 3)
    assert light_key is not None
    light_colour = light_key.foreground().color()

    palette = editor.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#dddddd"))
    editor.setPalette(palette)

    dark_key = format_at(editor.document().findBlockByNumber(1), 3)
    assert editor.highlighter().style_name() == JsonEditor.dark_style
    assert dark_key is not None
    assert dark_key.foreground().color() != light_colour


def test_five_megabytes_open_and_edit_without_colouring_everything(
    qtbot: QtBot, editor: JsonEditor
) -> None:
    value = messages(18000)
    editor.show()

    editor.set_value(value)

    document = editor.document()
    assert document.characterCount() > 5_000_000
    highlighter = editor.highlighter()
    assert highlighter.is_colored(document.findBlockByNumber(1))
    far = document.findBlockByNumber(200_000)
    while '"' not in far.text():
        far = far.next()
    assert not highlighter.is_colored(far)

    # A keystroke re-lexes the lines it touched, not the document.
    cursor = editor.textCursor()
    cursor.setPosition(document.findBlockByNumber(3).position() + 2)
    editor.setTextCursor(cursor)
    started = time.perf_counter()
    qtbot.keyClicks(editor, " ")
    assert time.perf_counter() - started < 0.25
    assert not highlighter.is_colored(far)

    # Lines are coloured when they scroll into view.
    editor.verticalScrollBar().setValue(far.blockNumber())
    qtbot.waitUntil(lambda: highlighter.is_colored(far), timeout=2000)
    assert format_at(far, far.text().index('"')) is not None
