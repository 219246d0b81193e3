"""The API fuzzed against its own /openapi.json with schemathesis: whatever a client sends,
the server never answers 5xx, and every answer (status, media type, body) is one the
description lists, for requests it allows and for requests it rules out. Examples are
bounded so the whole run stays in the default suite.

schemathesis' `negative_data_rejection` check is not run: it wants unknown query parameters
and empty ones refused, where LangGraph Server (and so this server) ignores them, because
clients send them. Wrong types and values are refused, as tests/runtime/test_nasty_inputs.py
checks field by field.

Each operation is driven through `APIOperation.as_strategy` rather than schemathesis' pytest
plugin, whose lazy-schema mode does not run under pytest 9.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.projects import project_with, running
from tests.support.server import ServerProcess

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 6
"""Per operation and generation mode: ~60 operations x 2 modes stay within seconds."""
ENDLESS = "/lg-studio/events"
"""The server's own event feed never ends; there is nothing in it to fuzz but its length."""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    folder = tmp_path_factory.mktemp("fuzz")
    project = project_with(folder / "project", ("echo",))
    with running(ServerProcess(folder / "data", project)) as process:
        yield schemathesis.openapi.from_url(f"{process.url}/openapi.json")


def _fuzz(operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_described(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS, timeout=30)

    answers_as_described()


def test_every_operation_answers_as_described(api: schemathesis.BaseSchema) -> None:
    failures = []
    for result in api.get_all_operations():
        operation = result.ok()
        if operation.path == ENDLESS:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to break
            except (Exception, BaseExceptionGroup) as exc:  # one report for the whole API
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
