"""`research`: a parent graph whose `research` node is a compiled subgraph.

Why: nested graphs are where a studio's drawing (`xray`) and streaming
(`stream_subgraphs`, namespaces like `research:<task id>`) must show more
than one level. Everything is offline: the "search" returns canned notes.

Flow: research[plan_queries -> search -> summarize] -> write_report.
Try: {"topic": "solar power"}
"""

from __future__ import annotations

from typing import Any, NotRequired

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer
from typing_extensions import TypedDict

# --- the subgraph ---------------------------------------------------------


class ResearcherState(TypedDict):
    topic: str
    queries: NotRequired[list[str]]
    findings: NotRequired[list[str]]
    summary: NotRequired[str]


def plan_queries(state: ResearcherState) -> dict[str, Any]:
    """Break the topic into a few search queries."""
    topic = state["topic"].strip() or "anything"
    return {"queries": [f"what is {topic}", f"{topic} history", f"{topic} open questions"]}


def search(state: ResearcherState) -> dict[str, Any]:
    """Offline stand-in for a search tool: one canned note per query."""
    notes = [f"[{i}] A note about '{q}'." for i, q in enumerate(state["queries"], 1)]
    return {"findings": notes}


def summarize(state: ResearcherState) -> dict[str, Any]:
    findings = state["findings"]
    return {"summary": f"{len(findings)} notes gathered on {state['topic'].strip()}."}


def build_researcher() -> CompiledStateGraph[
    ResearcherState, None, ResearcherState, ResearcherState
]:
    builder = StateGraph(ResearcherState)
    builder.add_node("plan_queries", plan_queries)
    builder.add_node("search", search)
    builder.add_node("summarize", summarize)
    builder.add_edge(START, "plan_queries")
    builder.add_edge("plan_queries", "search")
    builder.add_edge("search", "summarize")
    builder.add_edge("summarize", END)
    return builder.compile(name="researcher")


# --- the parent graph -----------------------------------------------------


class ResearchInput(TypedDict):
    """What a caller provides: the topic to research."""

    topic: str


class ResearchState(TypedDict):
    topic: str
    findings: NotRequired[list[str]]
    summary: NotRequired[str]
    report: NotRequired[str]


def write_report(state: ResearchState) -> dict[str, Any]:
    """Turn the subgraph's output into the final report."""
    lines = [f"# {state['topic'].strip().title()}", "", state["summary"], ""]
    lines += [f"- {note}" for note in state["findings"]]
    return {"report": "\n".join(lines)}


def build_graph(
    checkpointer: Checkpointer = None,
) -> CompiledStateGraph[ResearchState, None, ResearchInput, ResearchState]:
    builder = StateGraph(ResearchState, input_schema=ResearchInput)
    # A compiled graph used directly as a node. Keys shared with the parent
    # flow in and out (`topic` in; `findings`, `summary` out); the
    # subgraph-only `queries` stays inside it.
    builder.add_node("research", build_researcher())
    builder.add_node("write_report", write_report)
    builder.add_edge(START, "research")
    builder.add_edge("research", "write_report")
    builder.add_edge("write_report", END)
    return builder.compile(checkpointer=checkpointer, name="research")


graph = build_graph()
