"""A runtime whose start fails closes what it had opened: the studio's process lives on after
a failed start, and must not keep the SQLite files, the Postgres pool or its connections."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from studio.runtime.config import ConfigError, ServerOptions, load_project
from studio.runtime.context import Runtime
from tests.support import scaleout
from tests.support.projects import project_with

NUL_NAMED_GRAPH = """
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict


class State(TypedDict):
    n: int


builder = StateGraph(State)
builder.add_node("step", lambda state: state)
builder.add_edge(START, "step")
builder.add_edge("step", END)
graph = builder.compile(name="nul\\x00name")
"""
"""A graph Postgres cannot register: its name holds a NUL, which Postgres text refuses."""


def _open_files_under(folder: Path) -> list[str]:
    """What this process holds open in `folder` (Linux: /proc/self/fd)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed since listed
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    name = scaleout.database_for(tmp_path / "deployment")
    yield name
    scaleout.drop_deployment(name)


async def test_a_failed_start_closes_the_sqlite_files(tmp_path: Path) -> None:
    # Webhook headers may only read variables with the project's prefix: refused after the
    # databases opened.
    project = project_with(
        tmp_path / "project", ("echo",), webhooks={"headers": {"X-Key": "${{ env.HOME }}"}}
    )
    data_dir = tmp_path / "data"
    options = ServerOptions(data_dir=data_dir, reload=False)

    with pytest.raises(ConfigError, match=r"webhooks\.headers"):
        await Runtime.start(load_project(project), options)

    assert (data_dir / "runtime.sqlite").exists(), "the failure came after the databases opened"
    assert _open_files_under(data_dir) == []


async def test_a_failed_start_closes_the_postgres_connections(
    tmp_path: Path, database: str
) -> None:
    project = project_with(tmp_path / "project", ("echo",))
    (project / "nul_named.py").write_text(NUL_NAMED_GRAPH)
    config = json.loads((project / "langgraph.json").read_text())
    config["graphs"]["nul_named"] = "./nul_named.py:graph"
    (project / "langgraph.json").write_text(json.dumps(config))
    options = ServerOptions(
        data_dir=tmp_path / "data",
        reload=False,
        postgres_uri=scaleout.create_database(database),
        redis_uri=scaleout.REDIS,
    )

    with pytest.raises(psycopg.DataError, match="NUL"):
        await Runtime.start(load_project(project), options)

    with psycopg.connect(scaleout.database_uri(database), autocommit=True) as conn:
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        registered = conn.execute("SELECT count(*) FROM workers").fetchone()
    assert others == (0,), "the pool and the queue's own connection are closed"
    assert registered == (0,)
