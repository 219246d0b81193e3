"""Editors for scalar fields (string, integer, number, boolean, enum, const) and raw JSON.

One small widget per kind, each keeping the `FieldEditor` contract; `create_scalar_editor`
picks one from a spec. JSON is the fallback for every shape the form has no widgets for.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from studio.ui.widgets.field_editor import FieldEditor, text_height
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import dump_compact
from studio.ui.widgets.schema_spec import FieldSpec

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # QSpinBox holds a C int
_FLOAT_LIMIT = 1e15
_JSON_LINES = 5


class StringEditor(FieldEditor):
    """A line edit; with `examples` or a known `format`, an editable combo offering values."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        suggestions = [str(example) for example in spec.examples] + _suggest(spec.format)
        if suggestions:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(suggestions)
            combo.setCurrentIndex(-1)  # offered, not chosen
            line = combo.lineEdit()
            assert line is not None  # editable combos always have one
            self._line = line
            self._layout.addWidget(combo)
        else:
            self._line = QLineEdit()
            self._layout.addWidget(self._line)
        if spec.format:
            self._line.setPlaceholderText(spec.format)
        self._line.textChanged.connect(self.edited)

    def value(self) -> str:
        return self._line.text()

    def set_value(self, value: Any) -> None:
        if not isinstance(value, str):
            raise ValueError(f"not a string: {value!r}")
        self._line.setText(value)

    def _clear(self) -> None:
        self._line.clear()


class IntegerEditor(FieldEditor):
    """A spin box bounded by the schema's minimum and maximum."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._spin = QSpinBox()
        low = _INT_MIN if spec.minimum is None else max(_INT_MIN, math.ceil(spec.minimum))
        high = _INT_MAX if spec.maximum is None else min(_INT_MAX, math.floor(spec.maximum))
        self._spin.setRange(low, high)
        self._layout.addWidget(self._spin)
        self._spin.valueChanged.connect(self.edited)

    def value(self) -> int:
        return self._spin.value()

    def set_value(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"not an integer: {value!r}")
        if not self._spin.minimum() <= value <= self._spin.maximum():
            raise ValueError(f"{value} is outside {self._spin.minimum()}..{self._spin.maximum()}")
        self._spin.setValue(value)

    def _clear(self) -> None:
        self._spin.setValue(max(self._spin.minimum(), min(0, self._spin.maximum())))


class _FloatSpinBox(QDoubleSpinBox):
    """A double spin box that shows `0.7` rather than `0.70000` and accepts `1e-3`."""

    def textFromValue(self, value: float) -> str:
        return repr(float(value)) if abs(value) >= 1e-4 or value == 0 else f"{value:g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        try:
            number = float(stripped)
        except ValueError:
            partial = stripped in ("", "-", "+", ".") or stripped[-1:] in ("e", "E", "-", "+")
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        inside = self.minimum() <= number <= self.maximum()
        state = QValidator.State.Acceptable if inside else QValidator.State.Intermediate
        return state, text, pos


class NumberEditor(FieldEditor):
    """A spin box for floats, bounded by the schema."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._spin = _FloatSpinBox()
        self._spin.setDecimals(12)
        low = -_FLOAT_LIMIT if spec.minimum is None else spec.minimum
        high = _FLOAT_LIMIT if spec.maximum is None else spec.maximum
        self._spin.setRange(low, high)
        self._spin.setSingleStep(0.1 if high - low <= 10 else 1.0)
        self._layout.addWidget(self._spin)
        self._spin.valueChanged.connect(self.edited)

    def value(self) -> float:
        return self._spin.value()

    def set_value(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"not a number: {value!r}")
        if not self._spin.minimum() <= value <= self._spin.maximum():
            raise ValueError(f"{value} is outside {self._spin.minimum()}..{self._spin.maximum()}")
        self._spin.setValue(float(value))

    def _clear(self) -> None:
        self._spin.setValue(max(self._spin.minimum(), min(0.0, self._spin.maximum())))


class BooleanEditor(FieldEditor):
    """A check box."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._check = QCheckBox()
        self._layout.addWidget(self._check)
        self._layout.addStretch(1)
        self._check.toggled.connect(self.edited)

    def value(self) -> bool:
        return self._check.isChecked()

    def set_value(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise ValueError(f"not a boolean: {value!r}")
        self._check.setChecked(value)

    def _clear(self) -> None:
        self._check.setChecked(False)


class EnumEditor(FieldEditor):
    """A combo box of the enum's values (a `Literal[...]` in the state class)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        for option in spec.enum:
            self.combo.addItem(option if isinstance(option, str) else dump_compact(option))
        self._layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(self.edited)

    def value(self) -> Any:
        index = self.combo.currentIndex()
        return self.spec.enum[index] if index >= 0 else None

    def set_value(self, value: Any) -> None:
        for index, option in enumerate(self.spec.enum):
            if option == value and type(option) is type(value):
                self.combo.setCurrentIndex(index)
                return
        raise ValueError(f"{value!r} is not one of {list(self.spec.enum)}")

    def _clear(self) -> None:
        self.combo.setCurrentIndex(0 if self.spec.enum else -1)


class ConstEditor(FieldEditor):
    """A fixed value, shown but not editable."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._const = spec.schema.get("const")
        label = QLabel(dump_compact(self._const))
        label.setEnabled(False)
        self._layout.addWidget(label)
        self._layout.addStretch(1)

    def value(self) -> Any:
        return self._const

    def set_value(self, value: Any) -> None:
        if value != self._const:
            raise ValueError(f"{value!r} is not the constant {self._const!r}")

    def _clear(self) -> None:
        pass


class JsonFieldEditor(FieldEditor):
    """Raw JSON for whatever the form cannot show as widgets (unions, dicts, object lists)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.editor = JsonEditor(line_numbers=False)
        self.editor.setFixedHeight(text_height(self.editor, _JSON_LINES))
        self._layout.addWidget(self.editor)
        self.editor.textChanged.connect(self.edited)

    def value(self) -> Any:
        """The parsed JSON; raises `JsonError` when the text is invalid."""
        return self.editor.value()

    def set_value(self, value: Any) -> None:
        self.editor.set_value(value)

    def reset(self) -> None:
        if self.spec.has_default:
            self.set_value(self.spec.default)
        else:
            self._clear()

    def _clear(self) -> None:
        kind = self.spec.schema.get("type")
        self.set_value({} if kind == "object" else [] if kind == "array" else None)


def _suggest(fmt: str | None) -> list[str]:
    """Ready-made values for common string formats, offered in the combo's list."""
    now = datetime.now(UTC).replace(microsecond=0)
    match fmt:
        case "date-time":
            return [now.isoformat().replace("+00:00", "Z")]
        case "date":
            return [now.date().isoformat()]
        case "time":
            return [now.time().isoformat()]
        case "uuid":
            return [str(uuid.uuid4())]
    return []


_SCALAR_EDITORS: dict[str, type[FieldEditor]] = {
    "string": StringEditor,
    "integer": IntegerEditor,
    "number": NumberEditor,
    "boolean": BooleanEditor,
    "enum": EnumEditor,
    "const": ConstEditor,
}


def create_scalar_editor(spec: FieldSpec) -> FieldEditor:
    """The editor for a scalar kind, or a JSON editor for anything else."""
    return _SCALAR_EDITORS.get(spec.kind, JsonFieldEditor)(spec)
