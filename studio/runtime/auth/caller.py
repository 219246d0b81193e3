"""Who is making a request (or on whose behalf a cron fires): the user and permissions every
authorization decision and every run's config carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studio.runtime import serde
from studio.runtime.auth.user import UserMapping, user_from_dict

AUTH_CONFIGURABLE = frozenset(
    {"langgraph_auth_user", "langgraph_auth_user_id", "langgraph_auth_permissions"}
)
"""The `configurable` keys a run learns its user from (never taken from the client)."""


@dataclass(frozen=True)
class Caller:
    """`user` is None when the project has no custom auth (LangGraph Server's
    unauthenticated user, identity "")."""

    user: UserMapping | None
    permissions: tuple[str, ...] = ()

    @property
    def identity(self) -> str:
        return "" if self.user is None else self.user.identity

    def run_configurable(self) -> dict[str, Any]:
        """The user as a run's `configurable` holds it (JSON: runs are stored)."""
        return {
            "langgraph_auth_user": None
            if self.user is None
            else serde.to_jsonable(self.user.dict()),
            "langgraph_auth_user_id": self.identity,
            "langgraph_auth_permissions": list(self.permissions),
        }

    @classmethod
    def from_run_configurable(cls, configurable: Mapping[str, Any]) -> Caller:
        """The caller a run (or a cron's payload) was created by."""
        stored = configurable.get("langgraph_auth_user")
        user = user_from_dict(stored) if isinstance(stored, Mapping) else None
        return cls(user, tuple(configurable.get("langgraph_auth_permissions") or ()))


ANONYMOUS = Caller(None)
