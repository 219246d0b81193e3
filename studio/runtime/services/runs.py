"""Creating runs: validation, config/context merging, double texting, and hand-off to the queue.

Every way of starting a run (background, wait, stream, stateless, batch, crons) comes through
`run_request` then `schedule_run` (together: `create_run`), which follow LangGraph Server's
`create_valid_run`; crons store the run in their own transaction, between the two.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from studio.protocol.schema import Assistant, Run
from studio.runtime import ids
from studio.runtime.api.models import RunCreateStateful, RunCreateStateless
from studio.runtime.auth.caller import ANONYMOUS, Caller
from studio.runtime.auth.filters import matches
from studio.runtime.errors import ApiError, not_found
from studio.runtime.records import RunRequest
from studio.runtime.services.assistants import BOTH_CONFIGURABLE_AND_CONTEXT, resolve_assistant
from studio.runtime.services.authz import authorize, check_assistant_usable
from studio.runtime.storage.base import RunInsert

if TYPE_CHECKING:
    from studio.runtime.context import Runtime

RUN_TARGET_NOT_FOUND = "Thread or assistant not found."
BUSY_THREAD = (
    "Thread is already running a task. Wait for it to finish or choose a different multitask "
    "strategy."
)


def _config_and_context(
    body: RunCreateStateful | RunCreateStateless,
) -> tuple[dict[str, Any], dict[str, Any]]:
    config = body.config.model_dump(exclude_none=True) if body.config else {}
    context = dict(body.context or {})
    configurable = dict(config.get("configurable") or {})
    if configurable and context:
        raise ApiError(400, BOTH_CONFIGURABLE_AND_CONTEXT)
    if context:
        configurable = dict(context)
    else:
        context = dict(configurable)
    config["configurable"] = configurable
    return config, context


async def create_run(
    runtime: Runtime,
    body: RunCreateStateful | RunCreateStateless,
    *,
    thread_id: str | None,
    headers: dict[str, Any],
    run_id: str | None = None,
    caller: Caller = ANONYMOUS,
) -> Run:
    """Store a new run as pending (creating or marking its thread) and schedule it."""
    request = await run_request(
        runtime, body, thread_id=thread_id, headers=headers, run_id=run_id, caller=caller
    )
    inserted = await runtime.storage.create_run(
        request, reject_if_busy=request.multitask_strategy == "reject"
    )
    return await schedule_run(runtime, request, inserted)


async def run_request(
    runtime: Runtime,
    body: RunCreateStateful | RunCreateStateless,
    *,
    thread_id: str | None,
    headers: dict[str, Any],
    run_id: str | None = None,
    caller: Caller = ANONYMOUS,
) -> RunRequest:
    """Validate a run request, authorize it for `caller`, and build the run it asks for,
    without storing anything.

    `headers` land in the run's `configurable` after validation (request headers; a cron's id).
    """
    assistant = await resolve_assistant(runtime, body.assistant_id)
    stateless = isinstance(body, RunCreateStateless)
    requested_thread = None if stateless else thread_id
    if thread_id is None:
        thread_id = ids.uuid7()
    run_id = run_id or ids.uuid7()
    temporary = isinstance(body, RunCreateStateless) and body.on_completion == "delete"
    if (stateless or temporary) and body.command is not None and body.command.resume is not None:
        raise ApiError(400, "You must provide a thread_id when resuming.")

    if body.webhook is not None:
        runtime.webhook_policy.check(body.webhook)
    config, context = _config_and_context(body)
    configurable = config["configurable"]
    if isinstance(body, RunCreateStateful):
        if body.checkpoint_id is not None:
            checkpoint_id = ids.canonical_uuid(body.checkpoint_id)
            if checkpoint_id is None:
                raise ApiError(422, "Invalid checkpoint ID: must be a UUID")
            configurable["checkpoint_id"] = checkpoint_id
        if body.checkpoint is not None:
            configurable.update(body.checkpoint.model_dump(exclude_none=True))
    configurable.update(caller.run_configurable())
    configurable.update(headers)
    configurable["__request_start_time_ms__"] = int(time.time() * 1000)
    after_seconds = body.after_seconds or 0
    configurable["__after_seconds__"] = after_seconds

    durability = body.durability or ("exit" if body.checkpoint_during is False else "async")
    stream_mode = body.stream_mode or ["values"]
    if isinstance(stream_mode, str):
        stream_mode = [stream_mode]
    strategy = body.multitask_strategy if isinstance(body, RunCreateStateful) else "enqueue"
    kwargs: dict[str, Any] = {
        "input": body.input,
        "command": body.command.model_dump(exclude_unset=True) if body.command else None,
        "config": config,
        "context": context,
        "stream_mode": list(stream_mode),
        "interrupt_before": body.interrupt_before,
        "interrupt_after": body.interrupt_after,
        "webhook": body.webhook,
        "feedback_keys": body.feedback_keys,
        "temporary": temporary,
        "subgraphs": body.stream_subgraphs,
        "resumable": body.stream_resumable,
        "checkpoint_during": body.checkpoint_during if body.checkpoint_during is not None else True,
        "durability": durability,
    }
    value: dict[str, Any] = {
        "thread_id": requested_thread,
        "assistant_id": assistant["assistant_id"],
        "run_id": run_id,
        "status": "pending",
        "metadata": dict(body.metadata or {}),
        "prevent_insert_if_inflight": strategy == "reject",
        "multitask_strategy": strategy,
        "if_not_exists": body.if_not_exists,
        "after_seconds": after_seconds,
        "kwargs": kwargs,
    }
    await _authorize_run(runtime, caller, assistant, value)
    return RunRequest(
        run_id=run_id,
        thread_id=thread_id,
        assistant=assistant,
        kwargs=kwargs,
        metadata=value["metadata"],
        multitask_strategy=strategy,
        if_not_exists=body.if_not_exists,
        created_at=ids.now_iso(after_seconds),
        now=ids.now_iso(),
        temporary=temporary,
        config=config,
    )


async def _authorize_run(
    runtime: Runtime, caller: Caller, assistant: Assistant, value: dict[str, Any]
) -> None:
    """LangGraph Server's `threads.create_run` check (its handler may add run metadata, which
    a thread the run creates inherits), then `assistants.read` for a non-system assistant;
    a hidden thread or assistant is reported missing."""
    if runtime.auth is None:
        return
    filters = await authorize(runtime, caller, "threads", "create_run", value)
    await check_assistant_usable(runtime, caller, assistant, RUN_TARGET_NOT_FOUND)
    if value["thread_id"] is not None and filters:
        thread = await runtime.storage.get_thread(value["thread_id"])
        if thread is not None and not matches(thread["metadata"], filters):
            raise not_found(RUN_TARGET_NOT_FOUND)


async def schedule_run(runtime: Runtime, request: RunRequest, inserted: RunInsert) -> Run:
    """Hand a just-stored run to the queue, after stopping the runs it supersedes; 409 if the
    thread was busy and the request said `reject`."""
    if inserted.run is None:
        raise ApiError(409, BUSY_THREAD)
    strategy = request.multitask_strategy
    if strategy in ("interrupt", "rollback"):
        for other in inserted.in_flight:
            await runtime.queue.cancel(
                other,
                strategy,
                f"superseded by run {request.run_id} (multitask_strategy={strategy})",
            )
    runtime.queue.submit(inserted.run)
    return inserted.run
