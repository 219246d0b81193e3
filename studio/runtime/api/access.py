"""Who may call an endpoint: every entry of the endpoint table says (`Endpoint.access`), so a
new route cannot be added without deciding.

With custom auth configured, every non-public endpoint authenticates its caller. A rule
naming a resource and action also authorizes before the handler runs: the project's handler
for it is called with the resource's id from the path, and a resource its filter hides is
answered as missing (404), as LangGraph Server does. Endpoints that need the request body or
the filter itself (creates, updates that write metadata, searches) authorize in their
handler (`IN_HANDLER`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Resource = Literal["assistants", "threads", "crons", "store"]


@dataclass(frozen=True)
class Access:
    public: bool = False
    """Open to anyone, with or without custom auth (health, server info, API description)."""
    resource: Resource | None = None
    action: str | None = None
    studio_only: bool = False
    """Under custom auth, only the studio on this machine may call it (server-wide data)."""


PUBLIC = Access(public=True)
IN_HANDLER = Access()
STUDIO_ONLY = Access(studio_only=True)


def on(resource: Resource, action: str) -> Access:
    """Authorize `action` on the `resource` the path names, before the handler runs."""
    return Access(resource=resource, action=action)
