"""Human-in-the-loop payloads (langchain's HumanInTheLoopMiddleware) and their answers."""

from __future__ import annotations

import pytest

from studio.ui.debugger.hitl import decision, read_request, response, resume_value

REQUEST = {
    "action_requests": [
        {"name": "send_email", "args": {"to": "a@b.c"}, "description": "Send it?"},
        {"name": "delete_file", "args": {"path": "/tmp/x"}},
    ],
    "review_configs": [
        {"action_name": "send_email", "allowed_decisions": ["approve", "edit", "reject"]},
        {"action_name": "delete_file", "allowed_decisions": ["approve", "reject"]},
    ],
}


def test_a_request_is_read_with_its_allowed_decisions() -> None:
    reviews = read_request(REQUEST)
    assert reviews is not None
    assert [r.name for r in reviews] == ["send_email", "delete_file"]
    assert reviews[0].description == "Send it?"
    assert reviews[1].allowed == ("approve", "reject")
    assert read_request({"question": "ok?"}) is None
    assert read_request("approve") is None


def test_decisions_answer_in_the_request_shape() -> None:
    email, delete = read_request(REQUEST) or []
    answer = response(
        [
            decision(email, "edit", args={"to": "x@y.z"}),
            decision(delete, "reject", message="too risky"),
        ]
    )
    assert answer == {
        "decisions": [
            {"type": "edit", "edited_action": {"name": "send_email", "args": {"to": "x@y.z"}}},
            {"type": "reject", "message": "too risky"},
        ]
    }
    with pytest.raises(ValueError, match="not allowed"):
        decision(delete, "edit")


def test_arguments_keep_the_name_they_were_asked_with() -> None:
    (review,) = (
        read_request(
            {"action_requests": [{"name": "f", "arguments": {"a": 1}}], "review_configs": []}
        )
        or []
    )
    assert review.args == {"a": 1}
    assert decision(review, "edit", args={"a": 2}) == {
        "type": "edit",
        "edited_action": {"name": "f", "arguments": {"a": 2}},
    }
    assert decision(review, "approve") == {"type": "approve"}


def test_several_interrupts_resume_with_a_map() -> None:
    assert resume_value({"i1": "yes"}) == "yes"
    assert resume_value({"i1": "yes", "i2": {"x": 1}}) == {"i1": "yes", "i2": {"x": 1}}
