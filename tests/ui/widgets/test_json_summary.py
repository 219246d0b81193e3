"""One-line summaries and JSON text helpers (pure Python)."""

from __future__ import annotations

import datetime

import pytest

from studio.ui.widgets.json_summary import json_type, message_role, size_exceeds, summarize
from studio.ui.widgets.json_text import JsonError, dump_json, parse_json


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, "{0 keys}"),
        ({"a": 1}, "{1 key}"),
        ([1, 2, 3], "[3 items]"),
        ([None], "[1 item]"),
        ("text", '"text"'),
        ("two\nlines", '"two\\nlines"'),
        (3.5, "3.5"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_summaries(value: object, expected: str) -> None:
    assert summarize(value) == expected


def test_long_strings_are_cut_without_escaping_all_of_them() -> None:
    text = summarize("x" * 1_000_000, width=20)

    assert text == '"' + "x" * 18 + "…"
    assert len(text) == 20


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"type": "human", "content": "Hi"}, "human: Hi"),
        ({"role": "assistant", "content": "Hello"}, "ai: Hello"),
        ({"type": "AIMessageChunk", "content": "Hel"}, "ai: Hel"),
        ({"type": "tool", "content": "21°C", "tool_call_id": "c1"}, "tool: 21°C"),
        ({"type": "ai", "content": "", "tool_calls": [{"name": "search"}]}, "ai: → search()"),
        (
            {"type": "ai", "content": [{"type": "text", "text": "Look"}, {"type": "image_url"}]},
            "ai: Look [image_url]",
        ),
        ({"type": "system", "content": "Be brief.\nAlways."}, "system: Be brief. ⏎ Always."),
    ],
)
def test_messages_are_summarised_by_role_and_text(
    message: dict[str, object], expected: str
) -> None:
    assert summarize(message) == expected


def test_dicts_that_merely_have_a_type_are_not_messages() -> None:
    assert message_role({"type": "object", "content": 1}) is None
    assert message_role({"type": "human"}) is None
    assert summarize({"type": "human"}) == "{1 key}"


def test_json_types() -> None:
    assert [json_type(v) for v in ({}, [], "", 1, 1.0, True, None)] == [
        "object",
        "array",
        "string",
        "integer",
        "number",
        "boolean",
        "null",
    ]


def test_parse_errors_carry_position_and_field() -> None:
    with pytest.raises(JsonError) as caught:
        parse_json("[1, 2,\n  3 4]")

    error = caught.value
    assert (error.line, error.column, error.message) == (2, 5, "Expecting ',' delimiter")
    assert str(error.in_field("tags")) == "tags: Line 2, column 5: Expecting ',' delimiter"
    assert str(error.in_field("inner").in_field("outer")).startswith("outer.inner: Line 2")


def test_dump_keeps_unicode_and_survives_non_json_values() -> None:
    assert dump_json({"é": datetime.date(2024, 1, 31)}) == '{\n  "é": "2024-01-31"\n}'


def test_size_is_measured_only_as_far_as_needed() -> None:
    assert not size_exceeds({"a": [1, 2, {"b": 3}]}, 6)
    assert size_exceeds({"a": [1, 2, {"b": 3}]}, 5)
    assert size_exceeds(list(range(10**6)), 100)
