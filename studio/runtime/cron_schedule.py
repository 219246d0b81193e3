"""Cron schedules: validation and the next fire time, as LangGraph Server computes them.

Schedules are croniter expressions: the standard five fields, or six with seconds last (so
`* * * * * *` fires every second), evaluated in the cron's IANA `timezone` (UTC by default).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from studio.runtime.errors import ApiError


def check_schedule(schedule: str) -> str:
    if not croniter.is_valid(schedule):
        raise ApiError(
            422,
            f"Invalid cron schedule: '{schedule}'. Reason: Invalid cron schedule. Ensure the "
            "schedule uses the standard cron format (minute hour day_of_month month "
            "day_of_week). Example: '*/5 * * * *' for every 5 minutes.",
        )
    return schedule


def check_timezone(timezone: str | None) -> str | None:
    if timezone is None:
        return None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(
            422,
            f"Invalid timezone: '{timezone}'. Use IANA timezone format (e.g. 'America/New_York').",
        ) from None
    return timezone


def next_fire(schedule: str, after: datetime, timezone: str | None) -> datetime:
    """The first time strictly after `after` that `schedule` names, in UTC."""
    base = after.astimezone(ZoneInfo(timezone)) if timezone else after.astimezone(UTC)
    fire: datetime = croniter(schedule, base).get_next(datetime)
    return fire.astimezone(UTC)


def tick_run_id(cron_id: str, tick: str) -> str:
    """The id of the run a cron starts for `tick` (ISO time): a UUIDv7 whose timestamp is the
    tick and whose other bits hash (cron, tick). One tick always names one run, so storage
    would refuse a second run of a tick, and ids still sort by time like other run ids."""
    millis = int(datetime.fromisoformat(tick).timestamp() * 1000) & (1 << 48) - 1
    digest = int.from_bytes(hashlib.sha256(f"{cron_id}@{tick}".encode()).digest()[:10], "big")
    rand_a = digest >> 68 & 0xFFF
    rand_b = digest & (1 << 62) - 1
    return str(UUID(int=millis << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b))
