"""Graphs that pause the way agent UIs expect, for the studio's interrupt tests.

`review` asks for decisions on two tool calls in the schema of langchain's
HumanInTheLoopMiddleware (`action_requests` + `review_configs`) and keeps the answer;
`parallel` runs two nodes at once that each call `interrupt()`, so two interrupts are
pending and the resume must map each id to its answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict


def _merge(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    return {**(left or {}), **(right or {})}


class State(TypedDict, total=False):
    task: str
    decisions: Any
    answers: Annotated[dict[str, Any], _merge]


def ask_review(state: State) -> dict[str, Any]:
    answer = interrupt(
        {
            "action_requests": [
                {
                    "name": "send_email",
                    "args": {"to": "ann@example.com", "subject": state.get("task", "")},
                    "description": "Send the summary by email?",
                },
                {"name": "delete_file", "args": {"path": "/tmp/report.txt"}},
            ],
            "review_configs": [
                {"action_name": "send_email", "allowed_decisions": ["approve", "edit", "reject"]},
                {"action_name": "delete_file", "allowed_decisions": ["approve", "reject"]},
            ],
        }
    )
    return {"decisions": answer["decisions"]}


review_builder = StateGraph(State)
review_builder.add_node("ask_review", ask_review)
review_builder.add_edge(START, "ask_review")
review_builder.add_edge("ask_review", END)
review = review_builder.compile()


def _asker(name: str):  # type: ignore[no-untyped-def]
    def ask(state: State) -> dict[str, Any]:
        return {"answers": {name: interrupt(f"{name}: your answer?")}}

    ask.__name__ = name
    return ask


parallel_builder = StateGraph(State)
for _name in ("left", "right"):
    parallel_builder.add_node(_name, _asker(_name))
    parallel_builder.add_edge(START, _name)
    parallel_builder.add_edge(_name, END)
parallel = parallel_builder.compile()
