"""What a form field is, read from a JSON Schema: pure Python, no Qt.

LangGraph's `get_input_jsonschema()` comes from pydantic, so the shapes to understand are
pydantic's: `$ref` into `$defs`, `anyOf: [X, {"type": "null"}]` for `Optional[X]`, `enum` for
`Literal`, `default`, `required`, `description`, and messages as a `oneOf` of message `$defs`.
This module turns those into flat `FieldSpec`s so the widgets only decide how to show a kind,
and anything it cannot classify becomes kind `json` (edited as raw JSON) instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Schema = Mapping[str, Any]
FieldKind = Literal[
    "string", "integer", "number", "boolean", "enum", "const", "object", "array", "messages", "json"
]
_JSON_SCALARS: dict[str, FieldKind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}
SCALAR_KINDS = frozenset({"string", "integer", "number", "boolean", "enum", "const"})
MESSAGE_ROLES = ("human", "ai", "system", "tool")


@dataclass(frozen=True)
class FieldSpec:
    """One property of an object schema, classified for a form.

    Attributes:
        name: The property name (the key in the value).
        kind: How the form edits it.
        schema: The property's schema with `$ref`s resolved and the null branch removed.
        required: Listed in the parent's `required`.
        nullable: Accepts null (`Optional[...]`).
        has_default: The schema gives a default (which may be null).
        fields: The properties of an `object`.
        items: The item spec of an `array` (scalar items only).
    """

    name: str
    kind: FieldKind
    schema: Schema = field(default_factory=dict)
    title: str = ""
    description: str = ""
    required: bool = False
    nullable: bool = False
    has_default: bool = False
    default: Any = None
    enum: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None
    examples: tuple[Any, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    items: FieldSpec | None = None

    @property
    def optional(self) -> bool:
        """Whether the form offers a "set" checkbox: the field may be left out or be null."""
        return self.nullable or (not self.required and not self.has_default)

    @property
    def initially_set(self) -> bool:
        """Whether an optional field starts checked: only when its default is a real value."""
        return self.has_default and self.default is not None

    def type_label(self) -> str:
        """A short type description for tooltips: `integer (1..10)`, `string | null`."""
        label = {"enum": "one of", "messages": "messages", "json": "JSON"}.get(self.kind, self.kind)
        if self.kind == "enum":
            label += " " + ", ".join(str(v) for v in self.enum)
        if self.kind == "array" and self.items is not None:
            label = f"array of {self.items.type_label()}"
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            label += f" ({low}..{high})"
        if self.format:
            label += f", format {self.format}"
        return f"{label} | null" if self.nullable else label

    def with_kind(self, kind: FieldKind) -> FieldSpec:
        """The same field edited another way (the form's fallback to raw JSON)."""
        return replace(self, kind=kind, fields=(), items=None)


class _Cycle(Exception):
    """A `$ref` that refers back to itself: such a field is edited as raw JSON."""


class SchemaReader:
    """Reads the fields of one root schema, resolving `$ref`s against its `$defs`."""

    def __init__(self, root: Schema) -> None:
        self._root = root

    def root_fields(self) -> tuple[FieldSpec, ...] | None:
        """The root object's fields, or None when the root is not an object with properties."""
        try:
            schema, seen = self._resolve(self._root, frozenset())
        except (_Cycle, LookupError):
            return None
        schema, _ = _split_null(schema)
        if not isinstance(schema.get("properties"), Mapping):
            return None
        return self._object_fields(schema, seen)

    def field(self, name: str, schema: Schema, required: bool, seen: frozenset[str]) -> FieldSpec:
        """Classify one property."""
        try:
            resolved, seen = self._resolve(schema, seen)
            resolved, nullable = _split_null(resolved)
            resolved, seen = self._resolve(resolved, seen)
        except (_Cycle, LookupError):
            return FieldSpec(name, "json", schema, required=required, **_common(schema))
        common = _common(resolved)
        base = FieldSpec(name, "json", resolved, required=required, nullable=nullable, **common)
        kind = self._kind(name, resolved, seen)
        if kind == "object":
            return replace(base, kind="object", fields=self._object_fields(resolved, seen))
        if kind == "array":
            items = self.field("item", resolved.get("items", {}), True, seen)
            if items.kind in SCALAR_KINDS and not items.nullable:
                return replace(base, kind="array", items=items)
            return base
        if kind == "enum":
            return replace(base, kind="enum", enum=self._enum_values(resolved, seen))
        return replace(base, kind=kind, **_bounds(resolved, kind))

    # Private helpers

    def _object_fields(self, schema: Schema, seen: frozenset[str]) -> tuple[FieldSpec, ...]:
        required = set(schema.get("required", ()))
        properties: Mapping[str, Schema] = schema.get("properties", {})
        return tuple(
            self.field(name, prop, name in required, seen) for name, prop in properties.items()
        )

    def _kind(self, name: str, schema: Schema, seen: frozenset[str]) -> FieldKind:
        if "const" in schema:
            return "const"
        if "enum" in schema:
            return "enum"
        options = _union(schema)
        if options is not None:
            return "enum" if self._all_literals(options, seen) else "json"
        kind = schema.get("type")
        if isinstance(kind, str) and kind in _JSON_SCALARS:
            return _JSON_SCALARS[kind]
        match kind:
            case "array":
                return "messages" if self._is_messages(name, schema, seen) else "array"
            case "object" | None if isinstance(schema.get("properties"), Mapping):
                return "object" if schema["properties"] else "json"
        return "json"

    def _is_messages(self, name: str, schema: Schema, seen: frozenset[str]) -> bool:
        items: Schema = schema.get("items", {})
        options = _union(items) or [items]
        resolved = []
        for option in options:
            try:
                resolved.append(self._resolve(option, seen)[0])
            except (_Cycle, LookupError):
                return False
        if resolved and all(_is_message_schema(option) for option in resolved):
            return True
        # `messages: list` or `list[dict]` under the conventional name: still a message list.
        return name == "messages" and all(not option.get("properties") for option in resolved)

    def _all_literals(self, options: Sequence[Schema], seen: frozenset[str]) -> bool:
        try:
            resolved = [self._resolve(option, seen)[0] for option in options]
        except (_Cycle, LookupError):
            return False
        return all("const" in option or "enum" in option for option in resolved)

    def _enum_values(self, schema: Schema, seen: frozenset[str]) -> tuple[Any, ...]:
        if "enum" in schema:
            return tuple(v for v in schema["enum"] if v is not None)
        values: list[Any] = []
        for option in _union(schema) or ():
            resolved = self._resolve(option, seen)[0]
            values.extend(resolved["enum"] if "enum" in resolved else [resolved["const"]])
        return tuple(v for v in values if v is not None)

    def _resolve(self, schema: Schema, seen: frozenset[str]) -> tuple[Schema, frozenset[str]]:
        """Follow `$ref` (and one-element `allOf`), merging the referring schema's own keys."""
        while True:
            ref = schema.get("$ref")
            if isinstance(ref, str):
                if ref in seen:
                    raise _Cycle(ref)
                siblings = {k: v for k, v in schema.items() if k != "$ref"}
                schema, seen = {**self._lookup(ref), **siblings}, seen | {ref}
                continue
            all_of = schema.get("allOf")
            if isinstance(all_of, Sequence) and len(all_of) == 1:
                schema = {**all_of[0], **{k: v for k, v in schema.items() if k != "allOf"}}
                continue
            return schema, seen

    def _lookup(self, ref: str) -> Schema:
        if not ref.startswith("#"):
            raise LookupError(f"external $ref not supported: {ref}")
        node: Any = self._root
        for part in ref[1:].split("/"):
            if part:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        if not isinstance(node, Mapping):
            raise LookupError(ref)
        return node


def _union(schema: Schema) -> list[Schema] | None:
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, Sequence) and options:
            return list(options)
    return None


