"""`concierge`: a chat graph that asks before it acts, for chat mode's inline interrupts.

A message about an order pauses on `interrupt()` with a yes/no question; the answer decides
the reply. Anything else gets a greeting.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


def reply(state: MessagesState) -> dict[str, list[AIMessage]]:
    last = str(state["messages"][-1].content)
    if "order" not in last.lower():
        return {"messages": [AIMessage("Hello! Ask me to place an order.")]}
    answer = interrupt({"question": "Place the order?", "options": ["yes", "no"]})
    done = "placed" if answer == "yes" else "cancelled"
    return {"messages": [AIMessage(f"Your order is {done}.")]}


builder = StateGraph(MessagesState)
builder.add_node("reply", reply)
builder.add_edge(START, "reply")
graph = builder.compile()
