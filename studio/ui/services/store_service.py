"""The server's long-term memory store, for the store browser."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.ui.session import Session


class StoreService(QObject):
    """Lists namespaces, searches items and changes them; the last search is repeated after
    every change, so the browser always shows what the server holds."""

    namespaces_loaded = Signal(list)
    """Every namespace of the store (lists of labels)."""
    items_loaded = Signal(list, str)
    """The items found (SearchItems) and the query they were ranked by ("" for none)."""
    item_saved = Signal(list, str)
    """An item was written (its namespace and key), and the browser reloaded."""
    item_deleted = Signal(list, str)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self._search: tuple[list[str], str, dict[str, Any] | None] = ([], "", None)

    def refresh(self) -> None:
        """Reload the namespaces and repeat the last search."""
        self.session.spawn(self._refresh(), "read the store")

    def search(self, prefix: list[str], query: str, filter: dict[str, Any] | None) -> None:
        self._search = (list(prefix), query, filter)
        self.session.spawn(self._run_search(), "search the store")

    def put(
        self, namespace: list[str], key: str, value: dict[str, Any], ttl_minutes: int | None
    ) -> None:
        self.session.spawn(self._put(namespace, key, value, ttl_minutes), "save the store item")

    def delete(self, namespace: list[str], key: str) -> None:
        self.session.spawn(self._delete(namespace, key), "delete the store item")

    async def _refresh(self) -> None:
        self.namespaces_loaded.emit(await self.session.client.store_namespaces())
        await self._run_search()

    async def _run_search(self) -> None:
        prefix, query, filter = self._search
        items = await self.session.client.store_search(prefix, query=query, filter=filter)
        self.items_loaded.emit(items, query)

    async def _put(
        self, namespace: list[str], key: str, value: dict[str, Any], ttl_minutes: int | None
    ) -> None:
        await self.session.client.store_put(namespace, key, value, ttl_minutes=ttl_minutes)
        await self._refresh()
        self.item_saved.emit(namespace, key)

    async def _delete(self, namespace: list[str], key: str) -> None:
        await self.session.client.store_delete(namespace, key)
        await self._refresh()
        self.item_deleted.emit(namespace, key)
