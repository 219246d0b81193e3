"""Chat mode: type a message, watch the fake model's tokens stream in, see its tool call and
the tool's result, carry on on the same thread, and answer an interrupt inline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from studio.client.api import StreamEvent
from studio.launcher import StudioController
from studio.ui.panels.chat_panel import NO_MESSAGES
from tests.support.qt import next_emission
from tests.support.server import FIXTURE_PROJECT
from tests.ui.studio_support import DEMO, open_project, select_graph

CHAT_PROJECT = DEMO.parents[2] / "tests" / "ui" / "projects" / "chat"


async def test_chat_streams_tokens_tool_calls_and_results(
    controller: StudioController, qtbot: QtBot
) -> None:
    window = controller.window
    session = await open_project(controller, DEMO)
    chat = window.chat_panel
    assert chat.input.isEnabled(), "the agent's state has messages"
    window.commands["chat"].trigger()
    assert window.docks["chat"].isVisible()

    tokens: list[str] = []

    def watch(events: list[StreamEvent]) -> None:
        for event in events:
            if event.event == "messages" and event.data[0].get("type") == "AIMessageChunk":
                tokens.append(str(event.data[0].get("content")))

    session.events_arrived.connect(watch)
    ended = next_emission(session.run_ended)
    qtbot.keyClicks(chat.input, "What's the weather in Paris?")
    qtbot.keyClick(chat.input, Qt.Key.Key_Return)
    assert chat.input.toPlainText() == "", "Enter sends"
    assert "What's the weather in Paris?" in chat.transcript.text, "shown before the reply"
    assert (await ended) == ["success"]
    session.events_arrived.disconnect(watch)

    assert tokens.count(" ") > 5, "the reply came token by token"
    assert "".join(tokens).startswith("Let me look up the current weather in Paris")
    text = chat.transcript.text
    assert '→ get_weather({"city": "Paris"})' in text
    assert "tool · get_weather" in text
    assert "It is" in text
    assert "Here is what I found" in text

    ended = next_emission(session.run_ended)
    chat.input.setPlainText("And the weather in Oslo?")
    chat.send()
    assert (await ended) == ["success"]
    text = chat.transcript.text
    assert text.count("human") == 2, "the second turn continues the same thread"
    assert "What's the weather in Paris?" in text
    assert "Oslo" in text.split("And the weather in Oslo?", 1)[1]


async def test_an_interrupt_is_answered_in_the_chat(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, CHAT_PROJECT)
    chat = window.chat_panel
    ended = next_emission(session.run_ended)
    chat.input.setPlainText("Please order a pizza")
    chat.send()
    assert (await ended) == ["interrupted"]
    (card,) = chat.cards
    assert card.value_view is not None
    assert "Place the order?" in card.value_view.toPlainText()
    assert chat.send_button.text() == "Answer"

    ended = next_emission(session.run_ended)
    chat.input.setPlainText("yes")
    chat.send()
    assert (await ended) == ["success"]
    assert chat.cards == []
    assert chat.transcript.text.rstrip().endswith("Your order is placed.")


async def test_a_graph_without_messages_has_no_chat(controller: StudioController) -> None:
    window = controller.window
    session = await open_project(controller, FIXTURE_PROJECT)
    await select_graph(session, window, "fail")
    chat = window.chat_panel
    assert not chat.input.isEnabled()
    assert chat.unavailable.text() == NO_MESSAGES
