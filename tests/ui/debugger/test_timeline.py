"""The run timeline: spans from task events, tokens from results or streamed chunks."""

from __future__ import annotations

from studio.ui.debugger.tasks import read_task_event, topology_id
from studio.ui.debugger.timeline import RunTimeline, Tokens, usage_in


def _start(task_id: str, name: str, ns: tuple[str, ...] = ()):
    event = read_task_event("tasks", ns, {"id": task_id, "name": name, "triggers": ["x"]})
    assert event is not None
    return event


def _end(task_id: str, name: str, result=None, error=None, interrupts=()):
    data = {"id": task_id, "name": name, "error": error, "result": result, "interrupts": interrupts}
    event = read_task_event("tasks", (), data)
    assert event is not None
    return event


def _ai(total: int):
    return {
        "type": "ai",
        "content": "",
        "usage_metadata": {
            "input_tokens": total - 1,
            "output_tokens": 1,
            "total_tokens": total,
        },
    }


def test_spans_follow_the_tasks_in_order() -> None:
    timeline = RunTimeline()
    timeline.start(100.0)
    timeline.add_task(_start("1", "model"), 100.0)
    timeline.add_task(_end("1", "model", {"messages": [_ai(30)]}), 100.5)
    timeline.add_task(_start("2", "tools"), 100.5)
    timeline.add_task(_end("2", "tools", error="boom"), 101.0)
    timeline.add_task(_start("3", "model"), 101.0)
    timeline.add_task(_end("3", "model", {"messages": [_ai(12)]}), 101.25)
    timeline.finish(101.3)
    assert [(s.node, s.start, s.duration) for s in timeline.spans] == [
        ("model", 0.0, 0.5),
        ("tools", 0.5, 0.5),
        ("model", 1.0, 0.25),
    ]
    assert timeline.spans[1].failed
    assert timeline.nodes() == ["model", "tools"]
    assert timeline.tokens == Tokens(40, 2, 42)
    assert round(timeline.duration, 6) == 1.3


def test_streamed_usage_counts_when_the_result_has_none() -> None:
    timeline = RunTimeline()
    timeline.start(0.0)
    timeline.add_task(_start("abc", "model"), 0.0)
    timeline.add_message(_ai(7), {"langgraph_checkpoint_ns": "model:abc"})
    timeline.add_message({"type": "AIMessageChunk", "content": "x"}, {})
    timeline.add_task(_end("abc", "model", {"answer": "text"}), 1.0)
    assert timeline.spans[0].tokens == Tokens(6, 1, 7)


def test_open_spans_end_with_the_run_and_interrupts_show() -> None:
    timeline = RunTimeline()
    timeline.start(0.0)
    timeline.add_task(_start("1", "review"), 0.0)
    timeline.add_task(_end("1", "review", interrupts=[{"id": "i", "value": 1}]), 0.2)
    timeline.add_task(_start("2", "slow"), 0.2)
    timeline.finish(2.0)
    assert timeline.spans[0].interrupted
    assert timeline.spans[1].end == 2.0


def test_subgraph_tasks_are_named_like_the_drawing() -> None:
    event = _start("1", "search", ("research:8e53",))
    assert event.node == "research:search"
    assert topology_id("a", ("x:1", "y:2")) == "x:y:a"
    assert read_task_event("updates", (), {"name": "x"}) is None


def test_usage_in_nested_results() -> None:
    assert usage_in({"messages": [_ai(3), {"type": "tool", "content": "x"}], "n": 1}) == Tokens(
        2, 1, 3
    )
    assert usage_in(None) == Tokens()
