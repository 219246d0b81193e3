"""The runtime in the project's own Python: found, checked, started, and talked to over HTTP."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from langgraph_sdk import get_client

import studio
from studio.runtime_process import RuntimeProcess, environment_problems, project_interpreter
from tests.support.venvs import make_project, make_venv


def test_a_project_venv_is_found_but_not_the_studios_own(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    assert project_interpreter(project) is None
    python = make_venv(project, with_runtime_packages=False)
    assert project_interpreter(project) == python
    assert project_interpreter(Path(sys.prefix).parent) is None, "the studio's venv is not one"


def test_an_empty_environment_is_told_exactly_what_to_install(tmp_path: Path) -> None:
    python = make_venv(make_project(tmp_path / "project"), with_runtime_packages=False)
    problems = environment_problems(python)
    assert problems is not None
    assert str(python) in problems
    for needed in ("langgraph (missing)", "uvicorn (missing)", "starlette (missing)"):
        assert needed in problems
    assert "PySide6" not in problems, "the window's packages are not the runtime's business"
    command = problems.splitlines()[-1].strip()
    assert command.startswith(f"{python} -m pip install ")
    assert '"langgraph>=' in command


async def test_the_runtime_runs_the_graphs_in_the_projects_interpreter(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    python = make_venv(project, with_runtime_packages=True)
    assert environment_problems(python) is None
    process = RuntimeProcess(python, project, tmp_path / "data")
    process.start()
    try:
        sdk = get_client(url=await asyncio.to_thread(process.wait_started, 120))
        answer = await sdk.runs.wait(None, "where", input={})
        info = await sdk.http.get("/info")
        await sdk.http.client.aclose()
    finally:
        process.stop()
    assert isinstance(answer, dict)
    assert Path(answer["prefix"]) == project / ".venv"
    assert isinstance(info, dict)
    assert info["lg_studio_version"] == studio.__version__, "the child runs the studio's runtime"


def test_a_runtime_that_cannot_start_says_why(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "where.py").write_text("raise SystemExit('the project is broken')\n")
    (project / "langgraph.json").write_text('{"graphs": {"where": "./where.py:graph"}')
    python = make_venv(project, with_runtime_packages=True)
    process = RuntimeProcess(python, project, tmp_path / "data")
    process.start()
    try:
        process.wait_started(timeout=120)
    except RuntimeError as exc:
        message = str(exc)
    else:
        raise AssertionError("a broken project started")
    finally:
        process.stop()
    assert f"The runtime in {python} exited while starting" in message
    assert "langgraph.json" in message
