"""Authorization from services, which also act for callers outside a request (a cron's run is
authorized as the cron's creator)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.protocol.schema import Assistant
from studio.runtime.auth.caller import Caller
from studio.runtime.auth.filters import Filter, matches
from studio.runtime.errors import not_found

if TYPE_CHECKING:
    from studio.runtime.context import Runtime


async def authorize(
    runtime: Runtime, caller: Caller, resource: str, action: str, value: dict[str, Any]
) -> Filter | None:
    """The project's handler for (resource, action) run on `value` (which it may change);
    None, allowing everything, without custom auth."""
    if runtime.auth is None:
        return None
    return await runtime.auth.authorize(caller, resource, action, value)


async def check_assistant_usable(
    runtime: Runtime, caller: Caller, assistant: Assistant, missing: str
) -> None:
    """A run or cron may use a user-made assistant only if the caller may read it (404
    `missing` otherwise); system assistants are everyone's, as in LangGraph Server."""
    if assistant["metadata"].get("created_by") == "system":
        return
    value = {"assistant_id": assistant["assistant_id"]}
    if not matches(
        assistant["metadata"], await authorize(runtime, caller, "assistants", "read", value)
    ):
        raise not_found(missing)
