"""Chat messages of the run as they stream, token by token: text, tool calls and tool
results, in a transcript that starts afresh with every run."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.client.api import StreamEvent
from studio.ui.widgets.transcript import Transcript


def message_chunks(events: list[StreamEvent]) -> list[tuple[dict[str, object], str]]:
    """The (message, node) pairs of a batch's `messages` events."""
    chunks = []
    for event in events:
        if event.event == "messages" and isinstance(event.data, list) and len(event.data) == 2:
            message, metadata = event.data
            if isinstance(message, dict):
                node = metadata.get("langgraph_node", "") if isinstance(metadata, dict) else ""
                chunks.append((message, str(node)))
    return chunks


class MessagesPanel(QWidget):
    """The run's messages: streamed tokens, tool calls and tool results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = Transcript()
        self.view.setPlaceholderText("Messages streamed by chat models appear here.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)

    def clear(self) -> None:
        self.view.clear()

    def add_events(self, events: list[StreamEvent]) -> None:
        for message, node in message_chunks(events):
            self.view.add_chunk(message, node)

    @property
    def transcript(self) -> str:
        return self.view.text
