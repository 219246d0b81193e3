"""A run's node executions over time, and the tokens their model calls used.

Built from the run's stream as it arrives: a `tasks` start opens a span, its result closes it;
token counts come from the `usage_metadata` of the AI messages a node returned, or, when its
result carries none, from the chunks it streamed in `messages` mode. Times are when the events
reached the studio (seconds from the run's start), which is what a person waiting sees.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.ui.debugger.tasks import TaskEvent


@dataclass(frozen=True, slots=True)
class Tokens:
    input: int = 0
    output: int = 0
    total: int = 0

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(
            self.input + other.input, self.output + other.output, self.total + other.total
        )

    def __bool__(self) -> bool:
        return bool(self.total or self.input or self.output)


@dataclass
class Span:
    """One execution of a node."""

    task_id: str
    node: str
    start: float
    end: float | None = None
    failed: bool = False
    interrupted: bool = False
    result_tokens: Tokens = field(default_factory=Tokens)
    streamed_tokens: Tokens = field(default_factory=Tokens)

    @property
    def finished(self) -> bool:
        return self.end is not None

    @property
    def duration(self) -> float:
        return 0.0 if self.end is None else self.end - self.start

    @property
    def tokens(self) -> Tokens:
        """Tokens from the node's result, else from what it streamed (never both: the
        result's messages are the streamed ones, merged)."""
        return self.result_tokens or self.streamed_tokens


class RunTimeline:
    """The spans of one run, in the order the nodes started."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._open: dict[str, Span] = {}
        self._origin: float | None = None
        self.ended: float | None = None

    def start(self, now: float) -> None:
        """Forget the previous run; times are measured from `now`."""
        self.spans, self._open = [], {}
        self._origin, self.ended = now, None

    def add_task(self, task: TaskEvent, now: float) -> None:
        at = self._since(now)
        span = self._open.pop(task.task_id, None) if not task.started else None
        if span is None:  # a start, or a result whose start was not seen (joined mid-run)
            span = Span(task.task_id, task.node, at)
            self.spans.append(span)
        if task.started:
            self._open[task.task_id] = span
            return
        span.end = at
        span.failed = task.failed
        span.interrupted = task.interrupted
        span.result_tokens = usage_in(task.result)

    def add_message(self, message: Any, metadata: Any) -> None:
        """A `messages` chunk: its usage counts for the task that streamed it."""
        usage = _usage(message)
        if not usage or not isinstance(metadata, Mapping):
            return
        namespace = str(metadata.get("langgraph_checkpoint_ns") or "")
        task_id = namespace.rsplit("|", 1)[-1].partition(":")[2]
        span = self._open.get(task_id)
        if span is not None:
            span.streamed_tokens += usage

    def finish(self, now: float) -> None:
        """The run ended: spans still open end here (the run was cancelled or failed)."""
        self.ended = self._since(now)
        for span in self._open.values():
            span.end = self.ended
        self._open.clear()

    @property
    def duration(self) -> float:
        ends = [s.end for s in self.spans if s.end is not None]
        return max([*ends, self.ended or 0.0], default=0.0)

    @property
    def tokens(self) -> Tokens:
        total = Tokens()
        for span in self.spans:
            total += span.tokens
        return total

    def nodes(self) -> list[str]:
        """Distinct nodes in the order they first ran (the chart's rows)."""
        return list(dict.fromkeys(span.node for span in self.spans))

    def _since(self, now: float) -> float:
        if self._origin is None:
            self._origin = now
        return max(0.0, now - self._origin)


def usage_in(result: Any) -> Tokens:
    """The summed `usage_metadata` of the AI messages in a node's result."""
    total = Tokens()
    for message in _messages(result):
        total += _usage(message)
    return total


def _messages(value: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if depth > 3:  # results are `{key: message | [messages]}`; don't crawl whole states
        return
    if isinstance(value, Mapping):
        if "usage_metadata" in value:
            yield value
            return
        for item in value.values():
            yield from _messages(item, depth + 1)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for item in value:
            yield from _messages(item, depth + 1)


def _usage(message: Any) -> Tokens:
    usage = message.get("usage_metadata") if isinstance(message, Mapping) else None
    if not isinstance(usage, Mapping):
        return Tokens()
    return Tokens(
        int(usage.get("input_tokens") or 0),
        int(usage.get("output_tokens") or 0),
        int(usage.get("total_tokens") or 0),
    )
