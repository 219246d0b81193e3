"""Hot reload: when the project's code or langgraph.json changes, load its graphs again.

`langgraph dev` restarts its whole process on a change, which drops running runs and every
stream. lg-studio reloads in place instead: the queue, streams and open connections carry on,
runs in flight finish on the code they started with, and a graph whose new code fails keeps
serving its previous version while the error is reported (in `/info` and as a `graphs` event
on `/lg-studio/events`, which the studio uses to redraw).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from watchfiles import PythonFilter, awatch

from studio.runtime.checkpointer import StudioSqliteSaver
from studio.runtime.config import DEFAULT_CONFIG_NAME, ConfigError, load_project
from studio.runtime.graphs import prepend_sys_path
from studio.runtime.history_cache import HistoryCache
from studio.runtime.services.assistants import register_system_assistants

if TYPE_CHECKING:
    from studio.runtime.context import Runtime

logger = logging.getLogger(__name__)

DEBOUNCE_MS = 300


class _ProjectFilter(PythonFilter):
    """Python files and the project file, outside the server's own data folder."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(extra_extensions=(".json",))
        self.data_dir = str(data_dir)

    def __call__(self, change: object, path: str) -> bool:
        if path.startswith(self.data_dir):
            return False
        if path.endswith(".json") and Path(path).name != DEFAULT_CONFIG_NAME:
            return False
        return super().__call__(change, path)  # type: ignore[arg-type]


def watched_folders(runtime: Runtime) -> list[Path]:
    """The project's folder and its local dependencies (those outside it too)."""
    root = runtime.project.root
    extra = [p for p in runtime.project.dependency_paths() if not p.is_relative_to(root)]
    return [root, *extra]


async def reload_graphs(runtime: Runtime, changed: Iterable[str] = ()) -> None:
    """Re-read langgraph.json and re-import the graphs; report the outcome as an event."""
    changed = sorted(changed)
    try:
        project = await asyncio.to_thread(load_project, runtime.project.config_path)
    except ConfigError as exc:
        logger.error("Not reloading: %s", exc)
        runtime.events.publish("graphs", _report(runtime, changed, config_error=str(exc)))
        return
    runtime.project = project
    prepend_sys_path(project.dependency_paths())
    await asyncio.to_thread(
        runtime.registry.reload, project.root, project.graphs, watched_folders(runtime)
    )
    if isinstance(runtime.checkpointer, StudioSqliteSaver):  # the only saver with a cache
        HistoryCache.of(runtime.checkpointer).clear()  # new code may render old ones anew
    await register_system_assistants(runtime)
    logger.info("Reloaded graphs after changes to %s", ", ".join(changed) or "the project")
    runtime.events.publish("graphs", _report(runtime, changed))


def _report(
    runtime: Runtime, changed: list[str], config_error: str | None = None
) -> dict[str, object]:
    registry = runtime.registry
    return {
        "graph_ids": registry.graph_ids,
        "errors": [error.as_dict() for error in registry.errors],
        "stale": [gid for gid in registry.graph_ids if registry.is_stale(gid)],
        "changed": changed,
        "config_error": config_error,
    }


class GraphReloader:
    """Watches the project's folders for the server's lifetime."""

    def __init__(self, runtime: Runtime, data_dir: Path) -> None:
        self.runtime = runtime
        self.data_dir = data_dir
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="lg-studio-reload")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _watch(self) -> None:
        folders = watched_folders(self.runtime)
        watching = awatch(
            *folders,
            watch_filter=_ProjectFilter(self.data_dir),
            debounce=DEBOUNCE_MS,
            stop_event=self._stop,
        )
        async for changes in watching:
            try:
                await reload_graphs(self.runtime, {path for _change, path in changes})
            except Exception:  # a broken reload must not end the watching
                logger.exception("Reloading the graphs failed")
