"""What the Postgres checkpointer reader shows of a DSN: never its password."""

from __future__ import annotations

import pytest

from studio.client.api import ClientError
from studio.client.checkpoint_postgres import CheckpointDatabase


def test_the_password_of_a_dsn_is_never_shown() -> None:
    reader = CheckpointDatabase("postgresql://ann:s3cret@db.example:5433/agents")
    assert "s3cret" not in reader.location
    assert "dbname=agents" in reader.location
    assert reader.name == "agents"
    reader.close()


def test_a_string_that_is_no_dsn_is_said_to_be_none() -> None:
    with pytest.raises(ClientError, match="not a Postgres connection string"):
        CheckpointDatabase("this is = = not a dsn")
