"""`POST /threads/{thread_id}/commands`: the protocol's commands, one request each.

`run.start` creates the thread on first use and starts a v2 run (subgraph events, resumable
log); given input while the thread waits on an interrupt, it resumes instead.
`input.respond` resumes interrupts by id (one, or a batch in one run). `agent.getTree` tells
the namespaces of the thread's latest run. The `subscription.*` commands belong to the
WebSocket transport; over HTTP they answer as LangGraph Server does. Errors are protocol
envelopes, never HTTP errors (langgraph_api.event_streaming.service is the reference,
messages included).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, get_args

from studio.protocol.schema import MultitaskStrategy
from studio.runtime import ids
from studio.runtime.api.http import validate
from studio.runtime.api.models import RunCreateStateful
from studio.runtime.context import Runtime
from studio.runtime.errors import ApiError
from studio.runtime.protocol_v2.channels import is_channel
from studio.runtime.protocol_v2.projection import Projection
from studio.runtime.protocol_v2.run_stream import PROTOCOL_V2_MARKER, PROTOCOL_V2_STREAM_MODES
from studio.runtime.protocol_v2.source import thread_run_events
from studio.runtime.protocol_v2.state_shapes import as_record
from studio.runtime.services.runs import run_request, schedule_run

Command = dict[str, Any]
Reply = dict[str, Any]

# How long a command waits for the thread's running run to settle before deciding whether
# an interrupt is pending (the run's stream announces it before its end is stored).
SETTLE_SECONDS = 5.0


class CommandFailed(Exception):
    """A command that answers with a protocol error envelope."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_reply(command_id: Any, code: str, message: str) -> Reply:
    return {"type": "error", "id": command_id, "error": code, "message": message}


async def handle(
    rt: Runtime, thread_id: str, command: Command, headers: Mapping[str, Any]
) -> Reply:
    """The reply to one well-formed command (an integer `id` and a string `method`)."""
    handler = _HANDLERS.get(command["method"])
    if handler is None:
        return error_reply(
            command["id"], "unknown_command", f"Unknown protocol command: {command['method']}"
        )
    params = command.get("params")
    try:
        result = await handler(rt, thread_id, params if isinstance(params, dict) else {}, headers)
    except CommandFailed as exc:
        return error_reply(command["id"], exc.code, exc.message)
    # Over HTTP the reference answers 0: the command itself emitted nothing yet. (A larger
    # value would move the SDK's reconnect cursor past events it has not seen.)
    return {
        "type": "success",
        "id": command["id"],
        "result": result,
        "meta": {"applied_through_seq": 0},
    }


Handler = Callable[[Runtime, str, dict[str, Any], Mapping[str, Any]], Awaitable[dict[str, Any]]]


# --- run.start, input.respond ------------------------------------------------------------------


