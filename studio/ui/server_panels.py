"""The panels of a server's resources beyond the graph: the memory store, crons and runs.

They are built once with the window and linked to each session as it is attached: each panel
gets a service (parented to the session, so it goes with it) that does the work over HTTP.
A panel loads when its dock tab comes into view, and when the assistant or thread it follows
changes while it is in view, so a server that lacks a resource (a remote one without a
store) is asked only when the user looks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QDockWidget, QWidget

from studio.protocol.schema import Thread
from studio.ui.panels.crons_panel import CronsPanel
from studio.ui.panels.events_panel import EventsPanel
from studio.ui.panels.runs_panel import RunsPanel
from studio.ui.panels.store_panel import StorePanel
from studio.ui.services.crons_service import CronsService
from studio.ui.services.runs_service import RunsService
from studio.ui.services.store_service import StoreService
from studio.ui.session import Session

Link = Callable[[SignalInstance, Callable[..., Any]], None]
"""Connects a panel's intent to a session's work, to be undone when the session detaches."""


class ServerPanels:
    """The store browser, the crons panel and the runs panel of one window."""

    def __init__(self) -> None:
        self.store = StorePanel()
        self.crons = CronsPanel()
        self.runs = RunsPanel()
        self.store_service: StoreService | None = None
        self.crons_service: CronsService | None = None
        self.runs_service: RunsService | None = None

    def docked(self) -> dict[str, QWidget]:
        """The panels by dock name, as `attach` expects their docks."""
        return {"runs": self.runs, "store": self.store, "crons": self.crons}

    def attach(
        self, session: Session, link: Link, events: EventsPanel, docks: Mapping[str, QDockWidget]
    ) -> None:
        """Give the panels `session`'s services; a followed run's events go to `events`.
        `docks` holds each panel's dock by name ("store", "crons", "runs")."""
        self.store.set_namespaces([])  # nothing of the previous server stays in view
        self.store.set_items([], "")
        self.crons.set_crons([])
        self.runs.set_runs("", [])
        store = self.store_service = StoreService(session)
        crons = self.crons_service = CronsService(session)
        runs = self.runs_service = RunsService(session)
        runs.set_scope(self.runs.scope(), load=False)
        store.namespaces_loaded.connect(self.store.set_namespaces)
        store.items_loaded.connect(self.store.set_items)
        store.item_saved.connect(self.store.select_item)
        store.item_deleted.connect(
            lambda namespace, _key: self.store.editor.show_item(None, namespace)
        )
        crons.crons_loaded.connect(self.crons.set_crons)
        runs.runs_loaded.connect(self.runs.set_runs)
        runs.join_started.connect(lambda _run_id: events.clear())
        runs.events_arrived.connect(events.add_events)
        session.assistant_changed.connect(lambda _: _if_in_view(self.crons, crons.refresh))
        session.thread_changed.connect(
            lambda thread: runs.show_thread(_thread_id(thread), load=_in_view(self.runs))
        )
        session.run_started.connect(lambda _: _if_in_view(self.runs, runs.refresh))
        session.run_ended.connect(lambda _: _if_in_view(self.runs, runs.refresh))
        link(self.store.search_requested, store.search)
        link(self.store.refresh_requested, store.refresh)
        link(self.store.editor.put_requested, store.put)
        link(self.store.editor.delete_requested, store.delete)
        link(self.crons.create_requested, crons.create)
        link(self.crons.delete_requested, crons.delete)
        link(self.crons.refresh_requested, crons.refresh)
        link(self.runs.cancel_requested, runs.cancel)
        link(self.runs.join_requested, runs.join)
        link(self.runs.refresh_requested, runs.refresh)
        link(self.runs.scope_changed, runs.set_scope)
        link(self.runs.thread_requested, session.select_thread)
        loads: dict[str, Callable[[], None]] = {
            "store": store.refresh,
            "crons": crons.refresh,
            "runs": runs.refresh,
        }
        for name, load in loads.items():
            link(docks[name].visibilityChanged, lambda shown, load=load: shown and load())
            _if_in_view(docks[name].widget(), load)


def _in_view(panel: QWidget) -> bool:
    """Whether the panel shows on screen (a dock tab behind another does not)."""
    return not panel.visibleRegion().isEmpty()


def _if_in_view(panel: QWidget, load: Callable[[], None]) -> None:
    if _in_view(panel):
        load()


def _thread_id(thread: Thread | None) -> str | None:
    return thread["thread_id"] if thread is not None else None
