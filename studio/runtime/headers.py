"""Which request headers a graph sees in `config.configurable`.

LangGraph Server passes none by default; `http.configurable_headers` in langgraph.json names
the ones to pass with `includes`/`excludes` glob patterns. Credentials never pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

NEVER_PASSED = frozenset({"x-api-key", "x-service-key", "x-tenant-id", "authorization"})


@dataclass(frozen=True)
class HeaderPolicy:
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()

    @classmethod
    def from_http_config(cls, http: Mapping[str, Any] | None) -> HeaderPolicy:
        settings = (http or {}).get("configurable_headers") or {}
        return cls(
            includes=_patterns(settings.get("includes") or settings.get("include")),
            excludes=_patterns(settings.get("excludes") or settings.get("exclude")),
        )

    def passes(self, name: str) -> bool:
        if name in NEVER_PASSED or any(fnmatchcase(name, p) for p in self.excludes):
            return False
        return any(fnmatchcase(name, p) for p in self.includes)

    def configurable(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {name: value for name, value in headers.items() if self.passes(name)}


def _patterns(value: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(p.lower() for p in value or ())
