"""Why the thread waits, and how to go on: answer its interrupts, or step past a breakpoint.

A run paused on `interrupt()` lists each pending interrupt (its node, id and value) with an
answer editor; resuming sends `Command(resume=...)`: the answer itself, or a map of
interrupt id to answer when several wait. A run paused at a breakpoint continues with no
input. Either way the command may also carry an `update` of the state and a `goto`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.protocol.schema import ThreadState
from studio.ui.debugger.hitl import resume_value
from studio.ui.panels.interrupt_card import InterruptCard
from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.node_choice import NodeChoice
from studio.ui.widgets.problem_label import ProblemLabel

NO_GOTO = "(none)"
UPDATE_HEIGHT = 90


class InterruptsPanel(QWidget):
    """Pending interrupts of the thread's head, and Resume / Step."""

    resume_requested = Signal(object, bool)
    """Continue the thread with this command (a dict, or None) and pause at the next node
    (True) or only at breakpoints (False)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.cards: list[InterruptCard] = []
        self._cards_box = QWidget()
        self._cards_layout = QVBoxLayout(self._cards_box)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._cards_box)
        self.command_box = QCheckBox("Also send a command (update, goto)")
        self.command_box.setToolTip("Command(update=..., goto=...) along with the answer")
        self.update_editor = JsonEditor(line_numbers=False, optional=True)
        self.update_editor.setPlaceholderText('{"key": "new value"}')
        self.update_editor.setMaximumHeight(UPDATE_HEIGHT)
        self.goto = NodeChoice(NO_GOTO)
        self.goto.setEditable(True)
        command_fields = QWidget()
        form = QFormLayout(command_fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("update", self.update_editor)
        form.addRow("goto", self.goto)
        command_fields.setVisible(False)  # folded until the box is ticked
        self.command_box.toggled.connect(command_fields.setVisible)
        self.problem = ProblemLabel()
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Run the next node, then pause again (F10)")
        self.step_button.clicked.connect(lambda: self.request_resume(step=True))
        self.resume_button = QPushButton("Resume")
        self.resume_button.setProperty("primary", True)
        self.resume_button.setToolTip(
            "Resume with the answers, or continue past the breakpoint (F8)"
        )
        self.resume_button.clicked.connect(lambda: self.request_resume(step=False))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.step_button)
        buttons.addWidget(self.resume_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.command_box)
        layout.addWidget(command_fields)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._next: list[str] = []
        self.show_state(None)

    # --- public API ---------------------------------------------------------------------

    def show_state(self, state: ThreadState | None) -> None:
        """Show what the thread's head waits for (nothing, a breakpoint, or interrupts)."""
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        self.problem.show_problem("")
        self._next = list(state.get("next") or []) if state else []
        for task in (state.get("tasks") or []) if state else []:
            for interrupt in task.get("interrupts") or []:
                card = InterruptCard(interrupt, str(task.get("name", "")))
                self.cards.append(card)
                self._cards_layout.insertWidget(self._cards_layout.count() - 1, card)
        waiting = bool(self._next)
        if self.cards:
            count = len(self.cards)
            self.status.setText(
                f"Waiting for input: {count} interrupt{'s' if count > 1 else ''} before "
                f"{', '.join(self._next)}. Answer and resume."
            )
            self.resume_button.setText("Resume")
        elif waiting:
            self.status.setText(
                f"Paused before {', '.join(self._next)}. Continue, or step one node at a time."
            )
            self.resume_button.setText("Continue")
        else:
            self.status.setText("Nothing to resume: the thread is not paused.")
            self.resume_button.setText("Resume")
        self.set_running(False)

    def set_running(self, running: bool) -> None:
        waiting = bool(self._next) and not running
        for widget in (self.resume_button, self.step_button, self.command_box):
            widget.setEnabled(waiting)

    def command(self) -> dict[str, Any] | None:
        """The command to continue with (None: continue without one).

        Raises:
            JsonError: An answer or the update is not valid JSON.
        """
        command: dict[str, Any] = {}
        if self.cards:
            answers = {card.interrupt_id: card.value() for card in self.cards}
            command["resume"] = resume_value(answers)
        if self.command_box.isChecked():
            try:
                update = self.update_editor.value()
            except JsonError as exc:
                raise exc.in_field("update") from None
            if update is not None and not isinstance(update, dict):
                raise JsonError(1, 1, "The update must be a JSON object", "update")
            if update:
                command["update"] = update
            goto = self.goto.choice()
            if goto is not None:
                command["goto"] = goto
        return command or None

    def request_resume(self, *, step: bool = False) -> None:
        if not self.resume_button.isEnabled():
            return
        try:
            command = self.command()
        except JsonError as exc:
            self.problem.show_problem(str(exc))
            return
        self.problem.show_problem("")
        self.resume_requested.emit(command, step)

    # --- private ------------------------------------------------------------------------
