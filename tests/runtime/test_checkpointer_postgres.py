"""The scale-out checkpointer: langgraph's conformance suite against `StudioPostgresSaver`,
on the real Postgres, which proves the rollback (`adelete_for_runs`) and copy
(`acopy_thread`) we add to langgraph's saver, and that the rest is still langgraph's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance.spec.test_copy_thread import ALL_COPY_THREAD_TESTS
from langgraph.checkpoint.conformance.spec.test_delete_for_runs import (
    ALL_DELETE_FOR_RUNS_TESTS,
)
from langgraph.checkpoint.conformance.spec.test_get_tuple import ALL_GET_TUPLE_TESTS
from langgraph.checkpoint.conformance.spec.test_put import ALL_PUT_TESTS

from studio.runtime.checkpointer_postgres import StudioPostgresSaver
from studio.runtime.storage.postgres_db import make_pool
from tests.support import scaleout

Saver = BaseCheckpointSaver[Any]

_CONFORMANCE = [
    (capability, test)
    for capability, tests in [
        ("delete_for_runs", ALL_DELETE_FOR_RUNS_TESTS),
        ("copy_thread", ALL_COPY_THREAD_TESTS),
        ("put", ALL_PUT_TESTS),
        ("get_tuple", ALL_GET_TUPLE_TESTS),
    ]
    for test in tests
]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = scaleout.database_for(tmp_path_factory.mktemp("checkpoints") / "db")
    uri = scaleout.create_database(name)
    yield uri
    scaleout.drop_deployment(name)


@pytest.fixture
async def saver(database: str) -> AsyncIterator[StudioPostgresSaver]:
    pool = make_pool(database, max_size=4)
    await pool.open(wait=True)
    try:
        opened = StudioPostgresSaver(pool)
        await opened.setup()
        yield opened
    finally:
        await pool.close()


@pytest.mark.parametrize(
    "conformance_test",
    [test for _, test in _CONFORMANCE],
    ids=[
        f"{capability}-{test.__name__.removeprefix('test_')}" for capability, test in _CONFORMANCE
    ],
)
async def test_conformance(
    saver: StudioPostgresSaver, conformance_test: Callable[[Saver], Awaitable[None]]
) -> None:
    await conformance_test(saver)
