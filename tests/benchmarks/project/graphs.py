"""The benchmark project: four small graphs that isolate one cost of a server each.

- `one_node`: one async node; `count` adds up, so a run executed twice on a thread shows.
- `events`: emits `n` custom events (from the input) through the stream writer.
- `chat`: an offline streamed chat model (langchain_core's GenericFakeChatModel).
- `loop`: one node that loops `target` times: a thread with `target + 2` checkpoints in one run.
- `sleeper`: sleeps `seconds`, to hold every worker while a backlog of runs is queued.
"""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph

REPLY = (
    "Benchmarks measure what a server adds on top of the graph: queueing, persistence, "
    "serialization and streaming. This reply is streamed one word at a time."
)


class OneNodeState(TypedDict, total=False):
    i: int
    count: Annotated[int, operator.add]
    echo: int


async def answer(state: OneNodeState) -> dict[str, Any]:
    return {"count": 1, "echo": state.get("i", 0)}


one_node = StateGraph(OneNodeState).add_node(answer).add_edge(START, "answer").compile()


class EventsState(TypedDict, total=False):
    n: int
    per_second: int
    emitted: int


async def emit(state: EventsState) -> dict[str, Any]:
    """`n` custom events, as fast as possible, or paced at `per_second` (in 10 ms bursts)."""
    writer = get_stream_writer()
    n = state.get("n", 0)
    per_tick = max(1, state.get("per_second", 0) // 100)
    for i in range(n):
        writer({"i": i})
        if state.get("per_second") and i % per_tick == per_tick - 1:
            await asyncio.sleep(0.01)
        elif i % 50 == 49:
            await asyncio.sleep(0)  # a producer that lets the server ship what it has so far
    return {"emitted": n}


events = StateGraph(EventsState).add_node(emit).add_edge(START, "emit").compile()


async def respond(state: MessagesState) -> dict[str, Any]:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=REPLY)]))
    return {"messages": [await model.ainvoke(state["messages"])]}


chat = StateGraph(MessagesState).add_node(respond).add_edge(START, "respond").compile()


class LoopState(TypedDict, total=False):
    n: int
    target: int


async def tick(state: LoopState) -> dict[str, Any]:
    return {"n": state.get("n", 0) + 1}


def again(state: LoopState) -> str:
    return "tick" if state.get("n", 0) < state.get("target", 0) else END


loop = (
    StateGraph(LoopState)
    .add_node(tick)
    .add_edge(START, "tick")
    .add_conditional_edges("tick", again, ["tick", END])
    .compile()
)


class SleeperState(TypedDict, total=False):
    seconds: float


async def nap(state: SleeperState) -> dict[str, Any]:
    await asyncio.sleep(state.get("seconds", 0.0))
    return {}


sleeper = StateGraph(SleeperState).add_node(nap).add_edge(START, "nap").compile()
