"""Which webhook URLs a run may name: LangGraph Server's `webhooks.url` policy.

A webhook is a request the server makes on a client's behalf, so an unchecked URL is an SSRF
hole; like the reference, loopback targets are refused unless the project opts in
(`webhooks.url.disable_loopback: false`), and `allowed_domains`, `allowed_ports`,
`require_https`, `disable_private_ips` and `max_url_length` are honoured.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from studio.runtime.errors import ApiError

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "host.docker.internal"})


@dataclass(frozen=True)
class WebhookPolicy:
    allowed_domains: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = ()
    max_url_length: int = 4096
    require_https: bool = False
    disable_loopback: bool = True
    disable_private_ips: bool = False

    @classmethod
    def from_config(cls, webhooks: Mapping[str, Any] | None) -> WebhookPolicy:
        url = (webhooks or {}).get("url") or {}
        return cls(
            allowed_domains=tuple(d.strip().lower() for d in url.get("allowed_domains") or ()),
            allowed_ports=tuple(int(p) for p in url.get("allowed_ports") or ()),
            max_url_length=int(url.get("max_url_length", 4096)),
            require_https=bool(url.get("require_https", False)),
            disable_loopback=bool(url.get("disable_loopback", True)),
            disable_private_ips=bool(url.get("disable_private_ips", False)),
        )

    def check(self, url: str) -> None:
        """Raise 422 saying what is wrong with `url`, or return if it may be called."""
        if len(url) > self.max_url_length:
            raise ApiError(422, "Webhook URL too long")
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not parts.scheme or not host:
            if url.startswith("/") and not self.disable_loopback:
                return
            raise ApiError(
                422,
                f"Invalid webhook URL '{url}': give an absolute http(s) URL. Relative (loopback) "
                "webhooks are disabled unless webhooks.url.disable_loopback is false.",
            )
        if parts.scheme not in ("http", "https"):
            raise ApiError(422, f"Invalid webhook URL '{url}': the scheme must be http or https")
        if self.require_https and parts.scheme != "https":
            raise ApiError(422, "Webhook URL must use https (webhooks.url.require_https)")
        if self.disable_loopback and _is_loopback(host):
            raise ApiError(
                422,
                f"Loopback webhooks ('{host}') are disabled by default; set "
                "webhooks.url.disable_loopback to false in langgraph.json to allow them.",
            )
        if self.disable_private_ips and _is_private(host):
            raise ApiError(422, f"Webhook host '{host}' is a private address")
        if self.allowed_domains and not self._domain_allowed(host):
            raise ApiError(422, f"Webhook host '{host}' is not in webhooks.url.allowed_domains")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self.allowed_ports and port not in self.allowed_ports:
            raise ApiError(422, f"Webhook port {port} is not in webhooks.url.allowed_ports")

    def _domain_allowed(self, host: str) -> bool:
        for pattern in self.allowed_domains:
            if pattern.startswith("*."):
                base = pattern[2:]
                if host == base or host.endswith("." + base):
                    return True
            elif host == pattern:
                return True
        return False


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _address(host)
    return host in _LOOPBACK_NAMES or (address is not None and address.is_loopback)


def _is_private(host: str) -> bool:
    address = _address(host)
    return address is not None and (address.is_private or address.is_link_local)