async def _run_start(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    assistant_id = params.get("assistant_id")
    if not isinstance(assistant_id, str) or not assistant_id:
        raise CommandFailed("invalid_argument", "run.start requires an assistant_id.")
    _check_checkpoint_id(params)
    _check_tracer(params)
    resume = params.get("input") is not None and bool(await _settled_interrupt_ids(rt, thread_id))
    run_id = await _create_run(rt, thread_id, assistant_id, params, headers, resume=resume)
    return {"run_id": run_id}


async def _input_respond(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    entries = _respond_entries(params)
    pending = await _settled_interrupt_ids(rt, thread_id)
    for interrupt_id, _namespace, _response in entries:
        if pending is not None and interrupt_id not in pending:
            raise CommandFailed(
                "no_such_interrupt", f"Unknown or already-consumed interrupt: {interrupt_id}"
            )
    thread = await rt.storage.get_thread(thread_id) if ids.canonical_uuid(thread_id) else None
    assistant_id = as_record(thread["metadata"] if thread else None).get("assistant_id")
    if not isinstance(assistant_id, str):
        raise CommandFailed("no_such_run", "No interrupted run is bound to this thread.")
    resume = {interrupt_id: response for interrupt_id, _, response in entries}
    await _create_run(
        rt,
        thread_id,
        assistant_id,
        {
            "input": resume,
            "update": params.get("update"),
            "goto": params.get("goto"),
            "config": params.get("config"),
            "metadata": params.get("metadata"),
        },
        headers,
        resume=True,
    )
    return {}


def _respond_entries(params: dict[str, Any]) -> list[tuple[str, list[str], Any]]:
    """`{interrupt_id, response, namespace?}` or `{responses: [...]}` (several interrupts of
    one checkpoint resumed by one run)."""
    batch = params.get("responses")
    if isinstance(batch, list):
        if not batch:
            raise CommandFailed("invalid_argument", "input.respond requires at least one response.")
        entries = []
        for entry in batch:
            if not isinstance(entry, dict):
                raise CommandFailed(
                    "invalid_argument", "input.respond responses entries must be objects."
                )
            if not isinstance(entry.get("interrupt_id"), str):
                raise CommandFailed(
                    "invalid_argument", "input.respond responses entries require an interrupt_id."
                )
            entries.append(
                (
                    entry["interrupt_id"],
                    _namespace(entry.get("namespace", [])),
                    entry.get("response"),
                )
            )
        return entries
    if not isinstance(params.get("interrupt_id"), str):
        raise CommandFailed("invalid_argument", "input.respond requires an interrupt_id.")
    return [
        (params["interrupt_id"], _namespace(params.get("namespace", [])), params.get("response"))
    ]


def _namespace(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise CommandFailed(
            "invalid_argument", "input.respond requires namespace to be a list of strings."
        )
    return list(value)


def _check_checkpoint_id(params: dict[str, Any]) -> None:
    config = params.get("config")
    configurable = config.get("configurable") if isinstance(config, dict) else None
    checkpoint_id = configurable.get("checkpoint_id") if isinstance(configurable, dict) else None
    if checkpoint_id is None:
        return
    if not isinstance(checkpoint_id, str) or not checkpoint_id.strip():
        raise CommandFailed(
            "invalid_argument", "config.configurable.checkpoint_id must be a non-empty string."
        )
    if ids.canonical_uuid(checkpoint_id) is None:
        raise CommandFailed(
            "invalid_argument", f"Invalid config.configurable.checkpoint_id: {checkpoint_id!r}."
        )


def _check_tracer(params: dict[str, Any]) -> None:
    """`langsmith_tracer` is validated as the reference does; tracing itself stays off
    (lg-studio sends nothing off the machine)."""
    tracer = params.get("langsmith_tracer")
    if tracer is None:
        return
    if not isinstance(tracer, dict):
        raise CommandFailed("invalid_argument", "langsmith_tracer must be an object.")
    unknown = tracer.keys() - {"project_name", "example_id"}
    if unknown:
        raise CommandFailed(
            "invalid_argument", f"langsmith_tracer has unsupported fields: {sorted(unknown)!r}."
        )
    for key, value in tracer.items():
        if not isinstance(value, str):
            raise CommandFailed("invalid_argument", f"langsmith_tracer.{key} must be a string.")


async def _create_run(
    rt: Runtime,
    thread_id: str,
    assistant_id: str,
    params: dict[str, Any],
    headers: Mapping[str, Any],
    *,
    resume: bool,
) -> str:
    """A v2 run through the ordinary run path (validation, double texting, queue)."""
    if ids.canonical_uuid(thread_id) is None:
        raise CommandFailed("unknown_error", "422: Invalid thread ID: must be a UUID")
    config = as_record(params.get("config"))
    configurable = as_record(config.get("configurable"))
    checkpoint_id = configurable.get("checkpoint_id")
    command: dict[str, Any] | None = None
    if resume:
        command = {"resume": params["input"]}
        command.update({k: params[k] for k in ("update", "goto") if params.get(k) is not None})
    strategy = params.get("multitaskStrategy")
    body: dict[str, Any] = {
        "assistant_id": assistant_id,
        "input": None if resume else params.get("input"),
        "command": command,
        "config": {
            **config,
            "configurable": {**configurable, PROTOCOL_V2_MARKER: True, "thread_id": thread_id},
        },
        "metadata": params.get("metadata"),
        "checkpoint": {"checkpoint_id": checkpoint_id} if checkpoint_id else None,
        "stream_subgraphs": True,
        "stream_resumable": True,
        "if_not_exists": "create",
        "multitask_strategy": strategy if strategy in get_args(MultitaskStrategy) else "enqueue",
    }
    try:
        request = await run_request(
            rt, validate(RunCreateStateful, body), thread_id=thread_id, headers=dict(headers)
        )
        request.kwargs["stream_mode"] = list(PROTOCOL_V2_STREAM_MODES)
        inserted = await rt.storage.create_run(
            request, reject_if_busy=request.multitask_strategy == "reject"
        )
        run = await schedule_run(rt, request, inserted)
    except ApiError as exc:
        raise CommandFailed("unknown_error", f"{exc.status_code}: {exc.detail}") from None
    except Exception as exc:
        raise CommandFailed("unknown_error", str(exc)) from None
    return run["run_id"]


async def _settled_interrupt_ids(rt: Runtime, thread_id: str) -> set[str] | None:
    """The ids of the thread's pending interrupts; None if the thread cannot be read.

    A client learns of an interrupt from the stream, before the run's end (and its
    interrupts) is stored; so with none stored yet, wait (briefly) for the thread's runs in
    flight to settle, as the reference's settle barrier does (it polls; we are woken).
    """
    if ids.canonical_uuid(thread_id) is None:
        return None
    found = await _stored_interrupt_ids(rt, thread_id)
    if found is None or found:
        return found
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(SETTLE_SECONDS):
            for run in await rt.storage.in_flight_runs(thread_id):
                await rt.queue.wait_done(run["run_id"])
    return await _stored_interrupt_ids(rt, thread_id)


async def _stored_interrupt_ids(rt: Runtime, thread_id: str) -> set[str] | None:
    thread = await rt.storage.get_thread(thread_id)
    if thread is None:
        return None
    return {
        entry["id"]
        for entries in (thread.get("interrupts") or {}).values()
        for entry in entries
        if isinstance(entry.get("id"), str)
    }


# --- agent.getTree, subscriptions ----------------------------------------------------------------


async def _agent_tree(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    """Built from what the thread's run logs hold now. (The reference's HTTP transport has
    no run bound to a command and always answers `no_such_run`.)"""
    projection = Projection()
    if ids.canonical_uuid(thread_id) is not None:
        async for run, batch in thread_run_events(rt, thread_id, live=False):
            if batch is None:
                projection.finish(run, run["status"])
            for event in batch or ():
                projection.ingest(run, event)
    tree = projection.tree()
    if tree is None:
        raise CommandFailed("no_such_run", "No active run is bound to this thread.")
    return {"tree": tree}


async def _subscribe(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    channels = params.get("channels")
    if not isinstance(channels, list) or not channels:
        raise CommandFailed(
            "invalid_argument", "subscription.subscribe requires a non-empty channels array."
        )
    if not all(is_channel(c) for c in channels):
        raise CommandFailed(
            "invalid_argument", "subscription.subscribe received an unsupported channel."
        )
    return {"subscription_id": str(uuid.uuid4()), "replayed_events": 0}


async def _unsubscribe(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    subscription_id = params.get("subscription_id")
    if not isinstance(subscription_id, str):
        raise CommandFailed(
            "invalid_argument", "subscription.unsubscribe requires a subscription_id."
        )
    raise CommandFailed("no_such_subscription", f"Unknown subscription: {subscription_id}")


async def _reconnect(
    rt: Runtime, thread_id: str, params: dict[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    raise CommandFailed("no_such_run", "No active run is bound to this thread.")


_HANDLERS: dict[str, Handler] = {
    "run.start": _run_start,
    "input.respond": _input_respond,
    "agent.getTree": _agent_tree,
    "subscription.subscribe": _subscribe,
    "subscription.unsubscribe": _unsubscribe,
    "subscription.reconnect": _reconnect,
}
