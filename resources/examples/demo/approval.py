"""`approval`: human-in-the-loop approval with `interrupt()` / `Command(resume=...)`.

Why: pausing a run for a person is the flow a studio must get right: the
thread becomes `interrupted`, the interrupt payload is shown to the user,
and the run continues from the same node with the user's answer.

Flow: draft -> review (interrupts) -> execute | reject.
Try: input {"request": "Delete the staging database"}, then resume with
"approve" or "reject" (or {"decision": "reject", "comment": "too risky"}).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer, Command, interrupt
from typing_extensions import TypedDict

_RISKY_WORDS = ("delete", "drop", "deploy", "refund", "pay", "send", "remove")


class ActionDraft(TypedDict):
    """What would be done; shown to the reviewer."""

    action: str
    steps: list[str]
    risk: Literal["low", "high"]


class ApprovalInput(TypedDict):
    """The only thing a caller provides: the request to act on."""

    request: str


class ApprovalState(TypedDict):
    request: str
    draft: NotRequired[ActionDraft]
    decision: NotRequired[Literal["approved", "rejected"]]
    comment: NotRequired[str]
    result: NotRequired[str]


def draft_action(state: ApprovalState) -> dict[str, Any]:
    """Turn the request into a concrete, reviewable plan."""
    action = state["request"].strip() or "(empty request)"
    risky = any(word in action.lower() for word in _RISKY_WORDS)
    draft: ActionDraft = {
        "action": action,
        "steps": [
            f"Check the preconditions for: {action}",
            f"Perform: {action}",
            "Record the outcome in the audit log",
        ],
        "risk": "high" if risky else "low",
    }
    return {"draft": draft}


def _read_answer(answer: Any) -> tuple[bool, str]:
    """Accept "approve"/"reject", booleans, or {"decision": ..., "comment": ...}.

    Anything unrecognised counts as a rejection: the safe default.
    """
    comment = ""
    if isinstance(answer, dict):
        comment = str(answer.get("comment", "") or "")
        answer = answer.get("decision", answer.get("approved", answer.get("action")))
    if isinstance(answer, bool):
        return answer, comment
    approved = str(answer).strip().lower() in {"approve", "approved", "yes", "y", "ok", "true"}
    return approved, comment


def review(state: ApprovalState) -> Command[Literal["execute", "reject"]]:
    """Pause for a human. Nothing runs before `interrupt`, so the node is
    safe to re-execute when the run resumes."""
    draft = state["draft"]
    answer = interrupt(
        {
            "question": "Approve this action?",
            "action": draft["action"],
            "steps": draft["steps"],
            "risk": draft["risk"],
            "options": ["approve", "reject"],
        }
    )
    approved, comment = _read_answer(answer)
    return Command(
        goto="execute" if approved else "reject",
        update={"decision": "approved" if approved else "rejected", "comment": comment},
    )


def execute(state: ApprovalState) -> dict[str, Any]:
    """Pretend to carry out the approved plan."""
    draft = state["draft"]
    return {"result": f"Done: {draft['action']} ({len(draft['steps'])} steps completed)."}


def reject(state: ApprovalState) -> dict[str, Any]:
    """End without acting, keeping the reviewer's note."""
    note = state.get("comment") or "no reason given"
    return {"result": f"Rejected: {state['draft']['action']} was not executed ({note})."}


def build_graph(
    checkpointer: Checkpointer = None,
) -> CompiledStateGraph[ApprovalState, None, ApprovalInput, ApprovalState]:
    builder = StateGraph(ApprovalState, input_schema=ApprovalInput)
    builder.add_node("draft_action", draft_action)
    builder.add_node("review", review)
    builder.add_node("execute", execute)
    builder.add_node("reject", reject)
    builder.add_edge(START, "draft_action")
    builder.add_edge("draft_action", "review")
    builder.add_edge("execute", END)
    builder.add_edge("reject", END)
    return builder.compile(checkpointer=checkpointer, name="approval")


graph = build_graph()
