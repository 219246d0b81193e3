"""Chat messages of the run as they stream, token by token.

Chunks of the message being written are appended in place; only when a chunk belongs to an
earlier message (parallel nodes) is the text rebuilt, so long answers stream cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from studio.client.api import StreamEvent

ROLES = {"AIMessageChunk": "ai", "AIMessage": "ai", "ai": "ai", "tool": "tool", "human": "human"}


@dataclass
class _Message:
    key: str
    role: str
    node: str
    text: str

    def header(self) -> str:
        where = f" · {self.node}" if self.node else ""
        return f"[{self.role}{where}]\n"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        )
    return "" if content is None else str(content)


class MessagesPanel(QWidget):
    """The run's messages: streamed tokens, tool calls and tool results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setPlaceholderText("Messages streamed by chat models appear here.")
        self.view.setFont(QFont("monospace"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)
        self._messages: list[_Message] = []

    def clear(self) -> None:
        self._messages.clear()
        self.view.clear()

    def add_events(self, events: list[StreamEvent]) -> None:
        for event in events:
            if event.event == "messages" and isinstance(event.data, list) and len(event.data) == 2:
                message, metadata = event.data
                if isinstance(message, dict):
                    node = metadata.get("langgraph_node", "") if isinstance(metadata, dict) else ""
                    self._add_chunk(message, str(node))

    @property
    def transcript(self) -> str:
        return self.view.toPlainText()

    def _add_chunk(self, message: dict[str, Any], node: str) -> None:
        key = str(message.get("id") or len(self._messages))
        text = _text(message.get("content"))
        for call in message.get("tool_calls") or []:
            text += f"\n→ {call.get('name')}({call.get('args')})"
        current = self._messages[-1] if self._messages else None
        if current is not None and current.key == key:
            current.text += text
            self._append(text)
            return
        earlier = next((m for m in self._messages if m.key == key), None)
        if earlier is not None:
            earlier.text += text
            self._render()
            return
        role = ROLES.get(str(message.get("type")), str(message.get("type") or "message"))
        created = _Message(key, role, node, text)
        self._messages.append(created)
        self._append(("\n\n" if len(self._messages) > 1 else "") + created.header() + text)

    def _append(self, text: str) -> None:
        cursor = self.view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.view.ensureCursorVisible()

    def _render(self) -> None:
        self.view.setPlainText("\n\n".join(m.header() + m.text for m in self._messages))
