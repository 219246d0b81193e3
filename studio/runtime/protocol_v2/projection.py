"""What one event-stream connection sees: the thread's run events as protocol events.

The projection numbers every event it makes (`seq`, carried across runs of the thread) and
gives it a stable `event_id` (the run's log id, or a derived one for events it synthesizes:
lifecycle transitions, interrupts), so every connection replaying the same logs produces
the same numbers: a client reconnects with `since=<seq>` and the SDK drops duplicates by
`event_id`. Seq is assigned before filtering, so it does not depend on the channels asked
for. The rules (root lifecycle owned here, subgraph lifecycle forwarded, interrupts surfaced
on `input` with the root turning `interrupted`, `custom:<name>` folded into `custom`) follow
langgraph_api.event_streaming.session.EventStreamingSession.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from studio.protocol.schema import Run
from studio.runtime.protocol_v2.channels import Namespace, graph_name_of, namespace_key
from studio.runtime.protocol_v2.state_shapes import state_payload
from studio.runtime.streams import StreamEvent

Event = dict[str, Any]

_TERMINAL = {"success": "completed", "error": "failed", "interrupted": "interrupted"}


@dataclass
class _Scope:
    namespace: Namespace
    status: str
    graph_name: str


@dataclass
class _RunView:
    """The state of one run as the projection has seen it so far."""

    run_id: str
    graph_name: str
    scopes: dict[str, _Scope] = field(default_factory=dict)
    announced: set[str] = field(default_factory=set)
    interrupts: dict[str, Namespace] = field(default_factory=dict)
    checkpoints: set[tuple[str, str]] = field(default_factory=set)
    finished: bool = False


class Projection:
    """Turns run log events into protocol events for one connection (or one command)."""

    def __init__(self) -> None:
        self.seq = 0
        self.run: _RunView | None = None
        self._out: list[Event] = []
        self._source_id: str | None = None
        self._source_count = 0

    # --- input ------------------------------------------------------------------------------

    def ingest(self, run: Run, event: StreamEvent) -> list[Event]:
        """The protocol events one run log event becomes (often one, sometimes none or
        several)."""
        view = self._view(run)
        self._source_id, self._source_count = f"{view.run_id}-{event.seq}", 0
        try:
            self._dispatch(view, event)
        finally:
            self._source_id = None
        return self._flush()

    def finish(self, run: Run, status: str | None) -> list[Event]:
        """The run's log ended; `status` is its final status (None if it was deleted).
        Closes what is still open, then the root with the run's outcome."""
        view = self._view(run)
        terminal = _TERMINAL.get(status or "")
        if not view.finished and terminal is not None:
            view.finished = True
            open_scopes = [s for s in view.scopes.values() if s.namespace and s.status == "started"]
            for scope in sorted(open_scopes, key=lambda s: len(s.namespace), reverse=True):
                self._lifecycle(view, scope.namespace, "completed", scope.graph_name)
            self._lifecycle(view, [], terminal, view.graph_name)
        return self._flush()

    def tree(self) -> dict[str, Any] | None:
        """The namespaces of the current run as a tree (`agent.getTree`)."""
        return None if self.run is None else self._tree(self.run, [])

    # --- dispatch ---------------------------------------------------------------------------

    def _view(self, run: Run) -> _RunView:
        if self.run is None or self.run.run_id != run["run_id"]:
            configurable = (run["kwargs"].get("config") or {}).get("configurable") or {}
            graph_id = configurable.get("graph_id")
            name = graph_id if isinstance(graph_id, str) else run["assistant_id"]
            self.run = view = _RunView(run["run_id"], name)
            view.scopes[""] = _Scope([], "running", name)
            self._push(
                "lifecycle",
                [],
                {"event": "running", "graph_name": name},
                event_id=self._synth(view, "lc", "", "running"),
            )
        return self.run

    def _dispatch(self, view: _RunView, event: StreamEvent) -> None:
        name = event.event
        if name == "metadata":
            return
        data = orjson.loads(event.data)
        if name == "error":
            view.finished = True
            message = data.get("message", str(data)) if isinstance(data, dict) else str(data)
            self._lifecycle(view, [], "failed", view.graph_name, error=message)
            return
        method, *namespace = name.split("|")
        if isinstance(data, dict) and data.get("type") == "event" and "params" in data:
            self._protocol_event(view, data)
        else:
            self._legacy_event(view, method, namespace, data)

    def _protocol_event(self, view: _RunView, event: Event) -> None:
        """An event a v2 run streamed (langgraph's own protocol event)."""
        params = event["params"]
        namespace: Namespace = list(params.get("namespace") or [])
        method: str = event["method"]
        data = params.get("data")
        if method == "checkpoints":
            self._checkpoint(view, namespace, data)
            return
        if method == "lifecycle":
            self._subgraph_lifecycle(view, namespace, data)
            return
        if namespace:
            self._register(view, namespace)
        node = params.get("node") if isinstance(params.get("node"), str) else None
        if method == "updates":
            if node is None and isinstance(data, dict) and isinstance(data.get("node"), str):
                node = data["node"]
            if node == "__interrupt__":
                values = data.get("values") if isinstance(data, dict) else None
                self._input_requested(view, namespace, _interrupt_requests(values))
                return
        elif method == "values":
            requests = _interrupt_requests(data)
            data = _without_interrupt(data)
            self._input_requested(view, namespace, _interrupt_requests(params.get("interrupts")))
            self._input_requested(view, namespace, requests)
        elif method == "tools" and isinstance(data, dict):
            data = dict(data)
            tool_node = data.pop("__node", None)
            node = node or (tool_node if isinstance(tool_node, str) and tool_node else None)
        timestamp = params.get("timestamp")
        self._push(method, namespace, data, node=node, timestamp=timestamp)
        if method == "tools" and isinstance(data, dict):
            self._tool_message(namespace, data)
        if method == "updates" and node:
            self._child_completed(view, namespace, node)

    def _legacy_event(self, view: _RunView, method: str, namespace: Namespace, data: Any) -> None:
        """An event of a run started the classic way on the same thread (its stream modes)."""
        if method != "messages":
            self._register(view, namespace)
        if method == "values":
            self._input_requested(view, namespace, _interrupt_requests(data))
            data = _without_interrupt(data)
            if not isinstance(data, dict) or data:
                self._push("values", namespace, data)
        elif method == "updates":
            node: str | None = None
            values = data
            if isinstance(data, dict) and len(data) == 1:
                node, values = next(iter(data.items()))
            if node == "__interrupt__":
                self._input_requested(view, namespace, _interrupt_requests(data))
                return
            values = values if isinstance(values, dict) else {"value": values}
            self._input_requested(view, namespace, _interrupt_requests(values))
            values = _without_interrupt(values)
            if values:
                self._push("updates", namespace, values, node=node)
            if node:
                self._child_completed(view, namespace, node)
        elif method == "custom":
            self._push("custom", namespace, {"payload": data})
        elif method == "tasks":
            self._push("tasks", namespace, data)

    # --- lifecycle, namespaces, interrupts ----------------------------------------------------

    def _subgraph_lifecycle(self, view: _RunView, namespace: Namespace, data: Any) -> None:
        """langgraph reports every subgraph's lifecycle from the root scope, naming the
        subgraph in `data.namespace`; the root's own lifecycle is ours to tell."""
        if not isinstance(data, dict) or not isinstance(data.get("event"), str):
            if namespace:
                self._register(view, namespace)
            return
        announced = data.get("namespace")
        if isinstance(announced, list) and len(announced) > len(namespace):
            namespace = [str(s) for s in announced]
        if not namespace:
            return
        kind = data["event"]
        key = namespace_key(namespace)
        if kind == "started":
            if key in view.announced:
                return
            view.announced.add(key)
            name = data.get("graph_name")
            view.scopes[key] = _Scope(
                namespace, "started", name if isinstance(name, str) else graph_name_of(namespace)
            )
            self._push("lifecycle", namespace, data)
        elif kind in ("running", "completed", "failed", "interrupted"):
            name, error, cause = data.get("graph_name"), data.get("error"), data.get("cause")
            self._lifecycle(
                view,
                namespace,
                kind,
                name if isinstance(name, str) else None,
                error=error if isinstance(error, str) else None,
                cause=cause if isinstance(cause, dict) else None,
            )
        else:
            self._register(view, namespace)

    def _register(self, view: _RunView, namespace: Namespace) -> None:
        """Mark every prefix of `namespace` as started, without announcing it (langgraph's
        own `started` events do that)."""
        for length in range(1, len(namespace) + 1):
            prefix = namespace[:length]
            scope = view.scopes.get(namespace_key(prefix))
            if scope is None:
                view.scopes[namespace_key(prefix)] = _Scope(
                    prefix, "started", graph_name_of(prefix)
                )
            else:
                scope.status = "started"

    def _lifecycle(
        self,
        view: _RunView,
        namespace: Namespace,
        status: str,
        graph_name: str | None,
        *,
        error: str | None = None,
        cause: dict[str, Any] | None = None,
    ) -> None:
        key = namespace_key(namespace)
        if namespace and key not in view.scopes:
            self._register(view, namespace)
        scope = view.scopes.get(key)
        name = graph_name or (scope.graph_name if scope else graph_name_of(namespace))
        if scope and scope.status == status and scope.graph_name == name and not (error or cause):
            return
        view.scopes[key] = _Scope(namespace, status, name)
        data: dict[str, Any] = {"event": status, "graph_name": name}
        if error is not None:
            data["error"] = error
        if cause is not None:
            data["cause"] = cause
        self._push("lifecycle", namespace, data, event_id=self._synth(view, "lc", key, status))

    def _child_completed(self, view: _RunView, parent: Namespace, node: str) -> None:
        """An `updates` event for `node` means its task at this level is done: close the
        oldest open child namespace `node:<task>` under `parent`."""
        if node.startswith("__"):
            return
        for scope in view.scopes.values():
            namespace = scope.namespace
            if (
                scope.status == "started"
                and len(namespace) == len(parent) + 1
                and namespace[:-1] == parent
                and (namespace[-1] == node or namespace[-1].startswith(f"{node}:"))
            ):
                self._lifecycle(view, namespace, "completed", scope.graph_name)
                return

    def _input_requested(
        self, view: _RunView, namespace: Namespace, requests: list[dict[str, Any]]
    ) -> None:
        """Each new interrupt goes out on `input`; the root is then `interrupted` (the run
        stopped to wait for `input.respond`)."""
        key = namespace_key(namespace)
        fresh = [r for r in requests if r["interrupt_id"] not in view.interrupts]
        for request in fresh:
            view.interrupts[request["interrupt_id"]] = list(namespace)
            self._push(
                "input",
                namespace,
                request,
                event_id=self._synth(view, "input", key, request["interrupt_id"]),
            )
        if fresh:
            self._lifecycle(view, [], "interrupted", view.graph_name)
            view.finished = True

    def _checkpoint(self, view: _RunView, namespace: Namespace, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return
        key = (namespace_key(namespace), data["id"])
        if key in view.checkpoints:
            return
        view.checkpoints.add(key)
        self._push(
            "checkpoints",
            namespace,
            data,
            event_id=self._synth(view, "checkpoint", key[0], key[1]),
        )

    def _tool_message(self, namespace: Namespace, data: dict[str, Any]) -> None:
        """A finished tool's output is mirrored as a `tool` message, as the JS server
        sends it, so message feeds show tool results too."""
        output = data.get("output")
        if data.get("event") != "tool-finished" or not isinstance(output, dict):
            return
        call_id = data.get("tool_call_id")
        if not isinstance(call_id, str):
            call_id = (
                output.get("tool_call_id") if isinstance(output.get("tool_call_id"), str) else None
            )
        message_id = (
            output.get("id") if isinstance(output.get("id"), str) and output.get("id") else None
        )
        message_id = message_id or (f"tool-{call_id}" if call_id else None)
        if message_id is None:
            return
        content = output.get("content")
        if not isinstance(content, str):
            content = "" if content is None else orjson.dumps(content, default=str).decode()
        start: dict[str, Any] = {"event": "message-start", "role": "tool", "id": message_id}
        if call_id is not None:
            start["tool_call_id"] = call_id
        text = {"type": "text", "text": content}
        where = [*namespace, f"tools:{call_id}"] if call_id is not None else namespace
        for item in (
            start,
            {"event": "content-block-start", "index": 0, "content": {"type": "text", "text": ""}},
            {"event": "content-block-delta", "index": 0, "content": text},
            {"event": "content-block-finish", "index": 0, "content": text},
            {"event": "message-finish", "metadata": {}},
        ):
            self._push("messages", where, item)

    # --- output -----------------------------------------------------------------------------

    def _push(
        self,
        method: str,
        namespace: Namespace,
        data: Any,
        *,
        node: str | None = None,
        timestamp: Any = None,
        event_id: str | None = None,
    ) -> None:
        self.seq += 1
        if method.startswith("custom:") and len(method) > len("custom:"):
            data, method = {"name": method[len("custom:") :], "payload": data}, "custom"
        params: dict[str, Any] = {
            "namespace": namespace,
            "timestamp": timestamp if isinstance(timestamp, int) else int(time.time() * 1000),
            "data": state_payload(data) if method in ("values", "updates") else data,
        }
        if node is not None:
            params["node"] = node
        self._out.append(
            {
                "type": "event",
                "event_id": event_id or self._next_source_id(),
                "seq": self.seq,
                "method": "input.requested" if method == "input" else method,
                "params": params,
            }
        )

    def _next_source_id(self) -> str:
        """The log event's id for the first event made from it, `<id>.<n>` for the others."""
        if self._source_id is None:
            assert self.run is not None
            return f"synth:{self.run.run_id}:{self.seq}"
        count = self._source_count
        self._source_count += 1
        return self._source_id if count == 0 else f"{self._source_id}.{count}"

    @staticmethod
    def _synth(view: _RunView, *parts: str) -> str:
        return f"synth:{view.run_id}:{'|'.join(parts)}"

    def _flush(self) -> list[Event]:
        out, self._out = self._out, []
        return out

    def _tree(self, view: _RunView, namespace: Namespace) -> dict[str, Any]:
        scope = view.scopes.get(namespace_key(namespace)) or _Scope(
            namespace, "started", graph_name_of(namespace) if namespace else view.graph_name
        )
        children = sorted(
            (
                s.namespace
                for s in view.scopes.values()
                if len(s.namespace) == len(namespace) + 1 and s.namespace[:-1] == namespace
            ),
        )
        node: dict[str, Any] = {
            "namespace": scope.namespace,
            "status": scope.status,
            "graph_name": scope.graph_name,
        }
        if children:
            node["children"] = [self._tree(view, child) for child in children]
        return node


def _interrupt_requests(value: Any) -> list[dict[str, Any]]:
    """Interrupts (a list, or a payload's `__interrupt__`) as `input.requested` data."""
    if isinstance(value, dict):
        value = value.get("__interrupt__")
    if not isinstance(value, list | tuple):
        return []
    requests = []
    for entry in value:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            request: dict[str, Any] = {"interrupt_id": entry["id"]}
            if "value" in entry:
                request["payload"] = entry["value"]
            requests.append(request)
    return requests


def _without_interrupt(value: Any) -> Any:
    if isinstance(value, dict) and "__interrupt__" in value:
        return {k: v for k, v in value.items() if k != "__interrupt__"}
    return value
