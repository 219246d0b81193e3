"""A real `lg-studio serve` process on a free loopback port, for tests.

The server is told to listen on port 0 and prints the URL it got; we read that line instead of
guessing a port or polling, so there is no race and no sleep.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.support import scaleout

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PROJECT = ROOT / "tests" / "fixtures" / "project"

_URL = re.compile(r"serving .* at (http://\S+)")
# uvicorn re-raises SIGTERM after a graceful shutdown, so a clean stop may report -SIGTERM.
CLEAN_EXIT = (0, -signal.SIGTERM)


def slow_graph_project(folder: Path, lg_studio: dict[str, object]) -> Path:
    """A project in `folder` serving only the fixture's `slow` graph, with lg-studio settings
    `lg_studio` (limits and timings a test wants small)."""
    folder.mkdir()
    config = json.loads((FIXTURE_PROJECT / "langgraph.json").read_text())
    config["graphs"] = {"slow": str(FIXTURE_PROJECT / "graphs" / "slow.py") + ":graph"}
    config["dependencies"] = [str(FIXTURE_PROJECT)]
    config["lg_studio"] = lg_studio
    (folder / "langgraph.json").write_text(json.dumps(config))
    return folder


class ServerProcess:
    """`lg-studio serve` in a child process; its output is kept for failure reports."""

    def __init__(
        self,
        data_dir: Path,
        project: Path = FIXTURE_PROJECT,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        command: tuple[str, ...] = (sys.executable, "-m", "studio"),
    ) -> None:
        """`command` is how to invoke `lg-studio` (a packaged build passes its executable)."""
        self.command = command
        self.data_dir = data_dir
        self.project = project
        self.extra_args = extra_args
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.url = ""
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._process: subprocess.Popen[str] | None = None
        self._pump_thread: threading.Thread | None = None

    def start(self, timeout: float = 60.0) -> str:
        backend = (
            scaleout.scaleout_args(self.data_dir)
            if scaleout.ON_POSTGRES and "--postgres-uri" not in self.extra_args
            else ()
        )
        self._process = subprocess.Popen(
            [
                *self.command,
                "serve",
                "--config",
                str(self.project),
                "--port",
                "0",
                "--data-dir",
                str(self.data_dir),
                "--log-level",
                "warning",
                *backend,
                *self.extra_args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                self.kill()
                raise RuntimeError("server did not start:\n" + "".join(self.output)) from None
            if line is None:
                self.kill()
                raise RuntimeError("server exited during start-up:\n" + "".join(self.output))
            match = _URL.search(line)
            if match:
                self.url = match.group(1)
                return self.url

    def _pump(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as a service manager would; True exit codes are 0 or -SIGTERM (uvicorn
        re-raises the signal after a graceful shutdown)."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            self._process.wait(timeout)
        self._close()
        return self._process.returncode

    def wait_exit(self, timeout: float = 60.0) -> int:
        """Wait for the process to end on its own (e.g. killed by its own graph)."""
        assert self._process is not None
        code = self._process.wait(timeout)
        self._close()
        return code

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to tidy up."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._close()

    def _close(self) -> None:
        if self._pump_thread is not None:
            self._pump_thread.join(10)
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()

    def log(self) -> str:
        return "".join(self.output)
