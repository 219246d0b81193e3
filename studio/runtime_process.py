"""The runtime in the project's own Python: a child process the studio talks to over HTTP.

A studio installed apart from the project (with pipx, or as the one-folder app) cannot import
the user's packages, and the user's graphs need them. So when a project has its own virtual
environment, the studio starts `lg-studio serve` with that environment's interpreter instead
of in its own process, and talks to it over the same HTTP API as always.

The child imports the studio's own copy of the `studio` package (put first on its
`PYTHONPATH`), so the runtime always matches the studio's version. Everything else the runtime
needs must be installed in the project's environment; `environment_problems` says exactly what
is missing, with the command that installs it.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path
from typing import IO

from packaging.requirements import Requirement

import studio

# Distributions only the studio's side needs (the window, this module): the runtime never
# imports them, so the project's environment need not have them.
STUDIO_ONLY = frozenset(
    {"pyside6-essentials", "qasync", "networkx", "grandalf", "pygments", "packaging"}
)
VENV_NAMES = (".venv", "venv")
MINIMUM_PYTHON = (3, 11)
_URL = re.compile(r"serving .* at (http://\S+)")
_LOG_LINES = 200
# Asks the project's interpreter for its version and the versions of the runtime's
# distributions; it runs there, so it may use nothing but the standard library.
_PROBE = """
import json, sys
from importlib.metadata import PackageNotFoundError, version
found = {}
for name in json.loads(sys.argv[1]):
    try:
        found[name] = version(name)
    except PackageNotFoundError:
        found[name] = None
print(json.dumps({"python": list(sys.version_info[:2]), "found": found}))
"""


def project_interpreter(root: Path) -> Path | None:
    """The interpreter of the project's virtual environment, unless it is the studio's own."""
    for name in VENV_NAMES:
        venv = root / name
        for python in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
            if python.is_file() and venv.resolve() != Path(sys.prefix).resolve():
                return python
    return None


def runtime_requirements() -> list[Requirement]:
    """What `lg-studio serve` needs installed: the studio's own requirements minus the UI's."""
    try:
        declared = requires("lg-studio") or []
    except PackageNotFoundError:  # a source tree never installed: nothing to compare against
        return []
    needed = [Requirement(text) for text in declared]
    return [r for r in needed if r.marker is None and r.name.lower() not in STUDIO_ONLY]


def environment_problems(python: Path) -> str | None:
    """None if `python` can run the runtime; otherwise what is wrong and how to fix it."""
    needed = runtime_requirements()
    try:
        probe = subprocess.run(
            [str(python), "-c", _PROBE, json.dumps([r.name for r in needed])],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=_clean_environment(),
        )
        answer = json.loads(probe.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return f"{python} could not be run: {exc}"
    if tuple(answer["python"]) < MINIMUM_PYTHON:
        have = ".".join(map(str, answer["python"]))
        return f"{python} is Python {have}; the lg-studio runtime needs 3.11 or newer."
    unmet = [
        r for r in needed if (v := answer["found"].get(r.name)) is None or v not in r.specifier
    ]
    if not unmet:
        return None
    listed = ", ".join(
        f"{r.name} {answer['found'][r.name]} (needs {r.specifier})"
        if answer["found"].get(r.name)
        else f"{r.name} (missing)"
        for r in unmet
    )
    install = " ".join(f'"{r}"' for r in unmet)
    return (
        f"The project's environment ({python}) lacks what the lg-studio runtime needs: "
        f"{listed}.\nInstall it with:\n  {python} -m pip install {install}"
    )


class RuntimeProcess:
    """`lg-studio serve` on a free port, run by the project's interpreter.

    Same shape as `ServerThread` (start, wait_started, stop), so the launcher can use either.
    """

    def __init__(self, python: Path, project_root: Path, data_dir: Path | None) -> None:
        self.python = python
        self.project_root = project_root
        self.data_dir = data_dir
        self.log: collections.deque[str] = collections.deque(maxlen=_LOG_LINES)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._source = tempfile.TemporaryDirectory(prefix="lg-studio-runtime-")
        self._process: subprocess.Popen[str] | None = None
        self._pump_thread: threading.Thread | None = None

    def start(self) -> None:
        command = [str(self.python), "-m", "studio", "serve", "--config", str(self.project_root)]
        command += ["--port", "0", "--log-level", "warning"]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        self._process = process = subprocess.Popen(
            command,
            cwd=self.project_root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self._environment(),
        )
        assert process.stdout is not None  # stdout=PIPE
        self._pump_thread = threading.Thread(
            target=self._pump, args=(process.stdout,), name="lg-studio-runtime-log", daemon=True
        )
        self._pump_thread.start()

    def wait_started(self, timeout: float | None = None) -> str:
        """The server's URL once it serves; RuntimeError with its output if it never does."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                self.stop()
                raise RuntimeError(self._failure("did not start in time")) from None
            if line is None:
                raise RuntimeError(self._failure("exited while starting"))
            if match := _URL.search(line):
                return match.group(1)

    def stop(self, timeout: float = 15.0) -> None:
        """Let the server drain its runs (SIGTERM), then kill it if it does not end in time."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._pump_thread is not None:
            self._pump_thread.join(timeout)
        self._source.cleanup()

    def _environment(self) -> dict[str, str]:
        source = _runtime_source(Path(self._source.name))
        paths = [str(source), *filter(None, [os.environ.get("PYTHONPATH")])]
        return {
            **_clean_environment(),
            "PYTHONPATH": os.pathsep.join(paths),
            "PYTHONUNBUFFERED": "1",
            "LG_STUDIO_VERSION": studio.__version__,
        }

    def _pump(self, output: IO[str]) -> None:
        with output:
            for line in output:
                self.log.append(line.rstrip("\n"))
                self._lines.put(line)
        self._lines.put(None)

    def _failure(self, what: str) -> str:
        output = "\n".join(self.log) or "(no output)"
        return f"The runtime in {self.python} {what}:\n{output}"


def _clean_environment() -> dict[str, str]:
    """The studio's environment minus what would make another interpreter load the studio's
    files: its virtual environment, and the library path a PyInstaller bundle sets for itself
    (the bootloader keeps the user's original in `LD_LIBRARY_PATH_ORIG`)."""
    env = {**os.environ}
    for name in ("VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(name, None)
    if getattr(sys, "frozen", False):
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


def _runtime_source(scratch: Path) -> Path:
    """A folder holding the `studio` package as source, for the child's `PYTHONPATH`.

    Frozen, the bundle carries that source as data (see packaging/lg-studio.spec). Installed,
    the package is copied out rather than its site-packages folder put on the path, which
    would hand the project's interpreter every other package of the studio's environment.
    """
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled is not None:
        return Path(bundled) / "runtime-src"
    package = Path(studio.__file__).resolve().parent
    shutil.copytree(
        package, scratch / "studio", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return scratch
