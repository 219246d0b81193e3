"""A form generated from a graph's input JSON Schema, giving a plain dict.

The run-input panel shows this instead of a blank JSON box: one widget per field of the
graph's state, with defaults, required marks and descriptions from the schema, and a message
list editor for `messages`. A schema the form cannot show at all (none, or not an object
with properties) gives a JSON editor for the whole input, so any graph can still be run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from studio.ui.widgets.field_editor import FieldEditor
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.object_field import ObjectEditor
from studio.ui.widgets.schema_spec import FieldSpec, read_fields

_MARGIN = 8


class SchemaForm(QWidget):
    """Edits a dict described by a JSON Schema (pydantic's / LangGraph's flavour)."""

    changed = Signal()
    """The user edited a field (`set_schema` and `set_value` do not emit it)."""

    def __init__(self, parent: QWidget | None = None, schema: Mapping[str, Any] | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self._scroll)
        self._schema: Mapping[str, Any] | None = None
        self._root: ObjectEditor | None = None
        self._raw: JsonEditor | None = None
        self._loading = 0
        self.set_schema(schema)

    # Public API

    def set_schema(self, schema: Mapping[str, Any] | None) -> None:
        """Rebuild the form for `schema`; fields start at their defaults."""
        self._schema = schema
        fields = read_fields(schema)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(_MARGIN, _MARGIN, _MARGIN, _MARGIN)
        self._loading += 1
        try:
            if fields:
                self._raw = None
                self._root = self._build_root(schema or {}, fields)
                layout.addWidget(self._root)
                layout.addStretch(1)
            else:
                self._root = None
                self._raw = self._build_raw(layout, no_fields=fields is not None)
        finally:
            self._loading -= 1
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self._scroll.setWidget(content)

    def schema(self) -> Mapping[str, Any] | None:
        """The schema the form was built from."""
        return self._schema

    def value(self) -> dict[str, Any]:
        """The input: required fields, fields with defaults, and optional fields that are set.

        Raises:
            JsonError: A field (or the whole input) edited as JSON is invalid; `field` says
                which.
        """
        if self._root is not None:
            return self._root.value()
        assert self._raw is not None
        value = self._raw.value()
        if not isinstance(value, dict):
            raise JsonError(1, 1, "The input must be a JSON object")
        return value

    def set_value(self, value: Mapping[str, Any]) -> None:
        """Show `value`: given keys are set, absent ones go back to their defaults.

        A value a field's widgets cannot show exactly switches that field to a JSON editor;
        keys the schema does not know are kept and returned by `value()`.
        """
        self._loading += 1
        try:
            if self._root is not None:
                self._root.set_value(value)
            elif self._raw is not None:
                self._raw.set_value(dict(value))
        finally:
            self._loading -= 1

    def editor(self, path: str | Sequence[str]) -> FieldEditor | None:
        """The editor of a field, by dotted path (`"addr.street"`); None if there is none."""
        parts = path.split(".") if isinstance(path, str) else list(path)
        return None if self._root is None else self._root.editor(parts)

    def raw_editor(self) -> JsonEditor | None:
        """The whole-input JSON editor, when the schema could not be shown as a form."""
        return self._raw

    # Private helpers

    def _build_root(self, schema: Mapping[str, Any], fields: tuple[FieldSpec, ...]) -> ObjectEditor:
        spec = FieldSpec(
            "input",
            "object",
            schema,
            title=str(schema.get("title", "")),
            description=str(schema.get("description", "")),
            required=True,
            fields=fields,
        )
        root = ObjectEditor(spec, framed=False)
        root.reset()
        root.edited.connect(self._on_edited)
        return root

    def _build_raw(self, layout: QVBoxLayout, *, no_fields: bool) -> JsonEditor:
        hint = QLabel(
            "This graph declares no input fields: edit the input as JSON."
            if no_fields
            else "No input schema the form can show: edit the input as JSON."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        raw = JsonEditor()
        raw.set_value({})
        raw.textChanged.connect(self._on_edited)
        layout.addWidget(raw, 1)
        return raw

    # Private slots

    def _on_edited(self) -> None:
        if not self._loading:
            self.changed.emit()
