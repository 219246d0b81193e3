"""Projects with their own virtual environment, as users have them, made in seconds offline.

A real `pip install` of the runtime's requirements would need the network and minutes, so the
"complete" environment borrows this test run's installed packages through a `.pth` line. It
does not see the `studio` package itself (that comes from an editable install's import hook,
which a `.pth` path line does not load): the studio must hand its own copy to the child.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

WHERE_GRAPH = """
import sys
from typing import TypedDict

from langgraph.graph import START, StateGraph


class Where(TypedDict, total=False):
    python: str
    prefix: str


def report(state: Where) -> Where:
    return {"python": sys.executable, "prefix": sys.prefix}


builder = StateGraph(Where)
builder.add_node("report", report)
builder.add_edge(START, "report")
graph = builder.compile()
"""


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def make_project(folder: Path) -> Path:
    """A project whose one graph, `where`, answers with the interpreter that runs it."""
    folder.mkdir(parents=True)
    (folder / "where.py").write_text(WHERE_GRAPH)
    (folder / "langgraph.json").write_text('{"graphs": {"where": "./where.py:graph"}}')
    return folder


def make_venv(project: Path, *, with_runtime_packages: bool) -> Path:
    """`project/.venv`, empty, or able to import what the runtime needs; its interpreter."""
    venv = project / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv_python(venv)
    if with_runtime_packages:
        site = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        ours = sysconfig.get_paths()["purelib"]
        (Path(site) / "borrowed.pth").write_text(ours + "\n")
    return python
