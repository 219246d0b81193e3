"""A small list editor for arrays of scalars (`list[str]`, `list[int]`, `list[Literal[...]]`).

Each item gets the same editor a scalar field of its type would get, so bounds and enums are
enforced per item. Arrays of objects or of mixed items are not handled here: the form edits
those as raw JSON, which is clearer than nested lists of group boxes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QToolButton, QVBoxLayout, QWidget

from studio.ui.widgets.field_editor import FieldEditor
from studio.ui.widgets.scalar_fields import create_scalar_editor
from studio.ui.widgets.schema_spec import FieldSpec


class ArrayEditor(FieldEditor):
    """Rows of item editors, each with a remove button, and an "Add item" button below."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        if spec.items is None:
            raise ValueError(f"array field {spec.name!r} has no item spec")
        self._item_spec = spec.items
        self._rows: list[tuple[QWidget, FieldEditor]] = []
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        column.addLayout(self._rows_layout)
        self.add_button = QPushButton("Add item")
        self.add_button.clicked.connect(self._on_add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self._layout.addLayout(column)

    # Public API

    def item_count(self) -> int:
        """How many items the list holds."""
        return len(self._rows)

    def item_editor(self, index: int) -> FieldEditor:
        """The editor of item `index`."""
        return self._rows[index][1]

    def add_item(self, value: Any = None) -> FieldEditor:
        """Append an item, showing `value` (or the item type's empty value when None)."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        editor = create_scalar_editor(self._item_spec)
        if value is None:
            editor.reset()
        else:
            editor.set_value(value)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this item")
        remove.clicked.connect(lambda: self.remove_item(self._row_of(row)))
        layout.addWidget(editor, 1)
        layout.addWidget(remove)
        editor.edited.connect(self.edited)
        self._rows.append((row, editor))
        self._rows_layout.addWidget(row)
        self.edited.emit()
        return editor

    def remove_item(self, index: int) -> None:
        """Remove item `index`."""
        row, _editor = self._rows.pop(index)
        self._rows_layout.removeWidget(row)
        row.deleteLater()
        self.edited.emit()

    # FieldEditor

    def value(self) -> list[Any]:
        return [editor.value() for _row, editor in self._rows]

    def set_value(self, value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise ValueError(f"not a list: {value!r}")
        self._clear()
        for item in value:
            if item is None:
                raise ValueError("null items need the JSON editor")
            self.add_item(item)

    def _clear(self) -> None:
        while self._rows:
            self.remove_item(len(self._rows) - 1)

    # Private

    def _on_add_clicked(self) -> None:
        self.add_item()

    def _row_of(self, row: QWidget) -> int:
        return next(i for i, (widget, _editor) in enumerate(self._rows) if widget is row)
