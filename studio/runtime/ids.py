"""Identifiers and timestamps in the forms LangGraph Server uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from uuid_utils.compat import uuid7 as _uuid7


def uuid7() -> str:
    """Time-ordered ids for threads and runs: sorting by id sorts by creation."""
    return str(_uuid7())


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width ISO-8601 (always microseconds, always +00:00), so strings sort as times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now_iso(after_seconds: float = 0) -> str:
    return iso(now() + timedelta(seconds=after_seconds))


def canonical_uuid(value: object) -> str | None:
    """The canonical text of a UUID given in any form `uuid.UUID` accepts, else None."""
    if not isinstance(value, str):
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None
