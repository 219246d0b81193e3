"""The editor of an object: labelled field editors in a form layout (a group box when nested).

It decides which fields make up the value: required fields and fields with defaults always
(what is shown is what is sent), optional ones only while their "set" box is checked. It also
keeps keys it has no field for, so `set_value` then `value` never drops data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from studio.ui.widgets.array_field import ArrayEditor
from studio.ui.widgets.field_editor import FieldEditor, OptionalEditor
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.message_list_field import MessageListEditor
from studio.ui.widgets.scalar_fields import create_scalar_editor
from studio.ui.widgets.schema_spec import FieldSpec

_REQUIRED_MARK = "<span style='color:#d93f3f'>&nbsp;*</span>"


@dataclass
class _Row:
    spec: FieldSpec
    editor: FieldEditor


class ObjectEditor(FieldEditor):
    """Edits an object's properties; nested objects get a (checkable, if optional) group box."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None, *, framed: bool = True):
        super().__init__(spec, parent)
        self._rows: dict[str, _Row] = {}
        self._extras: dict[str, Any] = {}
        self.group: QGroupBox | None = None
        holder: QWidget
        if framed:
            self.group = QGroupBox(spec.name + (" *" if spec.required else ""))
            self.group.setToolTip(field_tooltip(spec))
            if spec.optional:
                self.group.setCheckable(True)
                self.group.toggled.connect(self.edited)
            holder = self.group
        else:
            holder = QWidget()
        self._layout.addWidget(holder)
        self._form = QFormLayout(holder)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._form.setVerticalSpacing(8)
        if not framed:
            self._form.setContentsMargins(0, 0, 0, 0)
        self._line_height = QLineEdit().sizeHint().height()
        for field in spec.fields:
            self._add_row(field)

    # Public API

    def field_names(self) -> list[str]:
        """The property names, in schema order."""
        return list(self._rows)

    def editor(self, path: Sequence[str]) -> FieldEditor | None:
        """The editor of a field, by path through nested objects (`["addr", "street"]`)."""
        if not path:
            return self
        row = self._rows.get(path[0])
        if row is None:
            return None
        if len(path) == 1:
            return row.editor
        return row.editor.editor(path[1:]) if isinstance(row.editor, ObjectEditor) else None

    def is_set(self) -> bool:
        """False while an optional object's group box is unchecked."""
        return self.group is None or not self.group.isCheckable() or self.group.isChecked()

    # FieldEditor

    def value(self) -> dict[str, Any]:
        """The fields that make up the value (see the module docstring).

        Raises:
            JsonError: A field edited as JSON holds invalid text; `field` names it.
        """
        result = dict(self._extras)
        for name, row in self._rows.items():
            try:
                value = row.editor.value()
            except JsonError as error:
                if row.editor.is_set():
                    raise error.in_field(name) from None
                value = None
            if row.editor.is_set():
                result[name] = value
            elif row.spec.required:
                result[name] = None  # required but nullable: unchecked means null
        return result

    def set_value(self, value: Any) -> None:
        if value is None and self.spec.optional and self.group is not None:
            self.reset()
            self.group.setChecked(False)
            return
        if not isinstance(value, Mapping):
            raise ValueError(f"not an object: {value!r}")
        self._extras = {key: item for key, item in value.items() if key not in self._rows}
        for name, row in self._rows.items():
            if name in value:
                self._set_row(name, value[name])
            else:
                row.editor.reset()
        if self.group is not None and self.group.isCheckable():
            self.group.setChecked(True)

    def reset(self) -> None:
        self._extras = {}
        for row in self._rows.values():
            row.editor.reset()
        if self.spec.has_default and isinstance(self.spec.default, Mapping):
            self.set_value(self.spec.default)
        if self.group is not None and self.group.isCheckable():
            self.group.setChecked(self.spec.initially_set)

    def _clear(self) -> None:
        self.reset()

    # Private helpers

    def _add_row(self, spec: FieldSpec) -> None:
        editor = create_editor(spec)
        editor.edited.connect(self.edited)
        self._rows[spec.name] = _Row(spec, editor)
        if isinstance(editor, ObjectEditor):
            self._form.addRow(editor)
            return
        label = QLabel(spec.name + (_REQUIRED_MARK if spec.required else ""))
        # As tall as a one-line input and centred in that height: the label lines up with
        # line edits and with the first line of taller editors alike.
        label.setFixedHeight(self._line_height)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        label.setToolTip(field_tooltip(spec))
        editor.setToolTip(field_tooltip(spec))
        self._form.addRow(label, editor)

    def _set_row(self, name: str, value: Any) -> None:
        row = self._rows[name]
        try:
            row.editor.set_value(value)
        except ValueError:
            self._fall_back_to_json(name).set_value(value)

    def _fall_back_to_json(self, name: str) -> FieldEditor:
        """Edit field `name` as raw JSON from now on (its value did not fit its widgets)."""
        row = self._rows[name]
        spec = replace(row.spec, kind="json", fields=(), items=None)
        editor = create_editor(spec)
        editor.setToolTip(field_tooltip(spec))
        editor.edited.connect(self.edited)
        if isinstance(row.editor, ObjectEditor):  # it spanned both columns: give it a label
            position = self._row_number(row.editor)
            self._form.removeRow(position)
            label = QLabel(name)
            label.setFixedHeight(self._line_height)
            self._form.insertRow(position, label, editor)
        else:
            self._form.replaceWidget(row.editor, editor)
            row.editor.deleteLater()
        self._rows[name] = _Row(spec, editor)
        return editor

    def _row_number(self, widget: QWidget) -> int:
        for number in range(self._form.rowCount()):
            item = self._form.itemAt(number, QFormLayout.ItemRole.SpanningRole)
            if item is not None and item.widget() is widget:
                return number
        raise LookupError(widget)


def create_editor(spec: FieldSpec) -> FieldEditor:
    """The editor for any field spec, reset to the schema's default."""
    editor: FieldEditor
    if spec.kind == "object":
        editor = ObjectEditor(spec)
    else:
        if spec.kind == "array":
            editor = ArrayEditor(spec)
        elif spec.kind == "messages":
            editor = MessageListEditor(spec)
        else:
            editor = create_scalar_editor(spec)
        if spec.optional:
            editor = OptionalEditor(editor)
    editor.reset()
    return editor


def field_tooltip(spec: FieldSpec) -> str:
    """Description, type and whether the field is required, for labels and editors."""
    parts = [spec.description.strip(), f"Type: {spec.type_label()}"]
    if spec.required:
        parts.append("Required")
    return "\n\n".join(part for part in parts if part)
