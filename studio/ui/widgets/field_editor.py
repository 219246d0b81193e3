"""The contract every form field editor keeps, and the "set" box of optional fields.

Every editor has the same three-method contract (`value`, `set_value`, `reset`) and one
`edited` signal, so the object editor can treat them alike. `set_value` raises `ValueError`
for a value the widget cannot show faithfully (a string in a number field, a value outside an
enum), and the form then swaps that field to a JSON editor rather than silently changing it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from studio.ui.widgets.schema_spec import FieldSpec


class FieldEditor(QWidget):
    """Base of all field editors: a widget that holds one JSON value of a known kind."""

    edited = Signal()
    """The value changed (by the user, or by `set_value`/`reset`)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)

    def value(self) -> Any:
        """The current value, as JSON-ready Python data."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show `value`.

        Raises:
            ValueError: The editor cannot represent `value` exactly.
        """
        raise NotImplementedError

    def is_set(self) -> bool:
        """Whether the field belongs in the value (False for an unchecked optional field)."""
        return True

    def reset(self) -> None:
        """Back to the schema's default (or an empty value when there is none)."""
        if self.spec.has_default and self.spec.default is not None:
            try:
                self.set_value(self.spec.default)
                return
            except ValueError:
                pass  # a default the widget cannot show: fall back to empty
        self._clear()

    def _clear(self) -> None:
        """Show the kind's empty value."""
        raise NotImplementedError


class OptionalEditor(FieldEditor):
    """A "set" check box in front of another editor: unchecked means null or left out."""

    def __init__(self, inner: FieldEditor, parent: QWidget | None = None) -> None:
        super().__init__(inner.spec, parent)
        self.inner = inner
        self.set_box = QCheckBox("set")
        self.set_box.setToolTip("Include this field; unchecked, it is left out (or null).")
        # Level with a one-line input, and at the top of taller editors (JSON, lists).
        self.set_box.setMinimumHeight(QLineEdit().sizeHint().height())
        self._layout.addWidget(self.set_box, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(inner, 1)
        self.set_box.toggled.connect(self._on_toggled)
        inner.edited.connect(self.edited)
        inner.setEnabled(False)

    def is_set(self) -> bool:
        """Whether the field is included in the form's value."""
        return self.set_box.isChecked()

    def value(self) -> Any:
        return self.inner.value() if self.is_set() else None

    def set_value(self, value: Any) -> None:
        if value is None:
            self.set_box.setChecked(False)
            return
        self.inner.set_value(value)
        self.set_box.setChecked(True)

    def reset(self) -> None:
        self.inner.reset()
        self.set_box.setChecked(self.spec.initially_set)

    def _clear(self) -> None:
        self.set_box.setChecked(False)

    def _on_toggled(self, checked: bool) -> None:
        self.inner.setEnabled(checked)
        self.edited.emit()


def text_height(edit: QPlainTextEdit, lines: int) -> int:
    """Pixel height that shows `lines` lines of `edit` without a scroll bar."""
    margins = edit.contentsMargins()
    return (
        lines * edit.fontMetrics().lineSpacing()
        + round(2 * edit.document().documentMargin())
        + margins.top()
        + margins.bottom()
        + 2
    )
