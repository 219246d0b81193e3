"""How responsive the studio stays under load, offscreen, with its real embedded runtime.

    .venv/bin/python -m tests.benchmarks.ui_responsiveness

1. Stream: the `events` graph of the benchmark project emits custom events at 10,000 a
   second for a few seconds while a 10 ms QTimer measures how long the event loop goes
   without running it (the longest stall is what a user feels as a freeze).
2. Big graph: a 200-node, ~300-edge graph is laid out and drawn, then panned step by step,
   timing each repaint of the view.

Prints a Markdown table. Not part of the test run (no wall-clock assertions anywhere).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QSize, QTimer

from studio.launcher import StudioController
from studio.ui.app import run
from studio.ui.main_window import MainWindow

PROJECT = Path(__file__).parent / "project"
EVENTS = 30_000
PER_SECOND = 10_000


class StallMeter:
    """A 10 ms timer; every gap beyond its period is time the UI could not react."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def synthetic_graph(nodes: int = 200, edges: int = 300, seed: int = 7) -> dict[str, Any]:
    """A LangGraph-shaped graph JSON: a random DAG plus a few loops, start and end."""
    rng = random.Random(seed)
    names = [f"node_{i:03d}" for i in range(nodes)]
    pairs = {("__start__", names[0]), (names[-1], "__end__")}
    for i in range(1, nodes):
        pairs.add((names[rng.randrange(max(0, i - 12), i)], names[i]))
    while len(pairs) < edges:
        a, b = sorted(rng.sample(range(nodes), 2))
        pairs.add((names[b], names[a]) if rng.random() < 0.05 else (names[a], names[b]))
    return {
        "nodes": [{"id": "__start__", "type": "schema", "data": "__start__"}]
        + [{"id": n, "type": "runnable", "data": {"name": n}} for n in names]
        + [{"id": "__end__", "type": "schema", "data": "__end__"}],
        "edges": [
            {"source": s, "target": t, "conditional": random.Random(hash((s, t))).random() < 0.2}
            for s, t in sorted(pairs)
        ],
    }


async def _stream_stall(window: MainWindow, controller: StudioController) -> dict[str, float]:
    session = controller.session
    assert session is not None
    assistant = next(a for a in session.assistants if a["graph_id"] == "events")
    drawn = _next_drawing(window)
    session.select_assistant(assistant["assistant_id"])
    await drawn
    ended: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    session.run_ended.connect(lambda outcome: ended.done() or ended.set_result(outcome))
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    session.run({"n": EVENTS, "per_second": PER_SECOND}, ["custom"])
    outcome = await ended
    seconds = time.perf_counter() - started
    meter.stop()
    gaps = sorted(meter.gaps)
    received = window.events_panel.model.rowCount()
    return {
        "outcome_ok": float(outcome == "success"),
        "events shown": float(received),
        "events/s shown": received / seconds,
        "longest stall (ms)": gaps[-1],
        "p99 timer gap (ms)": gaps[int(len(gaps) * 0.99)],
        "median timer gap (ms)": statistics.median(gaps),
    }


def _big_graph(window: MainWindow) -> dict[str, float]:
    view = window.graph_view
    started = time.perf_counter()
    view.show_graph(synthetic_graph())
    view.viewport().repaint()
    drawn_ms = (time.perf_counter() - started) * 1000
    view.resetTransform()
    bar = view.horizontalScrollBar()
    vbar = view.verticalScrollBar()
    frames = []
    for step in range(120):
        bar.setValue(bar.minimum() + (bar.maximum() - bar.minimum()) * step // 119)
        vbar.setValue(vbar.minimum() + (vbar.maximum() - vbar.minimum()) * (step % 40) // 39)
        tick = time.perf_counter()
        view.viewport().repaint()
        frames.append((time.perf_counter() - tick) * 1000)
    return {
        "nodes drawn": float(len(view.graph_scene.nodes)),
        "edges drawn": float(len(view.graph_scene.edges)),
        "lay out and draw (ms)": drawn_ms,
        "pan repaint, median (ms)": statistics.median(frames),
        "pan repaint, worst (ms)": max(frames),
    }


def _next_drawing(window: MainWindow) -> asyncio.Future[None]:
    drawn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    window.graph_view.graph_drawn.connect(lambda: drawn.done() or drawn.set_result(None))
    return drawn


async def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="lg-studio-ui-bench-"))
    window = MainWindow(QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat))
    window.resize(QSize(1440, 900))
    window.show()
    controller = StudioController(window, data_root=scratch / "data")
    try:
        first_graph = _next_drawing(window)
        if not await controller.open_project(PROJECT):
            return 1
        await first_graph
        stream = await _stream_stall(window, controller)
        graph = _big_graph(window)
    finally:
        await controller.shutdown()
        window.close()
    print(f"| measure ({EVENTS:,} custom events at {PER_SECOND:,}/s; 200-node graph) | value |")
    print("| --- | ---: |")
    for name, value in {**stream, **graph}.items():
        print(f"| {name} | {value:,.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
