"""Real LangGraph graphs, serialised the way the graph endpoint serves them.

Each builder covers one way LangGraph draws control flow: plain and conditional edges,
path maps, `Command(goto)`, `Send`, nested subgraphs, and routers it cannot read.
"""

from __future__ import annotations

import importlib.util
import operator
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Send
from typing_extensions import TypedDict

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "examples" / "demo"


class State(TypedDict, total=False):
    value: str
    steps: Annotated[list[str], operator.add]


Graph = CompiledStateGraph[Any, Any, Any, Any]


# The example from the issue, as an older LangGraph server sends it.
AGENT_JSON: dict[str, Any] = {
    "nodes": [
        {"id": "__start__", "type": "schema", "data": "__start__"},
        {"id": "agent", "type": "runnable", "data": {"name": "agent"}},
        {
            "id": "tools",
            "type": "runnable",
            "data": {"name": "tools"},
            "metadata": {"__tools": ["get_weather"]},
        },
        {"id": "__end__", "type": "schema", "data": "__end__"},
    ],
    "edges": [
        {"source": "__start__", "target": "agent"},
        {"source": "agent", "target": "tools", "conditional": True},
        {"source": "agent", "target": "__end__", "conditional": True},
        {"source": "tools", "target": "agent"},
    ],
}


def payload(graph: Graph, xray: bool | int = False) -> dict[str, Any]:
    """What `GET /assistants/{id}/graph?xray=...` returns for `graph`.

    Same as the runtime's `drawable_graph`: LangChain's `to_json()` without the runnable
    class ids the server strips from node data.
    """
    drawn: dict[str, Any] = graph.get_graph(xray=xray).to_json()
    for node in drawn["nodes"]:
        if isinstance(node.get("data"), dict):
            node["data"].pop("id", None)
    return drawn


def step(name: str) -> Callable[[State], dict[str, Any]]:
    def run(state: State) -> dict[str, Any]:
        return {"steps": [name]}

    run.__name__ = name
    return run


def demo_module(name: str) -> ModuleType:
    """A module of the demo project, which is not a package."""
    qualified = f"lg_demo_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, DEMO / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module  # pydantic resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


def path_map() -> Graph:
    """`check` routes through a path map: labelled branches, one of them back to `work`."""

    def verdict(state: State) -> str:
        return "done"

    builder = StateGraph(State)
    for name in ("work", "check", "retry"):
        builder.add_node(name, step(name))
    builder.add_edge(START, "work")
    builder.add_edge("work", "check")
    builder.add_conditional_edges("check", verdict, {"again": "retry", "done": END, "redo": "work"})
    builder.add_edge("retry", "check")
    return builder.compile()


def untyped_router() -> Graph:
    """`route` has no `Literal` and no path map: LangGraph cannot know where it goes."""

    def route(state: State):  # no annotation on purpose: LangGraph cannot read it
        return "b"

    builder = StateGraph(State)
    for name in ("a", "b", "c", "d"):
        builder.add_node(name, step(name))
    builder.add_edge(START, "a")
    builder.add_conditional_edges("a", route)
    builder.add_edge("b", END)
    builder.add_edge("c", END)
    builder.add_edge("d", "b")
    return builder.compile()


def untyped_entry() -> Graph:
    """The untyped router sits on `__start__` itself."""

    def route(state: State):  # no annotation on purpose: LangGraph cannot read it
        return "a"

    builder = StateGraph(State)
    for name in ("a", "b", "c"):
        builder.add_node(name, step(name))
        builder.add_edge(name, END)
    builder.add_conditional_edges(START, route)
    return builder.compile()


def command_goto() -> Graph:
    """`decide` returns `Command[Literal[...]]`; `untyped` returns a bare `Command`."""

    def decide(state: State) -> Command[Literal["x", "y", "__end__"]]:
        return Command(goto="x")

    builder = StateGraph(State)
    builder.add_node("decide", decide)
    builder.add_node("x", step("x"))
    builder.add_node("y", step("y"))
    builder.add_edge(START, "decide")
    builder.add_edge("x", END)
    builder.add_edge("y", END)
    return builder.compile()


def send_fanout(typed: bool = True) -> Graph:
    """`plan` fans out with `Send` to `worker`, declared in a path list or not at all."""

    def fan(state: State) -> list[Send]:
        return [Send("worker", {"value": "x"})]

    builder = StateGraph(State)
    for name in ("plan", "worker", "merge"):
        builder.add_node(name, step(name))
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", fan, ["worker"] if typed else None)
    builder.add_edge("worker", "merge")
    builder.add_edge("merge", END)
    return builder.compile()


def nested() -> Graph:
    """top: t1 -> sub -> t2, with a side branch; sub: m1 -> inner -> m2; inner: i1 -?> i2."""

    def maybe(state: State) -> Literal["i2", "__end__"]:
        return "i2"

    inner = StateGraph(State)
    inner.add_node("i1", step("i1"))
    inner.add_node("i2", step("i2"))
    inner.add_edge(START, "i1")
    inner.add_conditional_edges("i1", maybe)
    inner.add_edge("i2", END)
    middle = StateGraph(State)
    middle.add_node("m1", step("m1"))
    middle.add_node("inner", inner.compile())
    middle.add_node("m2", step("m2"))
    middle.add_edge(START, "m1")
    middle.add_edge("m1", "inner")
    middle.add_edge("inner", "m2")
    middle.add_edge("m2", END)
    top = StateGraph(State)
    top.add_node("t1", step("t1"))
    top.add_node("sub", middle.compile())
    top.add_node("side", step("side"))
    top.add_node("t2", step("t2"))
    top.add_edge(START, "t1")
    top.add_edge("t1", "sub")
    top.add_edge("t1", "side")
    top.add_edge("side", "t2")
    top.add_edge("sub", "t2")
    top.add_edge("t2", END)
    return top.compile()


def supervisor() -> Graph:
    """A supervisor with a typed `Command` to each of three workers, each a ReAct loop."""

    def supervise(
        state: State,
    ) -> Command[Literal["worker0", "worker1", "worker2", "__end__"]]:
        return Command(goto=END)

    def act(state: State) -> Literal["tools", "__end__"]:
        return "__end__"

    loop = StateGraph(State)
    loop.add_node("agent", step("agent"))
    loop.add_node("tools", step("tools"))
    loop.add_edge(START, "agent")
    loop.add_conditional_edges("agent", act)
    loop.add_edge("tools", "agent")
    worker = loop.compile()
    builder = StateGraph(State)
    builder.add_node("supervisor", supervise)
    for name in ("worker0", "worker1", "worker2"):
        builder.add_node(name, worker)
        builder.add_edge(name, "supervisor")
    builder.add_edge(START, "supervisor")
    return builder.compile()
