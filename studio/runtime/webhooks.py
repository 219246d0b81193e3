"""Webhooks: when a run ends, POST its final payload to the URL the run named.

The payload is LangGraph Server's (`langgraph_api.webhook.call_webhook`): the run's fields with
`status` set to the final status, `run_started_at`, `run_ended_at`, `webhook_sent_at`, the final
`values`, and `error` when the run failed or was stopped. Delivery follows the reference too:
three attempts with jittered exponential backoff on network errors, 429 and 5xx, redirects
followed, 5 s to connect and 30 s to answer, static `webhooks.headers` (with
`${{ env.LG_WEBHOOK_* }}` templates) and the `webhooks.allowed_fields` allow-list.
Deliveries run in the background: a slow or failing receiver never holds a worker, never fails
the run, and is only logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from studio.runtime import ids, serde
from studio.runtime.config import ConfigError
from studio.runtime.errors import ApiError
from studio.runtime.webhook_policy import WebhookPolicy

logger = logging.getLogger(__name__)

PAYLOAD_FIELDS = frozenset(
    {
        "run_id",
        "thread_id",
        "assistant_id",
        "created_at",
        "updated_at",
        "metadata",
        "kwargs",
        "multitask_strategy",
        "status",
        "run_started_at",
        "run_ended_at",
        "webhook_sent_at",
        "values",
        "error",
    }
)
_TEMPLATE = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _render_headers(headers: Mapping[str, Any], env_prefix: str) -> dict[str, str]:
    """Fill `${{ env.VAR }}` templates; only variables named with `env_prefix` may be read,
    so a project file cannot leak the server's other secrets to a webhook receiver."""

    def variable(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        name = expression.removeprefix("env.")
        if name == expression or not name or "." in name:
            raise ConfigError(
                f"webhooks.headers: only ${{{{ env.VAR }}}} is allowed, not {expression}"
            )
        if not name.startswith(env_prefix):
            raise ConfigError(
                f"webhooks.headers: the variable '{name}' must start with '{env_prefix}' "
                "(webhooks.env_prefix)"
            )
        value = os.environ.get(name)
        if value is None:
            raise ConfigError(f"webhooks.headers: the environment variable '{name}' is not set")
        return value

    rendered = {}
    for key, value in headers.items():
        if not isinstance(value, str):
            raise ConfigError(f"webhooks.headers.{key}: header values must be strings")
        rendered[key] = _TEMPLATE.sub(variable, value)
    return rendered


@dataclass(frozen=True)
class WebhookSettings:
    """The `webhooks` and `http.disable_webhooks` settings of langgraph.json."""

    headers: Mapping[str, str]
    allowed_fields: frozenset[str] | None = None
    disabled: bool = False

    @classmethod
    def from_config(
        cls, webhooks: Mapping[str, Any] | None, http: Mapping[str, Any] | None
    ) -> WebhookSettings:
        webhooks = webhooks or {}
        allowed = webhooks.get("allowed_fields")
        if allowed is not None:
            unknown = sorted(set(allowed) - PAYLOAD_FIELDS)
            if unknown:
                raise ConfigError(
                    f"webhooks.allowed_fields: unknown field(s) {unknown}; valid fields are "
                    f"{sorted(PAYLOAD_FIELDS)}"
                )
        return cls(
            headers=_render_headers(
                webhooks.get("headers") or {}, webhooks.get("env_prefix", "LG_WEBHOOK_")
            ),
            allowed_fields=None if allowed is None else frozenset(allowed),
            disabled=bool((http or {}).get("disable_webhooks", False)),
        )


def webhook_payload(
    run: Mapping[str, Any],
    status: str,
    *,
    started_at: str,
    ended_at: str,
    values: Any,
    error: Mapping[str, Any] | None,
) -> dict[str, Any]:
    payload = {
        **run,
        "status": status,
        "updated_at": ended_at,
        "run_started_at": started_at,
        "run_ended_at": ended_at,
        "webhook_sent_at": ids.now_iso(),
        "values": values,
    }
    if error is not None:
        payload["error"] = dict(error)
    return payload


def _retriable(response: httpx.Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500


class WebhookSender:
    """Delivers webhooks in background tasks it keeps until they end (or `close` cancels them)."""

    def __init__(
        self,
        policy: WebhookPolicy,
        settings: WebhookSettings,
        *,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._policy = policy
        self._settings = settings
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._client = httpx.AsyncClient(
            follow_redirects=True, max_redirects=5, timeout=httpx.Timeout(30.0, connect=5.0)
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self.api_url: str | None = None
        """Where relative webhook URLs point (this server), once it is listening."""

    def send(self, url: str, payload: dict[str, Any]) -> None:
        if self._settings.disabled:
            logger.info("Webhooks are disabled (http.disable_webhooks): not calling %s", url)
            return
        allowed = self._settings.allowed_fields
        if allowed is not None:
            payload = {k: v for k, v in payload.items() if k in allowed}
        task = asyncio.create_task(self._deliver(url, payload), name=f"webhook-{url}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self, grace: float = 5.0) -> None:
        """Give deliveries under way `grace` seconds, then cancel them."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._client.aclose()

    async def _deliver(self, url: str, payload: dict[str, Any]) -> None:
        run_id = payload.get("run_id")
        try:
            # Checked at run creation too; checked again in case the policy changed since.
            self._policy.check(url)
        except ApiError as exc:
            logger.warning("Not calling the webhook of run %s: %s", run_id, exc.detail)
            return
        target = f"{self.api_url}{url}" if url.startswith("/") and self.api_url else url
        body = serde.dumps(payload)
        headers = {"Content-Type": "application/json", **self._settings.headers}
        for attempt in range(1, self._attempts + 1):
            problem: str
            retriable = True
            try:
                response = await self._client.post(target, content=body, headers=headers)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    logger.info("Called the webhook of run %s (%s)", run_id, url)
                    return
                problem = f"HTTP {response.status_code}"
                retriable = _retriable(response)
            if not retriable or attempt == self._attempts:
                logger.error(
                    "The webhook of run %s (%s) failed after %d attempt(s): %s",
                    run_id,
                    url,
                    attempt,
                    problem,
                )
                return
            delay = self._backoff * 2 ** (attempt - 1) + random.uniform(0, self._backoff)
            logger.warning(
                "The webhook of run %s (%s) failed (%s); retrying in %.1f s",
                run_id,
                url,
                problem,
                delay,
            )
            await asyncio.sleep(delay)
