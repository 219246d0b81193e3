"""Crons: creating and patching them as LangGraph Server does, and firing the due ones.

A cron keeps the run request it makes at every tick as its `payload` (the fields the client
sent, with `assistant_id` resolved and `config.configurable.cron_id` added). Every tick goes
through the same `run_request` as any other run, and is claimed together with the insert of
its run (see `Storage.fire_cron`), so no tick ever runs twice. Missed ticks are coalesced into
one, as the reference does: after a restart a due cron fires once, then follows its schedule.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from studio.protocol.schema import Assistant, Cron
from studio.runtime import ids
from studio.runtime.api.cron_models import CronCreate, CronPatch, ThreadCronCreate
from studio.runtime.api.models import RunCreateStateful, RunCreateStateless
from studio.runtime.auth.caller import ANONYMOUS, AUTH_CONFIGURABLE, Caller
from studio.runtime.auth.filters import matches
from studio.runtime.cron_schedule import check_schedule, check_timezone, next_fire, tick_run_id
from studio.runtime.errors import ApiError, not_found
from studio.runtime.services.assistants import resolve_assistant
from studio.runtime.services.authz import authorize, check_assistant_usable
from studio.runtime.services.runs import run_request, schedule_run

if TYPE_CHECKING:
    from studio.runtime.context import Runtime

logger = logging.getLogger(__name__)

POLL_SECONDS = 5.0
"""Longest sleep of the scheduler: how soon it sees crons written by another process."""
BATCH = 100
"""Crons fired per turn of the scheduler; a full batch is followed at once by another."""


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return ids.iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


# What a cron's payload carries in `config.configurable` besides the client's own keys: its id
# and the user who created it (whom every tick's run is authorized and run as).
_CRON_CONFIGURABLE = frozenset({"cron_id", *AUTH_CONFIGURABLE})


def _with_identity(payload: dict[str, Any], cron_id: str, creator: Caller) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    config = payload.get("config") or {}
    config["configurable"] = {
        **(config.get("configurable") or {}),
        "cron_id": cron_id,
        **creator.run_configurable(),
    }
    payload["config"] = config
    return payload


def cron_creator(cron: Cron) -> Caller:
    """The caller a cron acts for (stored in its payload when it was created)."""
    configurable = (cron["payload"].get("config") or {}).get("configurable") or {}
    return Caller.from_run_configurable(configurable)


def run_body(cron: Cron) -> RunCreateStateful | RunCreateStateless:
    """The run request of one tick of `cron`.

    `cron_id` and the creator are dropped from the payload's configurable here and handed to
    `run_request` separately, so they never count as a `configurable` given next to `context`."""
    payload = copy.deepcopy(cron["payload"])
    config = payload.get("config") or {}
    configurable = {
        k: v for k, v in (config.get("configurable") or {}).items() if k not in _CRON_CONFIGURABLE
    }
    if configurable:
        config["configurable"] = configurable
    else:
        config.pop("configurable", None)
    payload["config"] = config
    payload["metadata"] = {**cron["metadata"], **(payload.get("metadata") or {})}
    try:
        if cron["thread_id"] is not None:
            return RunCreateStateful.model_validate(payload)
        completion = "keep" if cron["on_run_completed"] == "keep" else "delete"
        return RunCreateStateless.model_validate({**payload, "on_completion": completion})
    except ValidationError as exc:
        raise ApiError(422, f"Invalid cron payload: {exc}") from None


async def _check_runnable(runtime: Runtime, cron: Cron) -> None:
    """Build (and discard) the run of a tick, so a cron that could never run is refused now
    with the error its runs would get, not logged at every tick."""
    if cron["payload"].get("webhook"):
        runtime.webhook_policy.check(cron["payload"]["webhook"])
    await run_request(
        runtime,
        run_body(cron),
        thread_id=cron["thread_id"],
        headers={"cron_id": cron["cron_id"]},
        caller=cron_creator(cron),
    )


async def _authorize_cron(
    runtime: Runtime, caller: Caller, assistant: Assistant, value: dict[str, Any]
) -> None:
    """LangGraph Server's `crons.create` check (its handler may add metadata), then
    `assistants.read` for a non-system assistant and `threads.read` for the cron's thread; a
    hidden one is reported missing."""
    if runtime.auth is None:
        return
    await authorize(runtime, caller, "crons", "create", value)
    missing = f"Assistant '{assistant['assistant_id']}' not found"
    await check_assistant_usable(runtime, caller, assistant, missing)
    thread_id = value["thread_id"]
    if thread_id is not None:
        read = {"thread_id": thread_id, "metadata": value["metadata"]}
        filters = await authorize(runtime, caller, "threads", "read", read)
        thread = await runtime.storage.get_thread(thread_id)
        if thread is not None and not matches(thread["metadata"], filters):
            raise not_found(f"Thread with ID '{thread_id}' not found")


async def create_cron(
    runtime: Runtime,
    body: CronCreate | ThreadCronCreate,
    thread_id: str | None,
    caller: Caller = ANONYMOUS,
) -> Cron:
    check_schedule(body.schedule)
    timezone = check_timezone(body.timezone)
    assistant = await resolve_assistant(runtime, body.assistant_id)
    cron_id = ids.uuid7()
    payload = body.model_dump(exclude_unset=True, mode="json")
    payload["assistant_id"] = assistant["assistant_id"]
    value: dict[str, Any] = {
        "payload": payload,
        "schedule": body.schedule,
        "cron_id": cron_id,
        "thread_id": thread_id,
        "user_id": caller.identity,
        "end_time": _iso(body.end_time),
        "metadata": dict(body.metadata or {}),
    }
    await _authorize_cron(runtime, caller, assistant, value)
    if thread_id is not None and await runtime.storage.get_thread(thread_id) is None:
        raise not_found(f"Thread with ID '{thread_id}' not found")
    now = ids.now()
    cron: Cron = {
        "cron_id": cron_id,
        "assistant_id": assistant["assistant_id"],
        "thread_id": thread_id,
        "user_id": caller.identity,
        "schedule": body.schedule,
        "timezone": timezone,
        "end_time": _iso(body.end_time),
        "payload": _with_identity(payload, cron_id, caller),
        "next_run_date": ids.iso(next_fire(body.schedule, now, timezone)),
        "metadata": value["metadata"],
        "on_run_completed": body.on_run_completed if isinstance(body, CronCreate) else None,
        "enabled": body.enabled,
        "created_at": ids.iso(now),
        "updated_at": ids.iso(now),
    }
    await _check_runnable(runtime, cron)
    created = await runtime.storage.create_cron(cron)
    runtime.cron_scheduler.wake()
    return created


async def get_cron(runtime: Runtime, cron_id: str) -> Cron:
    cron = await runtime.storage.get_cron(cron_id)
    if cron is None:
        raise not_found(f"Cron '{cron_id}' not found")
    return cron


def _patched(cron: Cron, body: CronPatch, sent: dict[str, Any], now: datetime) -> Cron:
    """LangGraph Server's cron PATCH: schedule fields replace (an explicit `end_time: null`
    clears it), `metadata` merges, and everything sent merges into `payload`."""
    updated: Cron = copy.deepcopy(cron)
    if body.timezone is not None:
        updated["timezone"] = body.timezone
    if body.schedule is not None:
        updated["schedule"] = body.schedule
    if body.schedule is not None or body.timezone is not None:
        updated["next_run_date"] = ids.iso(next_fire(updated["schedule"], now, updated["timezone"]))
    if "end_time" in sent:
        updated["end_time"] = _iso(body.end_time)
    if body.enabled is not None:
        updated["enabled"] = body.enabled
    if body.on_run_completed is not None:
        updated["on_run_completed"] = body.on_run_completed
    if body.metadata is not None:
        updated["metadata"] = {**cron["metadata"], **body.metadata}
    payload = {**cron["payload"], **body.model_dump(exclude_unset=True, mode="json")}
    payload["assistant_id"] = cron["payload"].get("assistant_id", cron["assistant_id"])
    updated["payload"] = _with_identity(payload, cron["cron_id"], cron_creator(cron))
    updated["updated_at"] = ids.iso(now)
    return updated


async def update_cron(
    runtime: Runtime, cron_id: str, body: CronPatch, sent: dict[str, Any]
) -> Cron:
    if not sent:
        raise ApiError(400, "Request body cannot be empty")
    if body.schedule is not None:
        check_schedule(body.schedule)
    check_timezone(body.timezone)
    now = ids.now()
    await _check_runnable(runtime, _patched(await get_cron(runtime, cron_id), body, sent, now))
    # Applied again to the row as it is inside the write, so a tick claimed meanwhile stays.
    updated = await runtime.storage.update_cron(
        cron_id, lambda current: _patched(current, body, sent, now)
    )
    if updated is None:
        raise not_found(f"Cron '{cron_id}' not found")
    runtime.cron_scheduler.wake()
    return updated


async def fire_due_crons(runtime: Runtime) -> float:
    """Start the run of every due cron; the seconds until the next one is due."""
    now = ids.now()
    due = await runtime.storage.due_crons(ids.iso(now), BATCH)
    for cron in due:
        await _fire(runtime, cron, now)
    if len(due) == BATCH:
        return 0.0
    now = ids.now()
    earliest = await runtime.storage.next_cron_due(ids.iso(now))
    if earliest is None:
        return POLL_SECONDS
    wait = (datetime.fromisoformat(earliest) - now).total_seconds()
    return min(max(wait, 0.0), POLL_SECONDS)


async def _fire(runtime: Runtime, cron: Cron, now: datetime) -> None:
    cron_id, tick = cron["cron_id"], cron["next_run_date"]
    assert tick is not None, "due crons have a next run date"
    next_tick = ids.iso(next_fire(cron["schedule"], now, cron["timezone"]))
    try:
        request = await run_request(
            runtime,
            run_body(cron),
            thread_id=cron["thread_id"],
            headers={"cron_id": cron_id},
            run_id=tick_run_id(cron_id, tick),
            caller=cron_creator(cron),
        )
        inserted = await runtime.storage.fire_cron(
            cron_id, tick, next_tick, request, reject_if_busy=request.multitask_strategy == "reject"
        )
    except Exception:
        # The tick is skipped, not retried forever: LangGraph Server logs it and moves on.
        logger.exception("Cron %s could not start its run for %s", cron_id, tick)
        await runtime.storage.claim_cron_tick(cron_id, tick, next_tick)
        return
    if inserted is None:
        return  # another process sharing the database fired this tick
    try:
        await schedule_run(runtime, request, inserted)
    except ApiError as exc:
        logger.warning("Cron %s skipped its run for %s: %s", cron_id, tick, exc.detail)
