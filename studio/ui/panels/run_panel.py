"""The input of the next run (a form from the graph's input schema, or raw JSON), the stream
modes to watch, and Run / Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import GraphSchema
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.problem_label import ProblemLabel
from studio.ui.widgets.schema_form import SchemaForm

STREAM_MODES = (
    "values",
    "updates",
    "messages-tuple",
    "custom",
    "tasks",
    "checkpoints",
    "debug",
    "events",
)
DEFAULT_MODES = ("updates", "messages-tuple", "custom")
FORM_TAB, JSON_TAB = 0, 1


class RunPanel(QWidget):
    """Collects a valid input and the modes, and asks for a run."""

    run_requested = Signal(object, list)
    """The user asked to run with this input and these stream modes."""
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = SchemaForm()
        self.json = JsonEditor()
        self.json.validity_changed.connect(self._on_validity)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, "Form")
        self.tabs.addTab(self.json, "JSON")
        self.tabs.currentChanged.connect(self._on_tab)
        self.problem = ProblemLabel()
        self.modes: dict[str, QCheckBox] = {}
        modes_box = QGroupBox("Stream modes")
        grid = QGridLayout(modes_box)
        for i, mode in enumerate(STREAM_MODES):
            box = QCheckBox(mode)
            box.setChecked(mode in DEFAULT_MODES)
            self.modes[mode] = box
            grid.addWidget(box, i // 2, i % 2)
        self.run_button = QPushButton("Run")
        self.run_button.setProperty("primary", True)
        self.run_button.setToolTip("Run the graph (Ctrl+Enter)")
        self.run_button.clicked.connect(self.request_run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Cancel the run (Ctrl+.)")
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(modes_box)
        layout.addLayout(buttons)

    def set_schemas(self, schemas: GraphSchema | None) -> None:
        schema = schemas.get("input_schema") if schemas else None
        self.form.set_schema(schema)
        self.json.set_value(self.form.value())
        self.tabs.setCurrentIndex(FORM_TAB if schema else JSON_TAB)

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def selected_modes(self) -> list[str]:
        return [mode for mode, box in self.modes.items() if box.isChecked()]

    def current_input(self) -> Any:
        """The input in the visible tab; raises JsonError when the JSON does not parse."""
        if self.tabs.currentIndex() == FORM_TAB:
            return self.form.value()
        return self.json.value()

    def request_run(self) -> None:
        if not self.run_button.isEnabled():
            return
        try:
            graph_input = self.current_input()
        except JsonError as exc:
            self.problem.show_problem(f"The input is not valid JSON: {exc}")
            return
        self.problem.show_problem("")
        self.run_requested.emit(graph_input, self.selected_modes())

    def _on_tab(self, index: int) -> None:
        if index == JSON_TAB:
            self.json.set_value(self.form.value())
        elif self.json.is_valid():
            value = self.json.value()
            if isinstance(value, dict):
                self.form.set_value(value)

    def _on_validity(self, valid: bool, message: str) -> None:
        self.problem.show_problem("" if valid else message)
