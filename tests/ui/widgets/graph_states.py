"""Real LangGraph state classes, compiled, so the form is tested on the schemas it will meet."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from langchain_core.messages import AnyMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class Address(BaseModel):
    street: str = Field(description="Street and number")
    zip: int = 0


class Step(BaseModel):
    name: str
    done: bool = False


class Tree(BaseModel):
    label: str
    child: Tree | None = None


class ResearchState(BaseModel):
    """A pydantic state with every kind of field the form knows."""

    messages: Annotated[list[AnyMessage], add_messages] = []
    mode: Literal["fast", "thorough"] = "fast"
    max_steps: int = Field(default=5, ge=1, le=50, description="Upper bound on tool calls")
    temperature: float | None = None
    address: Address | None = None
    tags: list[str] = []
    verbose: bool = False
    metadata: dict[str, Any] = {}
    plan: list[Step] = []
    tree: Tree | None = None
    answer: str | int | None = None


class ChatState(TypedDict):
    """A TypedDict state: required keys, no defaults."""

    messages: Annotated[list[AnyMessage], add_messages]
    query: str
    tone: Literal["formal", "casual"]
    retries: int
    note: NotRequired[str]


def compile_graph(state: type[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    """A one-node graph over `state` whose node changes nothing."""

    def keep(_state: Any) -> dict[str, Any]:
        return {}

    graph = StateGraph(state)
    graph.add_node("keep", keep)
    graph.add_edge(START, "keep")
    return graph.compile()


def input_schema(state: type[Any]) -> dict[str, Any]:
    """`get_input_jsonschema()` of a graph over `state`, as the server would report it."""
    return compile_graph(state).get_input_jsonschema()


__all__ = ["ChatState", "MessagesState", "ResearchState", "compile_graph", "input_schema"]