def _split_null(schema: Schema) -> tuple[Schema, bool]:
    """Remove the null alternative of `Optional[...]`; returns (schema, nullable)."""
    kind = schema.get("type")
    if isinstance(kind, Sequence) and not isinstance(kind, str):
        rest = [k for k in kind if k != "null"]
        nullable = len(rest) < len(kind)
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, nullable
    if "enum" in schema and None in schema["enum"]:
        return {**schema, "enum": [v for v in schema["enum"] if v is not None]}, True
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if not isinstance(options, Sequence):
            continue
        rest = [o for o in options if o.get("type") != "null" and o.get("const", 0) is not None]
        if len(rest) == len(options):
            continue
        outer = {k: v for k, v in schema.items() if k != key}
        if len(rest) == 1:
            return {**rest[0], **outer}, True
        return {**outer, key: rest}, True
    return schema, False


def _is_message_schema(schema: Schema) -> bool:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return False
    return "content" in properties and ("type" in properties or "role" in properties)


def _common(schema: Schema) -> dict[str, Any]:
    has_default = "default" in schema
    return {
        "title": str(schema.get("title", "")),
        "description": str(schema.get("description", "")),
        "has_default": has_default,
        "default": schema.get("default"),
        "format": schema.get("format") if isinstance(schema.get("format"), str) else None,
        "examples": tuple(schema.get("examples", ()) or ()),
    }


def _bounds(schema: Schema, kind: FieldKind) -> dict[str, Any]:
    if kind not in ("integer", "number"):
        return {}
    step = 1 if kind == "integer" else 0
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = schema["exclusiveMinimum"] + step
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = schema["exclusiveMaximum"] - step
    return {"minimum": low, "maximum": high}


def read_fields(schema: Schema | None) -> tuple[FieldSpec, ...] | None:
    """The fields of a root object schema, or None when a form cannot show it."""
    return None if schema is None else SchemaReader(schema).root_fields()
