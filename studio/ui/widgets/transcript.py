"""Chat messages as a person reads them: who speaks, what they say, the tools they call and
what the tools answer, streamed token by token.

A transcript starts from a thread's messages (`set_messages`) and grows with a run's
`messages` stream (`add_chunk`). Chunks of the message being written are appended in place;
only a chunk of an earlier message (parallel nodes) rebuilds the text, so long answers stream
cheaply. The Messages panel shows a run's stream in one; the Chat panel a whole thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

from studio.ui import theme
from studio.ui.widgets.conversation_view import ROLE_COLORS
from studio.ui.widgets.json_summary import content_text, message_role
from studio.ui.widgets.json_text import dump_compact


@dataclass
class _Message:
    key: str
    role: str
    node: str
    text: str
    calls: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.role} · {self.node}" if self.node else self.role


def _calls(message: Mapping[str, Any]) -> list[str]:
    """The tool calls a message makes, one readable line each (unnamed chunks of a call's
    arguments are left out: the finished message shows the call whole)."""
    calls = message.get("tool_calls")
    if not isinstance(calls, Sequence):
        return []
    return [
        f"→ {call['name']}({dump_compact(call.get('args', {}))})"
        for call in calls
        if isinstance(call, Mapping) and call.get("name")
    ]


class Transcript(QTextEdit):
    """Read-only, formatted, follows the newest text unless the user scrolls away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self._messages: list[_Message] = []

    # --- public API ---------------------------------------------------------------------

    def clear(self) -> None:
        self._messages.clear()
        super().clear()

    def set_messages(self, messages: Sequence[Mapping[str, Any]]) -> None:
        """Show these (whole) messages, replacing what is shown."""
        self._messages = [self._message(m, "", str(i)) for i, m in enumerate(messages)]
        self._render()

    def add_message(self, message: Mapping[str, Any], node: str = "") -> None:
        """Append a whole message (e.g. the user's own, before the run echoes it)."""
        self._messages.append(self._message(message, node, f"local-{len(self._messages)}"))
        self._write(self._messages[-1], new=len(self._messages) > 1)

    def add_chunk(self, message: Mapping[str, Any], node: str) -> None:
        """Add a streamed piece of a message: more text of the message being written, or the
        start of a new one."""
        key = str(message.get("id") or f"chunk-{len(self._messages)}")
        text = content_text(message.get("content"))
        calls = _calls(message)
        current = self._messages[-1] if self._messages else None
        if current is not None and current.key == key:
            current.text += text
            current.calls += calls
            self._append(text, self._body_format())
            for call in calls:
                self._append("\n" + call, self._call_format())
            return
        earlier = next((m for m in self._messages if m.key == key), None)
        if earlier is not None:
            earlier.text += text
            earlier.calls += calls
            self._render()
            return
        created = self._message(message, node, key)
        self._messages.append(created)
        self._write(created, new=len(self._messages) > 1)

    @property
    def text(self) -> str:
        return self.toPlainText()

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._messages:
            self._render()  # the colours are the theme's: a new theme writes them anew

    # --- private ------------------------------------------------------------------------

    @staticmethod
    def _message(message: Mapping[str, Any], node: str, key: str) -> _Message:
        role = message_role(message) or str(message.get("type") or "message")
        if role == "tool" and message.get("name"):
            node = str(message["name"])
        return _Message(
            str(message.get("id") or key),
            role,
            node,
            content_text(message.get("content")),
            _calls(message),
        )

    def _render(self) -> None:
        super().clear()
        for i, message in enumerate(self._messages):
            self._write(message, new=i > 0)

    def _write(self, message: _Message, *, new: bool) -> None:
        title = QTextCharFormat()
        title.setFontWeight(QFont.Weight.Bold)
        title.setForeground(theme.current().color(ROLE_COLORS.get(message.role, "text")))
        self._append(("\n\n" if new else "") + message.title + "\n", title)
        self._append(message.text, self._body_format())
        for call in message.calls:
            self._append("\n" + call, self._call_format())

    def _append(self, text: str, char_format: QTextCharFormat) -> None:
        if not text:
            return
        scrollbar = self.verticalScrollBar()
        following = scrollbar.value() >= scrollbar.maximum() - 4
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text, char_format)
        if following:
            scrollbar.setValue(scrollbar.maximum())

    @staticmethod
    def _body_format() -> QTextCharFormat:
        body = QTextCharFormat()
        body.setForeground(theme.current().color("text"))
        return body

    @staticmethod
    def _call_format() -> QTextCharFormat:
        call = QTextCharFormat()
        call.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        call.setForeground(theme.current().color("muted"))
        return call
