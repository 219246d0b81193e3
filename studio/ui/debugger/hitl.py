"""Interrupt payloads in the human-in-the-loop schema agent UIs share, and their answers.

langchain's `HumanInTheLoopMiddleware` interrupts with `{"action_requests": [...],
"review_configs": [...]}` and resumes with `{"decisions": [...]}`, one decision (approve,
edit, reject) per action, in order; agent-chat-ui recognises the same shape. Releases name
an action's arguments `args` or `arguments`: an edit answers with the name it was asked with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Decision = Literal["approve", "edit", "reject", "respond"]
DECISIONS: tuple[Decision, ...] = ("approve", "edit", "reject", "respond")
DEFAULT_DECISIONS: tuple[Decision, ...] = ("approve", "edit", "reject")


@dataclass(frozen=True, slots=True)
class ActionReview:
    """One action a person is asked to review, with what they may decide."""

    name: str
    args: dict[str, Any]
    args_key: str = "args"
    description: str = ""
    allowed: tuple[Decision, ...] = DEFAULT_DECISIONS
    args_schema: Mapping[str, Any] | None = field(default=None)


def is_hitl_request(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("action_requests"), Sequence)
        and isinstance(value.get("review_configs"), Sequence)
    )


def read_request(value: Any) -> list[ActionReview] | None:
    """The actions of a HITL interrupt payload, or None if `value` is not one."""
    if not is_hitl_request(value):
        return None
    configs = {
        str(c.get("action_name")): c for c in value["review_configs"] if isinstance(c, Mapping)
    }
    reviews: list[ActionReview] = []
    for request in value["action_requests"]:
        if not isinstance(request, Mapping):
            continue
        name = str(request.get("name") or request.get("action") or "")
        key = "arguments" if "arguments" in request and "args" not in request else "args"
        args = request.get(key)
        config = configs.get(name, {})
        allowed = tuple(
            d for d in config.get("allowed_decisions") or DEFAULT_DECISIONS if d in DECISIONS
        )
        reviews.append(
            ActionReview(
                name=name,
                args=dict(args) if isinstance(args, Mapping) else {},
                args_key=key,
                description=str(request.get("description") or config.get("description") or ""),
                allowed=allowed or DEFAULT_DECISIONS,
                args_schema=config.get("args_schema") or config.get("arguments_schema"),
            )
        )
    return reviews


def decision(
    review: ActionReview,
    kind: Decision,
    *,
    args: Mapping[str, Any] | None = None,
    message: str = "",
) -> dict[str, Any]:
    """One entry of `decisions`.

    Raises:
        ValueError: `kind` is not allowed for this action.
    """
    if kind not in review.allowed:
        raise ValueError(f"'{kind}' is not allowed for {review.name} ({', '.join(review.allowed)})")
    if kind == "edit":
        edited = dict(review.args if args is None else args)
        return {"type": "edit", "edited_action": {"name": review.name, review.args_key: edited}}
    if kind in ("reject", "respond") and message:
        return {"type": kind, "message": message}
    return {"type": kind}


def response(decisions: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The resume value for a HITL interrupt."""
    return {"decisions": [dict(d) for d in decisions]}


def resume_value(answers: Mapping[str, Any]) -> Any:
    """`Command.resume` for the pending interrupts: the one answer, or a map of interrupt id
    to answer when several wait (LangGraph matches them by id)."""
    if len(answers) == 1:
        return next(iter(answers.values()))
    return dict(answers)
