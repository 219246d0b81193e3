"""Reading real LangGraph input schemas into form field specs (pure Python)."""

from __future__ import annotations

from typing import Any

import pytest

from studio.ui.widgets.schema_spec import FieldSpec, read_fields
from tests.ui.widgets.graph_states import ChatState, MessagesState, ResearchState, input_schema


def fields_of(state: type[Any]) -> dict[str, FieldSpec]:
    fields = read_fields(input_schema(state))
    assert fields is not None
    return {spec.name: spec for spec in fields}


def test_pydantic_state_fields_are_classified() -> None:
    fields = fields_of(ResearchState)

    assert {name: spec.kind for name, spec in fields.items()} == {
        "messages": "messages",
        "mode": "enum",
        "max_steps": "integer",
        "temperature": "number",
        "address": "object",
        "tags": "array",
        "verbose": "boolean",
        "metadata": "json",  # dict[str, Any]: free-form
        "plan": "json",  # a list of objects
        "tree": "object",
        "answer": "json",  # str | int
    }
    assert fields["mode"].enum == ("fast", "thorough")
    assert (fields["max_steps"].minimum, fields["max_steps"].maximum) == (1, 50)
    assert fields["max_steps"].description == "Upper bound on tool calls"
    assert fields["temperature"].nullable
    assert fields["temperature"].optional
    assert not fields["temperature"].initially_set
    assert fields["tags"].items is not None
    assert fields["tags"].items.kind == "string"


def test_refs_resolve_to_nested_fields_and_cycles_stop() -> None:
    fields = fields_of(ResearchState)

    street, zip_code = fields["address"].fields
    assert (street.name, street.kind, street.required) == ("street", "string", True)
    assert street.description == "Street and number"
    assert (zip_code.name, zip_code.kind, zip_code.default) == ("zip", "integer", 0)
    # Tree.child refers back to Tree: the recursion becomes a JSON field.
    label, child = fields["tree"].fields
    assert (label.kind, child.kind) == ("string", "json")


def test_typed_dict_state_fields_are_required_without_defaults() -> None:
    fields = fields_of(ChatState)

    assert [(s.name, s.kind, s.required, s.optional) for s in fields.values()] == [
        ("messages", "messages", True, False),
        ("query", "string", True, False),
        ("tone", "enum", True, False),
        ("retries", "integer", True, False),
        ("note", "string", False, True),
    ]


def test_messages_state_is_one_message_list() -> None:
    assert [(s.name, s.kind) for s in fields_of(MessagesState).values()] == [
        ("messages", "messages")
    ]


@pytest.mark.parametrize(
    ("schema", "kind", "nullable"),
    [
        ({"type": ["string", "null"]}, "string", True),
        ({"enum": ["a", None]}, "enum", True),
        ({"anyOf": [{"const": "a"}, {"const": "b"}]}, "enum", False),
        ({"allOf": [{"$ref": "#/$defs/Level"}]}, "enum", False),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, "json", False),
        ({"$ref": "#/$defs/Missing"}, "json", False),
        ({"type": "array", "items": {"type": "integer"}}, "array", False),
        (
            {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
            "json",
            False,
        ),
        ({}, "json", False),
    ],
)
def test_shapes_beyond_pydantic_defaults(schema: dict[str, Any], kind: str, nullable: bool) -> None:
    root = {
        "type": "object",
        "properties": {"x": schema},
        "$defs": {"Level": {"enum": [1, 2, 3]}},
    }
    fields = read_fields(root)

    assert fields is not None
    assert (fields[0].kind, fields[0].nullable) == (kind, nullable)


def test_a_root_without_properties_has_no_form() -> None:
    assert read_fields(None) is None
    assert read_fields({"type": "object"}) is None
    assert read_fields({"type": "array", "items": {}}) is None
    assert read_fields({"type": "object", "properties": {}}) == ()
