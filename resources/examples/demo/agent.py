"""`agent`: a tool-calling chat agent that runs fully offline.

Why: it exercises the parts of a studio that matter most for real agents
(token streaming, tool calls, tool results, multi-turn threads) without any
API key or network access. The "LLM" is langchain_core's
`GenericFakeChatModel`, subclassed so that its reply is computed from the
conversation on every call instead of being popped from a finite iterator.

Try: {"messages": [{"role": "human", "content": "What's the weather in Paris?"}]}
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool, tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import Checkpointer
from pydantic import Field


@tool
def get_weather(city: str) -> str:
    """Return today's (fake, deterministic) weather for a city."""
    # A stable pseudo-random pick: `hash()` is salted per process, this is not.
    seed = sum(ord(c) for c in city.lower())
    sky = ["sunny", "cloudy", "rainy", "windy", "snowy"][seed % 5]
    celsius = 5 + seed % 25
    if os.environ.get("DEMO_TEMPERATURE_UNIT", "celsius").lower() == "fahrenheit":
        return f"It is {sky} in {city}, {round(celsius * 9 / 5 + 32)}°F."
    return f"It is {sky} in {city}, {celsius}°C."


TOOLS = [get_weather]

_CITY = re.compile(r"\b(?:in|for|at)\s+([A-Za-z][A-Za-z .'-]*?)\s*(?:[?.!,;]|$)", re.I)
_WEATHER_WORDS = ("weather", "forecast", "temperature", "rain", "sunny")


def plan_reply(messages: Sequence[BaseMessage]) -> AIMessage:
    """Decide the fake model's next message from the conversation so far.

    Pure and deterministic (apart from the tool-call id), so the model never
    runs out of answers however many runs or threads use it.
    """
    last = messages[-1] if messages else None
    if isinstance(last, ToolMessage):
        return AIMessage(
            content=f"Here is what I found: {last.content} "
            "Ask me about another city whenever you like."
        )
    text = last.text if isinstance(last, HumanMessage) else ""
    if any(word in text.lower() for word in _WEATHER_WORDS):
        matches = _CITY.findall(text)
        if matches:
            city = matches[-1].strip().title()
            return AIMessage(
                content=f"Let me look up the current weather in {city} for you.",
                tool_calls=[
                    {
                        "name": "get_weather",
                        "args": {"city": city},
                        "id": f"call_{uuid.uuid4().hex[:16]}",
                        "type": "tool_call",
                    }
                ],
            )
        return AIMessage(content="Which city would you like the weather for?")
    return AIMessage(
        content="I am an offline demo model with one tool. Ask me something "
        "like: What's the weather in Paris?"
    )


class DemoChatModel(GenericFakeChatModel):
    """`GenericFakeChatModel` that answers from the conversation, can stream
    tool calls, and accepts `bind_tools` (which the base class lacks)."""

    # The base class pops replies from this iterator; we compute them instead.
    messages: Iterator[AIMessage | str] = Field(default_factory=lambda: iter(()))

    def bind_tools(
        self, tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        # The replies are scripted, so the tool schemas are not needed.
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=plan_reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        # The base `_stream` streams the text word by word but drops
        # `tool_calls`; send them as a final `tool_call_chunks` chunk.
        reply = plan_reply(messages)
        pieces: list[AIMessageChunk] = [
            AIMessageChunk(content=token)
            for token in re.split(r"(\s)", str(reply.content))
            if token
        ]
        if reply.tool_calls:
            pieces.append(
                AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": call["name"],
                            "args": json.dumps(call["args"]),
                            "id": call["id"],
                            "index": i,
                            "type": "tool_call_chunk",
                        }
                        for i, call in enumerate(reply.tool_calls)
                    ],
                )
            )
        if not pieces:
            pieces.append(AIMessageChunk(content=""))
        pieces[-1].chunk_position = "last"
        for piece in pieces:
            chunk = ChatGenerationChunk(message=piece)
            if run_manager:
                run_manager.on_llm_new_token(piece.text, chunk=chunk)
            yield chunk


model = DemoChatModel().bind_tools(TOOLS)


def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
    """Ask the (fake) model for the next message."""
    return {"messages": [model.invoke(state["messages"])]}


def build_graph(
    checkpointer: Checkpointer = None,
) -> CompiledStateGraph[MessagesState, None, MessagesState, MessagesState]:
    """model -> (tools -> model)* -> end, the classic ReAct loop."""
    builder = StateGraph(MessagesState)
    builder.add_node("model", call_model)
    builder.add_node("tools", ToolNode(TOOLS))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition)
    builder.add_edge("tools", "model")
    return builder.compile(checkpointer=checkpointer, name="agent")


graph = build_graph()
