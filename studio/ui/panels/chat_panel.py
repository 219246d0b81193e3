"""Chat mode: talk to a graph whose state has `messages`, as its users will.

The thread in view reads as a conversation; a message typed here becomes a run's input
(`{"messages": [{"role": "human", ...}]}`) on that thread, and the reply streams in token by
token, tool calls and tool results included. When the graph stops on `interrupt()`, the
question shows inline with its answer controls (the Interrupts panel's cards) and the next
message typed answers it. Runs go through the session like any other, so the graph view,
events, timeline and history follow a chat as they follow a run.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.client.api import StreamEvent
from studio.protocol.schema import GraphSchema, ThreadState
from studio.ui.debugger.hitl import resume_value
from studio.ui.panels.interrupt_card import InterruptCard
from studio.ui.panels.messages_panel import message_chunks
from studio.ui.widgets.conversation_view import conversation
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.problem_label import ProblemLabel
from studio.ui.widgets.transcript import Transcript

INPUT_HEIGHT = 72
NO_MESSAGES = (
    "Chat needs a graph whose state has a `messages` list (e.g. langgraph's MessagesState). "
    "Use the Run panel for this one."
)


def has_messages(schemas: GraphSchema | None) -> bool:
    """Whether the graph's state (or input) schema has a `messages` field."""
    found: dict[str, Any] = dict(schemas or {})
    for key in ("state_schema", "input_schema"):
        schema = found.get(key)
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(properties, dict) and "messages" in properties:
            return True
    return False


class ChatPanel(QWidget):
    """The conversation of the thread in view, pending interrupts, and the message box."""

    send_requested = Signal(object)
    """The user sent a message: run with this input."""
    resume_requested = Signal(object)
    """The user answered the pending interrupts: resume with this command."""
    cancel_requested = Signal()
    new_chat_requested = Signal()
    """The user wants a fresh conversation (a new thread)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unavailable = QLabel(NO_MESSAGES)
        self.unavailable.setWordWrap(True)
        self.unavailable.setProperty("role", "hint")
        self.transcript = Transcript()
        self.transcript.setPlaceholderText("Say something to the graph below.")
        self.cards: list[InterruptCard] = []
        self._cards = QVBoxLayout()
        self._cards.setContentsMargins(0, 0, 0, 0)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Resume with the answers above")
        self.resume_button.clicked.connect(self._on_resume)
        self.resume_button.hide()
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Message (Enter sends, Shift+Enter starts a new line)")
        self.input.setFixedHeight(INPUT_HEIGHT)
        self.input.installEventFilter(self)
        self.problem = ProblemLabel()
        self.send_button = QPushButton("Send")
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Cancel the run (Ctrl+.)")
        self.stop_button.clicked.connect(self.cancel_requested)
        self.stop_button.setEnabled(False)
        new_chat = QPushButton("New Chat")
        new_chat.setToolTip("Start a new thread")
        new_chat.clicked.connect(self.new_chat_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(new_chat)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.unavailable)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(self._cards)
        layout.addWidget(self.resume_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.input)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._running = False
        self.set_available(False)

    # --- public API ---------------------------------------------------------------------

    def set_available(self, available: bool) -> None:
        """Whether the graph in view has messages to chat with."""
        self.unavailable.setVisible(not available)
        for widget in (self.transcript, self.input, self.send_button):
            widget.setEnabled(available)

    def show_state(self, state: ThreadState | None) -> None:
        """The thread's conversation, and the interrupts it waits on."""
        values = state.get("values") if state else None
        self.transcript.set_messages(conversation(values) or [])
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        for task in (state.get("tasks") or []) if state else []:
            for interrupt in task.get("interrupts") or []:
                card = InterruptCard(interrupt, str(task.get("name", "")))
                self.cards.append(card)
                self._cards.addWidget(card)
        self.resume_button.setVisible(bool(self.cards))
        self._update_buttons()

    def add_events(self, events: list[StreamEvent]) -> None:
        for message, node in message_chunks(events):
            self.transcript.add_chunk(message, node)

    def set_running(self, running: bool) -> None:
        self._running = running
        self._update_buttons()

    def send(self) -> None:
        """Send the typed message: as a new turn, or as the answer to a pending interrupt."""
        text = self.input.toPlainText().strip()
        if not text or self._running or not self.send_button.isEnabled():
            return
        if self.cards:
            if len(self.cards) > 1 or self.cards[0].review is not None:
                self.problem.show_problem("Answer each interrupt above, then Resume.")
                return
            self.cards[0].set_answer(text)
            self._on_resume()
            return
        self.problem.show_problem("")
        self.input.clear()
        self.transcript.add_message({"type": "human", "content": text})
        self.send_requested.emit({"messages": [{"role": "human", "content": text}]})

    # --- Qt overrides -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.input
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.send()
            return True
        return False

    # --- private ------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        self.stop_button.setEnabled(self._running)
        self.resume_button.setEnabled(not self._running)
        self.send_button.setText("Answer" if self.cards else "Send")

    def _on_resume(self) -> None:
        try:
            answers: dict[str, Any] = {card.interrupt_id: card.value() for card in self.cards}
        except JsonError as exc:
            self.problem.show_problem(str(exc))
            return
        self.problem.show_problem("")
        self.input.clear()
        self.resume_requested.emit({"resume": resume_value(answers)})
