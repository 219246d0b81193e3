"""The studio's logging set-up: what reaches the Logs pane and what reaches the terminal."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from studio.cli import CHATTY_LOGGERS, configure_studio_logging


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)  # the level the runtime's LogCapture listens at
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """The set-up changes the process's logging; every test leaves it as it found it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    chatty = {name: logging.getLogger(name).level for name in CHATTY_LOGGERS}
    yield
    root.setLevel(level)
    root.handlers[:] = handlers
    for name, saved in chatty.items():
        logging.getLogger(name).setLevel(saved)


def test_a_graphs_info_records_reach_the_logs_pane_but_not_the_studios_http() -> None:
    configure_studio_logging()
    kept = Kept()
    logging.getLogger().addHandler(kept)
    logging.getLogger("project.agent").info("planning the trip")
    logging.getLogger("httpx").info("HTTP Request: GET /ok 200")
    assert kept.messages == ["project.agent: planning the trip"]


def test_the_terminal_gets_warnings_only(capsys: pytest.CaptureFixture[str]) -> None:
    configure_studio_logging()
    logging.getLogger("project.agent").info("quiet")
    logging.getLogger("project.agent").warning("loud")
    assert capsys.readouterr().err.splitlines() == ["WARNING project.agent: loud"]
