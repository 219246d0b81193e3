"""Wire types of lg-studio's own event stream, `GET /lg-studio/events` (SSE).

LangGraph Server has no such stream; lg-studio serves it so the studio can redraw graphs after
a reload and show the server's log and what graphs print. The runtime writes these shapes
(studio/runtime/server_events.py, studio/runtime/reload.py); the studio reads them.
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

ServerEventName = Literal["graphs", "log", "output"]
SERVER_EVENTS_PATH = "/lg-studio/events"


class GraphLoadError(TypedDict):
    """A graph whose code failed to load: where, and why."""

    graph_id: str
    source: str
    message: str
    file: str | None
    line: int | None
    traceback: str


class GraphsReport(TypedDict):
    """`graphs`: the graphs were loaded again after the project changed."""

    graph_ids: list[str]
    errors: list[GraphLoadError]
    stale: list[str]
    """Graphs whose new code failed: their previous version still serves."""
    changed: list[str]
    """The files whose change caused the reload."""
    config_error: str | None
    """langgraph.json did not load: the last good project still serves."""


class LogRecord(TypedDict):
    """`log`: a record of the server's logging (its own, the libraries', the graphs')."""

    time: float
    level: str
    logger: str
    message: str
    run_id: str | None
    traceback: NotRequired[str]


class OutputLine(TypedDict):
    """`output`: one line a graph printed during a run."""

    time: float
    stream: Literal["stdout", "stderr"]
    text: str
    run_id: str | None
