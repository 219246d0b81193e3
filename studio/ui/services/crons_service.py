"""Scheduled runs (crons) of the assistant in view, for the crons panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.ui.session import Session


class CronsService(QObject):
    """Lists, creates and deletes the crons of the assistant in view."""

    crons_loaded = Signal(list)
    """The assistant's crons (Cron dicts), newest first."""
    cron_created = Signal(object)
    """A cron was created (its Cron dict)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session

    def refresh(self) -> None:
        self.session.spawn(self._load(), "list crons")

    def create(self, schedule: str, graph_input: Any, on_thread: bool) -> None:
        """Schedule runs of the assistant in view: on the thread in view when `on_thread`
        (each run continues it), else each on a new thread."""
        self.session.spawn(self._create(schedule, graph_input, on_thread), "create the cron")

    def delete(self, cron_id: str) -> None:
        self.session.spawn(self._delete(cron_id), "delete the cron")

    async def _load(self) -> None:
        assistant = self.session.assistant
        crons = (
            await self.session.client.crons(assistant_id=assistant["assistant_id"])
            if assistant is not None
            else []
        )
        self.crons_loaded.emit(crons)

    async def _create(self, schedule: str, graph_input: Any, on_thread: bool) -> None:
        assistant = self.session.assistant
        if assistant is None:
            self.session.error_occurred.emit("Choose an assistant before scheduling it", "")
            return
        thread = self.session.active_thread if on_thread else None
        if on_thread and thread is None:
            self.session.error_occurred.emit(
                "Select a thread to schedule runs on it", "Or untick 'On the selected thread'."
            )
            return
        created = await self.session.client.create_cron(
            assistant["assistant_id"],
            schedule,
            input=graph_input,
            thread_id=thread["thread_id"] if thread is not None else None,
        )
        self.cron_created.emit(created)
        await self._load()

    async def _delete(self, cron_id: str) -> None:
        await self.session.client.delete_cron(cron_id)
        await self._load()
