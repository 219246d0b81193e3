"""Edit the values at a checkpoint and fork: the edit becomes a new checkpoint beside it.

The edit is sent with `threads.update_state(values, as_node, checkpoint_id)`: LangGraph
applies it as if `as_node` had returned it (so its reducers run and `as_node`'s edges decide
what runs next), on top of the chosen checkpoint. Only the keys the user changed are sent,
since a reducer such as `operator.add` would otherwise append unchanged lists again.

Editors are filled only when the tab is shown: a 10 MB state is not pretty-printed into a
text box just because the user clicked through the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.ui.debugger.history import HistoryNode
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_summary import size_exceeds
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.node_choice import NodeChoice
from studio.ui.widgets.problem_label import ProblemLabel
from studio.ui.widgets.schema_form import SchemaForm

AUTOMATIC = "(automatic)"
ALL_VALUES = "(all values)"
FORM_BUDGET = 2000
"""Values with more parts than this are edited as JSON only (a form of 10,000 messages would
build 10,000 widgets)."""
FIELDS_TAB, JSON_TAB = 0, 1


def edited_keys(original: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of `edited` whose values differ from `original` (a key absent before and null
    now, as a form gives for unset fields, is not a change)."""
    return {
        key: value
        for key, value in edited.items()
        if (original[key] != value if key in original else value is not None)
    }


class StateEditor(QWidget):
    """Edits the values of one checkpoint, per field or as JSON, and asks for a fork."""

    fork_requested = Signal(str, dict, object)
    """Write these values (checkpoint id, changed keys, as_node or None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node: HistoryNode | None = None
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.as_node = NodeChoice(AUTOMATIC)
        self.as_node.setToolTip(
            "Apply the edit as if this node returned it: its reducers and edges decide the "
            "state and what runs next"
        )
        self.field = QComboBox()
        self.field.setToolTip("Edit one key's value, or all the values")
        self.field.setPlaceholderText("Choose the key to edit")
        self.field.currentTextChanged.connect(self._on_field)
        self.form = SchemaForm()
        self.json = JsonEditor()
        json_page = QWidget()
        json_layout = QVBoxLayout(json_page)
        json_layout.setContentsMargins(0, 4, 0, 0)
        json_layout.addWidget(self.field)
        json_layout.addWidget(self.json, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, "Fields")
        self.tabs.addTab(json_page, "JSON")
        self.problem = ProblemLabel()
        self.fork_button = QPushButton("Fork with these values")
        self.fork_button.setProperty("primary", True)
        self.fork_button.setToolTip("Write the edit as a new checkpoint branching off this one")
        self.fork_button.clicked.connect(self.request_fork)
        self.reset_button = QPushButton("Reset")
        self.reset_button.clicked.connect(self._load)
        options = QFormLayout()
        options.addRow("As node", self.as_node)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.fork_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.hint)
        layout.addLayout(options)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._schema: Mapping[str, Any] | None = None
        self._stale = True
        self.set_checkpoint(None)

    # --- public API ---------------------------------------------------------------------

    def set_schema(self, schema: Mapping[str, Any] | None) -> None:
        """The graph's state schema, for the per-field form."""
        self._schema = schema
        self._stale = True
        self._load_if_visible()

    def set_checkpoint(self, node: HistoryNode | None) -> None:
        self.node = node
        self._stale = True
        self.setEnabled(node is not None)
        if node is None:
            self.hint.setText("Select a checkpoint in the History panel to edit its values.")
            return
        self.hint.setText(
            f"Edit the values at step {node.step} and fork: the edit becomes a new checkpoint "
            "branching off this one, and the thread continues from it."
        )
        writers = node.writers()
        index = self.as_node.findText(writers[0]) if len(writers) == 1 else -1
        self.as_node.setCurrentIndex(max(index, 0))
        self._load_if_visible()

    def edited_values(self) -> dict[str, Any]:
        """The keys the user changed, with their new values.

        Raises:
            JsonError: The JSON being edited is invalid.
            ValueError: No key is chosen to edit.
        """
        assert self.node is not None
        original = self.node.values if isinstance(self.node.values, Mapping) else {}
        if self.tabs.currentIndex() == FIELDS_TAB and self.tabs.isTabEnabled(FIELDS_TAB):
            return edited_keys(original, self.form.value())
        field = self.field.currentText()
        if not field:
            raise ValueError("Choose the key to edit first.")
        value = self.json.value()
        if field != ALL_VALUES:
            return edited_keys(original, {field: value})
        if not isinstance(value, dict):
            raise JsonError(1, 1, "The values must be a JSON object")
        return edited_keys(original, value)

    def request_fork(self) -> None:
        if self.node is None:
            return
        self._load_if_visible(force=True)
        try:
            values = self.edited_values()
        except JsonError as exc:
            self.problem.show_problem(f"The values are not valid: {exc}")
            return
        except ValueError as exc:
            self.problem.show_problem(str(exc))
            return
        if not values:
            self.problem.show_problem("Nothing changed: edit a value first.")
            return
        self.problem.show_problem("")
        self.fork_requested.emit(self.node.checkpoint_id, values, self.as_node.choice())

    # --- Qt overrides -------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._load_if_visible()

    # --- private ------------------------------------------------------------------------

    def _load_if_visible(self, *, force: bool = False) -> None:
        if self._stale and (force or self.isVisible()):
            self._load()

    def _load(self) -> None:
        self._stale = False
        self.problem.show_problem("")
        values = self.node.values if self.node is not None else {}
        values = values if isinstance(values, Mapping) else {}
        small = not size_exceeds(values, FORM_BUDGET)
        usable = small and self._schema is not None
        self.tabs.setTabEnabled(FIELDS_TAB, usable)
        self.tabs.setTabToolTip(
            FIELDS_TAB,
            ""
            if usable
            else "This state is too large for a form: edit it as JSON"
            if not small
            else "The graph has no state schema: edit the values as JSON",
        )
        if usable:
            self.form.set_schema(self._schema)
            self.form.set_value(values)
        else:
            self.tabs.setCurrentIndex(JSON_TAB)
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems([ALL_VALUES, *(str(key) for key in values)])
        # A huge state is not pretty-printed unasked: the user picks the key to edit.
        self.field.setCurrentIndex(0 if small else -1)
        self.field.blockSignals(False)
        self._on_field(self.field.currentText())

    def _on_field(self, field: str) -> None:
        values = self.node.values if self.node is not None else {}
        if field == ALL_VALUES or not isinstance(values, Mapping):
            self.json.set_value(values)
        elif field:
            self.json.set_value(values.get(field))
        else:
            self.json.clear()
