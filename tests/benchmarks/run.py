"""`lg-studio serve` against `langgraph dev`, side by side, on the same project and machine.

    .venv/bin/python -m tests.benchmarks.run [--output FILE.md] [--json FILE.json]

Each server is a subprocess on a free port with a fresh copy of `project/` and a fresh data
directory, driven by `langgraph_sdk`; `langgraph dev` gets `--no-browser --no-reload` and
`--n-jobs-per-worker` equal to our default concurrency. Cold starts alternate between the two
servers, each starting alone; then every scenario runs on ours and then on theirs (never both
busy at once), so a slow spell of a shared machine hits both sides alike. The scenarios:

- cold start: process spawn to the first 200 of `GET /ok` (median of `--cold-starts`);
- `wait`: `runs.wait` of the one-node graph, stateless and on one thread (p50/p90 of
  `--samples`);
- `burst`: `--burst` background runs, one per thread, submitted `--burst-concurrency` at a
  time: throughput from the first submission until no thread is busy; every accepted run must
  end `success` with `count == 1` on its thread (else it is counted lost or duplicated); also
  the server's CPU per run;
- `drain` (diagnostic): the same number of runs queued behind `jobs` sleeping runs; their
  completion rate from the runs' own `updated_at`, with no client in the way;
- `events`: a stateless stream of `--events` custom events: events/s between the first and the
  last custom event, and the time to the first one;
- `first_token`: time to the first token of a streamed fake chat model (`messages-tuple`) on a
  thread;
- `history`: `get_history(limit=300)` of a thread whose one run left exactly 300 checkpoints
  (median of repeated reads), and the first read after the run (one sample, diagnostic: ours
  renders and keeps each checkpoint's entry then, see `studio/runtime/services/history.py`);
- memory: RSS of each server's whole process tree after all of the above.

Profiling our server: `--trace` (wall-clock timers, see `trace_ours.py`), `--py-spy DIR`
(collapsed stacks per scenario; `profile_report.py` summarises them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psutil
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
OURS, THEIRS = "ours", "theirs"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 15.0
HISTORY_LOOP_TARGET = 298  # the loop graph leaves target + 2 checkpoints: input, start, ticks

T = TypeVar("T")


# --- servers -----------------------------------------------------------------------------


def default_jobs() -> int:
    """How many runs `lg-studio serve` executes at once when not told (`--jobs`)."""
    from studio.runtime.config import ServerOptions

    return ServerOptions().jobs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env() -> dict[str, str]:
    """The same quiet, offline environment for both servers."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "LANGGRAPH_"))
    }
    env.update(
        {
            "LANGSMITH_TRACING": "false",
            "LANGCHAIN_TRACING_V2": "false",
            "LANGGRAPH_CLI_NO_ANALYTICS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@dataclass
class Server:
    kind: str
    url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.pid)
        return [root, *root.children(recursive=True)]

    def cpu_seconds(self) -> float:
        """User + system CPU time the server's process tree has used so far."""
        total = 0.0
        for proc in self._tree():
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def take_trace(self) -> dict[str, Any] | None:
        """What the traced server measured since the last call (`--trace`), or None."""
        target = self.workdir / "trace.json"
        if self.kind != OURS or "trace_ours" not in " ".join(map(str, self.process.args)):
            return None
        target.unlink(missing_ok=True)
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not target.exists():
            return None
        trace: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return trace

    def rss_bytes(self) -> int:
        """Resident memory of the server and every process it started."""
        total = 0
        for proc in self._tree():
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total


def _command(kind: str, workdir: Path, port: int, jobs: int, trace: bool) -> tuple[list[str], Path]:
    """The command line of a server and the directory it runs in."""
    project = workdir / "project"
    if kind == OURS:
        entry = (
            [sys.executable, "-m", "tests.benchmarks.trace_ours"]
            if trace
            else [str(BIN / "lg-studio")]
        )
        command = [
            *entry,
            "serve",
            "--config",
            str(project / "langgraph.json"),
            "--port",
            str(port),
            "--data-dir",
            str(workdir / "data"),
            "--log-level",
            "warning",
        ]
    else:
        # langgraph dev keeps its data in ./.langgraph_api and imports graphs relative to the
        # working directory: it runs inside its own fresh copy of the project.
        command = [
            str(BIN / "langgraph"),
            "dev",
            "--config",
            str(project / "langgraph.json"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-browser",
            "--no-reload",
            "--n-jobs-per-worker",
            str(jobs),
            "--server-log-level",
            "WARNING",
        ]
    return command, project


def start_server(kind: str, root: Path, jobs: int, trace: bool = False) -> tuple[Server, float]:
    """Start a server on a fresh copy of the project; return it and its cold start (s)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=root))
    shutil.copytree(PROJECT, workdir / "project", ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    command, cwd = _command(kind, workdir, port, jobs, trace)
    env = server_env()
    if trace and kind == OURS:
        env["PYTHONPATH"] = str(REPO)
        env["LG_STUDIO_TRACE"] = str(workdir / "trace.json")
    log = workdir / "server.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        env["LG_STUDIO_SPAWNED_AT"] = repr(time.time())
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(kind, f"http://127.0.0.1:{port}", process, workdir, log)
    try:
        cold = _wait_ok(server, started)
    except BaseException:
        stop_server(server)
        raise
    return server, cold


def _wait_ok(server: Server, started: float) -> float:
    deadline = started + START_TIMEOUT
    with httpx.Client(timeout=2.0) as http:
        while time.perf_counter() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"{server.kind} server exited with {server.process.returncode}:\n"
                    f"{server.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if http.get(f"{server.url}/ok").status_code == 200:
                    return time.perf_counter() - started
            time.sleep(0.01)
    raise TimeoutError(
        f"{server.kind} server not ready in {START_TIMEOUT:.0f}s:\n{server.log_tail()}"
    )


def stop_server(server: Server) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


# --- profiling ---------------------------------------------------------------------------


@dataclass
class Profiler:
    """py-spy attached to a running server for one scenario (collapsed stacks)."""

    directory: Path | None
    rate: int = 250
    flags: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None

    def start(self, server: Server, name: str) -> None:
        if self.directory is None or server.kind != OURS:
            return
        py_spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
        if py_spy is None:
            raise RuntimeError("--py-spy needs py-spy: pip install py-spy")
        self.directory.mkdir(parents=True, exist_ok=True)
        out = self.directory / f"{name}.txt"
        self.process = subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(server.pid),
                "--rate",
                str(self.rate),
                "--format",
                "raw",
                "--threads",
                "--subprocesses",
                "--nonblocking",
                "--output",
                str(out),
                *self.flags,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / f"{name}.py-spy.log").open("wb"),
        )
        time.sleep(0.5)  # let py-spy attach before the scenario starts

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None


# --- scenarios ---------------------------------------------------------------------------


@dataclass
class Settings:
    samples: int = 20
    warmup: int = 2
    burst: int = 500
    burst_concurrency: int = 32
    events: int = 5000
    event_runs: int = 3
    token_samples: int = 7
    history_samples: int = 20
    scenario_timeout: float = 180.0
    jobs: int = 8
    hold_seconds: float = 4.0


@dataclass
class Results:
    """Measurements of one server: metric key -> value, plus notes and failures."""

    values: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    traces: dict[str, Any] = field(default_factory=dict)
    cpu: Callable[[], float] = lambda: 0.0
    """The server's CPU seconds so far (for per-run costs inside a scenario)."""


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _p90(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=10, method="inclusive")[8]


async def _again(call: Callable[[], Awaitable[T]], attempts: int = 3) -> T:
    """An idempotent request, retried when a pooled keep-alive connection was closed under it
    (`langgraph dev` closes idle connections after 5 s)."""
    for attempt in range(attempts):
        try:
            return await call()
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.05)
    raise AssertionError("unreachable")


async def _limited(coros: Iterable[Awaitable[T]], limit: int) -> list[T]:
    gate = asyncio.Semaphore(limit)

    async def one(coro: Awaitable[T]) -> T:
        async with gate:
            return await coro

    return list(await asyncio.gather(*(one(c) for c in coros)))


async def scenario_wait(client: LangGraphClient, s: Settings, r: Results) -> None:
    """`runs.wait` of the one-node graph: stateless, then on one thread."""
    for i in range(s.warmup):
        await client.runs.wait(None, "one_node", input={"i": i})
    stateless: list[float] = []
    for i in range(s.samples):
        began = time.perf_counter()
        out = await client.runs.wait(None, "one_node", input={"i": i})
        stateless.append(time.perf_counter() - began)
        if not isinstance(out, dict) or out.get("count") != 1 or out.get("echo") != i:
            raise AssertionError(f"unexpected stateless output {out!r}")
    thread = await client.threads.create()
    for i in range(s.warmup):
        await client.runs.wait(thread["thread_id"], "one_node", input={"i": i})
    on_thread: list[float] = []
    for i in range(s.samples):
        began = time.perf_counter()
        out = await client.runs.wait(thread["thread_id"], "one_node", input={"i": i})
        on_thread.append(time.perf_counter() - began)
        if not isinstance(out, dict) or out.get("count") != s.warmup + i + 1:
            raise AssertionError(f"unexpected thread output {out!r}")
    r.values["wait_stateless_p50"] = _ms(statistics.median(stateless))
    r.values["wait_stateless_p90"] = _ms(_p90(stateless))
    r.values["wait_thread_p50"] = _ms(statistics.median(on_thread))
    r.values["wait_thread_p90"] = _ms(_p90(on_thread))


async def scenario_burst(client: LangGraphClient, s: Settings, r: Results) -> None:
    """`s.burst` background runs, one per thread, all at once; then check each one."""
    threads = await _limited(
        (
            _again(lambda: client.threads.create(metadata={"bench": "burst"}))
            for _ in range(s.burst)
        ),
        16,
    )
    thread_ids = [t["thread_id"] for t in threads]
    rejected = 0

    async def submit(i: int, thread_id: str) -> str | None:
        nonlocal rejected
        try:
            run = await client.runs.create(thread_id, "one_node", input={"i": i})
        except Exception:
            rejected += 1
            return None
        return str(run["run_id"])

    began, cpu, client_cpu = time.perf_counter(), r.cpu(), time.process_time()
    run_ids = await _limited((submit(i, t) for i, t in enumerate(thread_ids)), s.burst_concurrency)
    submitted = time.perf_counter() - began
    while await _again(lambda: client.threads.count(status="busy")) > 0:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    elapsed, cpu = time.perf_counter() - began, r.cpu() - cpu
    client_cpu = time.process_time() - client_cpu

    async def check(thread_id: str, run_id: str | None) -> str:
        if run_id is None:
            return "rejected"
        run = await _again(lambda: client.runs.get(thread_id, run_id))
        thread = await _again(lambda: client.threads.get(thread_id))
        count = (thread.get("values") or {}).get("count")
        if count is not None and count > 1:
            return "duplicated"
        if run["status"] != "success" or count != 1:
            return "lost"
        return "ok"

    verdicts = await _limited(
        (check(t, rid) for t, rid in zip(thread_ids, run_ids, strict=True)), 16
    )
    accepted = s.burst - rejected
    r.values["burst_runs_per_s"] = accepted / elapsed
    r.values["burst_server_cpu_ms"] = 1000 * cpu / max(accepted, 1)
    r.values["burst_lost"] = float(verdicts.count("lost"))
    r.values["burst_duplicated"] = float(verdicts.count("duplicated"))
    r.info["burst"] = {
        "runs": s.burst,
        "accepted": accepted,
        "rejected": rejected,
        "submit_s": round(submitted, 3),
        "total_s": round(elapsed, 3),
        "server_cpu_ms_per_run": round(1000 * cpu / max(accepted, 1), 2),
        "client_cpu_ms_per_run": round(1000 * client_cpu / max(accepted, 1), 2),
        "lost": verdicts.count("lost"),
        "duplicated": verdicts.count("duplicated"),
    }


async def scenario_drain(client: LangGraphClient, s: Settings, r: Results) -> None:
    """Execution throughput without the client in the way: `jobs` sleeper runs hold every
    worker while `s.burst` runs (one per thread) are queued behind them; the rate at which
    the backlog then completes comes from the runs' own `updated_at` stamps."""
    threads = await _limited(
        (
            _again(lambda: client.threads.create(metadata={"bench": "drain"}))
            for _ in range(s.burst + s.jobs)
        ),
        16,
    )
    sleepers, backlog = threads[: s.jobs], threads[s.jobs :]
    held = [
        await client.runs.create(t["thread_id"], "sleeper", input={"seconds": s.hold_seconds})
        for t in sleepers
    ]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until every worker is busy sleeping
        runs = [
            await _again(lambda r=run: client.runs.get(r["thread_id"], r["run_id"])) for run in held
        ]
        if all(run["status"] == "running" for run in runs):
            break
        await asyncio.sleep(0.05)
    held_at = time.monotonic()
    created = await _limited(
        (
            client.runs.create(t["thread_id"], "one_node", input={"i": i})
            for i, t in enumerate(backlog)
        ),
        s.burst_concurrency,
    )
    queued_in = time.monotonic() - held_at
    while await _again(lambda: client.threads.count(status="busy")) > 0:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    done = await _limited(
        (_again(lambda r=run: client.runs.get(r["thread_id"], r["run_id"])) for run in created), 16
    )
    statuses = [run["status"] for run in done]
    ends = sorted(dt.datetime.fromisoformat(run["updated_at"]) for run in done)
    span = (ends[-1] - ends[0]).total_seconds()
    r.values["drain_runs_per_s"] = (len(ends) - 1) / span if span > 0 else float("inf")
    r.info["drain"] = {
        "runs": len(created),
        "queued_in_s": round(queued_in, 3),
        "held_s": s.hold_seconds,
        "valid": queued_in < s.hold_seconds,
        "not_success": len([x for x in statuses if x != "success"]),
        "span_s": round(span, 3),
    }


async def scenario_events(client: LangGraphClient, s: Settings, r: Results) -> None:
    """A stateless stream of `s.events` custom events, `s.event_runs` times."""
    rates: list[float] = []
    firsts: list[float] = []
    lost = 0
    for _ in range(s.event_runs):
        began = time.perf_counter()
        first = last = None
        count = 0
        async for part in client.runs.stream(
            None, "events", input={"n": s.events}, stream_mode="custom"
        ):
            if part.event == "custom":
                last = time.perf_counter()
                if first is None:
                    first = last
                count += 1
            elif part.event == "error":
                raise AssertionError(f"the events run failed: {part.data!r}")
        if first is None or last is None:
            raise AssertionError("no custom event arrived")
        lost += s.events - count
        firsts.append(first - began)
        rates.append((count - 1) / (last - first) if last > first else float("inf"))
    r.values["events_per_s"] = statistics.median(rates)
    r.values["events_first_ms"] = _ms(statistics.median(firsts))
    r.values["events_lost"] = float(lost)
    r.info["events"] = {
        "per_run_events_per_s": [round(x) for x in rates],
        "first_event_ms": [round(_ms(x), 1) for x in firsts],
    }


async def scenario_first_token(client: LangGraphClient, s: Settings, r: Results) -> None:
    """Time to the first streamed token of the fake chat model, on one thread."""
    thread = await client.threads.create()
    samples: list[float] = []
    for i in range(s.token_samples + 1):
        began = time.perf_counter()
        first = None
        async for part in client.runs.stream(
            thread["thread_id"],
            "chat",
            input={"messages": [{"role": "user", "content": f"hello {i}"}]},
            stream_mode="messages-tuple",
        ):
            if first is None and part.event == "messages":
                chunk = part.data[0] if isinstance(part.data, list) and part.data else {}
                if isinstance(chunk, dict) and chunk.get("content"):
                    first = time.perf_counter() - began
        if first is None:
            raise AssertionError("no token was streamed")
        if i > 0:  # the first run warms the model and the thread up
            samples.append(first)
    r.values["first_token_p50"] = _ms(statistics.median(samples))


async def scenario_history(client: LangGraphClient, s: Settings, r: Results) -> None:
    """`get_history(limit=300)` of a thread with exactly 300 checkpoints."""
    thread = await client.threads.create()
    began = time.perf_counter()
    await client.runs.wait(
        thread["thread_id"],
        "loop",
        input={"n": 0, "target": HISTORY_LOOP_TARGET},
        config={"recursion_limit": 10 * HISTORY_LOOP_TARGET},
    )
    r.info["history_build_run_s"] = round(time.perf_counter() - began, 3)
    expected = HISTORY_LOOP_TARGET + 2
    began = time.perf_counter()
    everything = await _again(lambda: client.threads.get_history(thread["thread_id"], limit=1000))
    r.values["history_first_ms"] = _ms(time.perf_counter() - began)
    if len(everything) != expected:
        raise AssertionError(f"expected {expected} checkpoints, the thread has {len(everything)}")
    samples: list[float] = []
    for i in range(s.history_samples + 1):
        began = time.perf_counter()
        states = await _again(
            lambda: client.threads.get_history(thread["thread_id"], limit=expected)
        )
        if i > 0:
            samples.append(time.perf_counter() - began)
        if len(states) != expected:
            raise AssertionError(f"get_history returned {len(states)} states")
    r.values["history_ms"] = _ms(statistics.median(samples))
    r.info["history_ms_min_max"] = [round(_ms(min(samples)), 1), round(_ms(max(samples)), 1)]


Scenario = Callable[[LangGraphClient, Settings, Results], Coroutine[Any, Any, None]]
SCENARIOS: dict[str, Scenario] = {
    "wait": scenario_wait,
    "burst": scenario_burst,
    "drain": scenario_drain,
    "events": scenario_events,
    "first_token": scenario_first_token,
    "history": scenario_history,
}


async def _run_scenario(url: str, scenario: Scenario, s: Settings, r: Results) -> None:
    client = get_client(url=url, api_key=None)
    try:
        await asyncio.wait_for(scenario(client, s, r), s.scenario_timeout)
    finally:
        await client.aclose()


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    target: float | None  # ratio ours/theirs
    higher_is_better: bool = False
    digits: int = 1


METRICS = [
    Metric("cold_start_s", "cold start to `/ok`", "s", 0.7, digits=2),
    Metric("wait_stateless_p50", "`runs.wait` one node, stateless, p50", "ms", 0.02),
    Metric("wait_stateless_p90", "`runs.wait` one node, stateless, p90", "ms", 0.02),
    Metric("wait_thread_p50", "`runs.wait` one node, on a thread, p50", "ms", 0.02),
    Metric("wait_thread_p90", "`runs.wait` one node, on a thread, p90", "ms", 0.02),
    Metric("burst_runs_per_s", "burst throughput", "runs/s", 3.0, higher_is_better=True),
    Metric(
        "burst_server_cpu_ms",
        "server CPU per burst run (diagnostic)",
        "ms",
        None,
        digits=2,
    ),
    Metric(
        "drain_runs_per_s",
        "backlog drain, from server timestamps (diagnostic)",
        "runs/s",
        None,
        higher_is_better=True,
    ),
    Metric(
        "events_per_s", "custom events streamed", "events/s", 3.0, higher_is_better=True, digits=0
    ),
    Metric("events_first_ms", "time to first custom event", "ms", None),
    Metric("first_token_p50", "time to first token (chat), p50", "ms", 0.02),
    Metric("history_ms", "`get_history` of 300 checkpoints", "ms", 0.5),
    Metric(
        "history_first_ms",
        "`get_history` of 300 checkpoints, first read after the run (diagnostic)",
        "ms",
        None,
    ),
    Metric("rss_mib", "server memory (RSS, process tree) after", "MiB", 0.8),
]


def _fmt(value: float | None, digits: int) -> str:
    if value is None:
        return "error"
    if value >= 10000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def table(ours: Results, theirs: Results) -> tuple[str, int]:
    """The Markdown table and how many targets were missed."""
    lines = [
        "| metric | ours | theirs | ratio (ours/theirs) | target | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    missed = 0
    for m in METRICS:
        a, b = ours.values.get(m.key), theirs.values.get(m.key)
        ratio = a / b if a is not None and b else None
        if m.target is None:
            target, verdict = "—", "(reported)"
        else:
            target = f"{'≥' if m.higher_is_better else '≤'} {m.target:g}x"
            if ratio is None:
                verdict = "n/a"
            else:
                ok = ratio >= m.target if m.higher_is_better else ratio <= m.target
                verdict = "pass" if ok else "**FAIL**"
                missed += not ok
        lines.append(
            f"| {m.label} ({m.unit}) | {_fmt(a, m.digits)} | {_fmt(b, m.digits)} | "
            f"{'n/a' if ratio is None else f'{ratio:.3f}x'} | {target} | {verdict} |"
        )
    integrity = []
    for key, label in (
        ("burst_lost", "burst runs lost"),
        ("burst_duplicated", "burst runs duplicated"),
        ("events_lost", "custom events lost"),
    ):
        a, b = ours.values.get(key), theirs.values.get(key)
        ok = a == 0
        missed += not ok
        integrity.append(
            f"| {label} | {_fmt(a, 0)} | {_fmt(b, 0)} | | 0 | {'pass' if ok else '**FAIL**'} |"
        )
    return "\n".join(lines + integrity), missed


def _version(dist: str) -> str:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return "unknown"


def report(
    ours: Results, theirs: Results, settings: Settings, jobs: int, args: argparse.Namespace
) -> tuple[str, int]:
    body, missed = table(ours, theirs)
    uvloop = _version("uvloop")
    notes = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, lg-studio {_commit()}, "
        f"langgraph-api {_version('langgraph-api')}, "
        f"langgraph-runtime-inmem {_version('langgraph-runtime-inmem')}, "
        f"langgraph {_version('langgraph')}, uvloop {uvloop} (both servers' uvicorn picks it); "
        f"load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        f"Concurrency: `lg-studio serve` default jobs = {jobs}; `langgraph dev "
        f"--no-browser --no-reload --n-jobs-per-worker {jobs}`.",
        f"Samples: cold start median of {args.cold_starts}; `runs.wait` {settings.samples} "
        f"each after {settings.warmup} warm-up; burst of {settings.burst} runs "
        f"({settings.burst_concurrency} submissions in flight); {settings.events} custom events "
        f"x {settings.event_runs} runs (median); first token median of "
        f"{settings.token_samples}; history median of {settings.history_samples}.",
    ]
    extra = []
    for name, res in ((OURS, ours), (THEIRS, theirs)):
        if res.info:
            extra.append(f"- {name}: `{json.dumps(res.info, sort_keys=True)}`")
        for scenario, error in res.errors.items():
            extra.append(f"- {name} **{scenario} failed**: `{error}`")
    text = "\n".join(
        [body, "", *(f"- {n}" for n in notes), *(["", "Details:", *extra] if extra else [])]
    )
    return text, missed


def format_trace(name: str, trace: dict[str, Any], top: int = 30) -> str:
    lines = [f"[ours] trace of {name} (wall-clock; count, total ms, mean ms, max ms):"]
    ranked = sorted(trace.items(), key=lambda kv: -kv[1]["total_ms"])[:top]
    for label, t in ranked:
        mean = t["total_ms"] / max(t["n"], 1)
        lines.append(
            f"    {t['n']:7d} {t['total_ms']:10.1f} {mean:9.3f} {t['max_ms']:9.1f}  {label}"
        )
    return "\n".join(lines)


# --- driver ------------------------------------------------------------------------------


def _scenario(
    server: Server, name: str, results: Results, settings: Settings, profiler: Profiler
) -> None:
    """One scenario against one server, with its CPU, memory and (for `--trace`) trace."""
    kind = server.kind
    profiler.start(server, name)
    startup = server.take_trace()  # start this scenario's trace afresh
    if startup is not None and "startup" not in results.traces:
        results.traces["startup"] = startup
        print(format_trace("startup", startup), flush=True)
    results.cpu = server.cpu_seconds
    began, cpu = time.perf_counter(), server.cpu_seconds()
    try:
        asyncio.run(_run_scenario(server.url, SCENARIOS[name], settings, results))
    except Exception as exc:
        results.errors[name] = f"{type(exc).__name__}: {exc}"[:500]
        print(f"[{kind}] {name} FAILED: {exc!r}\n{server.log_tail(15)}", flush=True)
    finally:
        wall, cpu = time.perf_counter() - began, server.cpu_seconds() - cpu
        profiler.stop()
    results.info.setdefault("server_cpu_s", {})[name] = round(cpu, 2)
    results.info.setdefault("wall_s", {})[name] = round(wall, 2)
    results.info.setdefault("rss_mib_after", {})[name] = round(server.rss_bytes() / 2**20)
    trace = server.take_trace()
    if trace is not None:
        results.traces[name] = trace
        print(format_trace(name, trace), flush=True)
    print(f"[{kind}] {name}: {wall:.1f}s, server CPU {cpu:.2f}s", flush=True)
    if server.process.poll() is not None:
        raise RuntimeError(f"{kind} server died:\n{server.log_tail()}")


def bench(
    root: Path, jobs: int, args: argparse.Namespace, settings: Settings
) -> dict[str, Results]:
    """Cold starts (servers alternating, each starting alone), then every scenario on each
    server in turn, so a slow spell of the machine hits both sides alike."""
    results = {kind: Results() for kind in (OURS, THEIRS)}
    servers: dict[str, Server] = {}
    profiler = Profiler(args.py_spy, flags=tuple(args.py_spy_flags.split()))
    try:
        colds: dict[str, list[float]] = {kind: [] for kind in args.servers}
        for i in range(args.cold_starts):
            for kind in args.servers:
                for other in [k for k in servers if k != kind]:
                    stop_server(servers.pop(other))  # start alone
                if kind in servers:
                    stop_server(servers.pop(kind))
                servers[kind], cold = start_server(kind, root, jobs, trace=args.trace)
                colds[kind].append(cold)
                print(f"[{kind}] cold start {i + 1}: {cold:.2f}s ({servers[kind].url})", flush=True)
        for kind in args.servers:
            if kind not in servers:  # stopped so that the last other one started alone
                servers[kind], _ = start_server(kind, root, jobs, trace=args.trace)
            results[kind].values["cold_start_s"] = statistics.median(colds[kind])
            results[kind].info["cold_starts_s"] = [round(c, 3) for c in colds[kind]]
        for name in args.scenarios:
            for kind in args.servers:
                _scenario(servers[kind], name, results[kind], settings, profiler)
        time.sleep(1.0)  # let background work (checkpoint writes, flush loops) settle
        for kind in args.servers:
            results[kind].values["rss_mib"] = servers[kind].rss_bytes() / 2**20
            print(f"[{kind}] memory: {results[kind].values['rss_mib']:.0f} MiB", flush=True)
    finally:
        profiler.stop()
        for server in servers.values():
            stop_server(server)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--json", type=Path, help="also write raw results (JSON) here")
    parser.add_argument("--servers", default="ours,theirs", help="ours,theirs (default both)")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"subset of {','.join(SCENARIOS)}"
    )
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--samples", type=int, default=Settings.samples)
    parser.add_argument("--burst", type=int, default=Settings.burst)
    parser.add_argument("--burst-concurrency", type=int, default=Settings.burst_concurrency)
    parser.add_argument("--events", type=int, default=Settings.events)
    parser.add_argument("--jobs", type=int, default=None, help="default: our default jobs")
    parser.add_argument("--py-spy", type=Path, default=None, help="profile ours into this dir")
    parser.add_argument(
        "--py-spy-flags", default="", help="extra py-spy record flags, e.g. '--native' or '--gil'"
    )
    parser.add_argument(
        "--trace", action="store_true", help="time our runtime's hot spots (trace_ours.py)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the servers' data and logs")
    args = parser.parse_args(argv)
    args.servers = [s for s in args.servers.split(",") if s]
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = [s for s in args.scenarios if s not in SCENARIOS] + [
        s for s in args.servers if s not in (OURS, THEIRS)
    ]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    if args.cold_starts < 1:
        parser.error("--cold-starts must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(
        samples=args.samples,
        burst=args.burst,
        burst_concurrency=args.burst_concurrency,
        events=args.events,
    )
    jobs = args.jobs or default_jobs()
    settings.jobs = jobs
    root = Path(tempfile.mkdtemp(prefix="lg-studio-bench-"))
    print(f"Benchmark data and logs in {root}", flush=True)

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # unwinds through every finally: servers are stopped

    signal.signal(signal.SIGTERM, on_signal)
    began = time.perf_counter()
    try:
        results = bench(root, jobs, args, settings)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    text, _ = report(results[OURS], results[THEIRS], settings, jobs, args)
    command = "`.venv/bin/python -m tests.benchmarks.run " + " ".join(argv or sys.argv[1:])
    text += f"\n- Command: {command.strip()}` ({time.perf_counter() - began:.0f} s in all)."
    print("\n" + text, flush=True)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    if args.json:
        raw = {
            k: {"values": v.values, "info": v.info, "errors": v.errors, "traces": v.traces}
            for k, v in results.items()
        }
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    errors = any(r.errors for r in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
