"""The metadata a checkpoint is stored with, as LangGraph Server writes it.

langgraph's savers copy only the run's string and number settings into a checkpoint's
metadata, and never its thread id. LangGraph Server keeps every setting of the run's
`configurable` (a dict or a list too) and the thread id, so `get_history(metadata=...)`
filters and the studio's history can use them; ours does the same, in the same order of
precedence: the run's configurable, then the config's metadata, then what the graph wrote.
"""

from __future__ import annotations

from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import EXCLUDED_METADATA_KEYS, CheckpointMetadata

_NOT_COPIED = (EXCLUDED_METADATA_KEYS - {"thread_id"}) | {
    # who called, which is per request; the server keeps its id (`langgraph_auth_user_id`)
    "langgraph_auth_user",
    "langgraph_auth_permissions",
}


def server_checkpoint_metadata(
    config: RunnableConfig, metadata: CheckpointMetadata
) -> CheckpointMetadata:
    configurable: dict[str, Any] = {
        key: value
        for key, value in (config.get("configurable") or {}).items()
        if not key.startswith("__") and key not in _NOT_COPIED
    }
    return cast(CheckpointMetadata, {**configurable, **(config.get("metadata") or {}), **metadata})
