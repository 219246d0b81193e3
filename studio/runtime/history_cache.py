"""Rendered `get_history` entries (one ThreadState's JSON per checkpoint), kept until a write
may change them.

Why: LangGraph rebuilds a `StateSnapshot` for every checkpoint of every history request
(channels, next tasks, pending writes: about 80 µs each), which was most of the time of a
300-checkpoint `get_history` (tests/benchmarks/PROFILE.md §2). Yet a checkpoint's entry only
depends on things that rarely change once it is written:

- its own row (written once; stored again only by a `put` of the same id),
- its pending writes (added while its step runs, and again when a fork, a resume or a retry
  re-runs that step from it),
- the rows and writes of its ancestors in the same namespace, which a `DeltaChannel`
  replays. Ancestors are older, and checkpoint ids grow with time (uuid6, the order
  `before` relies on), so a write to checkpoint `c` can only change entries of ids >= `c`,
- the graph that renders it: the thread's graph, chosen by the caller's `renderer` key.

So the checkpointer tells this cache about every write (`CheckpointListener`, on its
database thread right after the commit), and the cache drops the entries of that thread and
namespace from that checkpoint on; deletions, prunes and copies drop the whole thread. Writes
by another connection to the same file (another process) are caught by SQLite's
`PRAGMA data_version`, read before every cached answer: any change clears everything.

A reader that rendered entries from data it read before a concurrent write must not store
them after that write's notification: `token()` before reading, `store()` refuses the entries
of a thread changed since then.

Entries are exact-size copies (orjson's buffers are at least 4 KiB, PROFILE.md §3) within a
byte budget, least recently used threads evicted first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from studio.runtime.checkpointer import StudioSqliteSaver

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""About 80 threads of 300 small checkpoints; a history bigger than this is not kept."""

_ENTRY_OVERHEAD = 120
"""Bytes a kept entry costs besides its JSON (dict slot, key, bytes object header)."""

_MAX_TRACKED_THREADS = 4096
"""Threads whose last change is remembered one by one; older changes are summarised."""

Renderer = str
"""What renders a thread's entries: the graph id of a graph that cannot change at runtime."""

_Slot = tuple[Renderer, str]  # (renderer, checkpoint_ns)


class _ThreadEntries:
    __slots__ = ("by_slot", "size")

    def __init__(self) -> None:
        self.by_slot: dict[_Slot, dict[str, bytes]] = {}
        self.size = 0


class HistoryCache:
    """Entries by thread, renderer, namespace and checkpoint id. Thread-safe: the database
    thread invalidates while the event loop reads and stores."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._threads: OrderedDict[str, _ThreadEntries] = OrderedDict()  # LRU first
        self._size = 0
        # A clock ticks on every change; a thread's last change is remembered for the last
        # `_MAX_TRACKED_THREADS` threads changed, the others by the latest forgotten tick.
        self._clock = 0
        self._changed_at: OrderedDict[str, int] = OrderedDict()
        self._forgotten = 0
        self._data_version: int | None = None

    @classmethod
    def of(cls, saver: StudioSqliteSaver) -> HistoryCache:
        """The cache of `saver`'s database, listening to it from its first use on (it starts
        empty, so nothing written before can be stale in it)."""
        cache = _CACHES.get(saver)
        if cache is None:
            cache = _CACHES[saver] = cls()
            saver.add_listener(cache)
        return cache

    # -- the checkpointer's side (its database thread) -------------------------------------

    def checkpoint_changed(self, thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> None:
        with self._lock:
            self._tick(thread_id)
            entries = self._threads.get(thread_id)
            if entries is None:
                return
            for (_, ns), kept in entries.by_slot.items():
                if ns != checkpoint_ns:
                    continue
                for stale in [c for c in kept if c >= checkpoint_id]:
                    self._forget(entries, kept.pop(stale))

    def thread_changed(self, thread_id: str) -> None:
        with self._lock:
            self._tick(thread_id)
            self._drop_thread(thread_id)

    def database_read(self, data_version: int) -> None:
        """`PRAGMA data_version` of the checkpointer's connection, read on its thread just
        before the rows an answer lists: it moves only when another connection commits."""
        with self._lock:
            if self._data_version is not None and data_version != self._data_version:
                self._clear()
            self._data_version = data_version

    def clear(self) -> None:
        """Forget every entry, and refuse those being rendered now: the code that renders
        them changed (the graphs were reloaded)."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._clock += 1
        self._forgotten = self._clock
        self._changed_at.clear()
        self._threads.clear()
        self._size = 0

    # -- the readers' side (the event loop) ------------------------------------------------

    def token(self) -> int:
        """Take one before reading anything an entry to store is made from."""
        with self._lock:
            return self._clock

    def lookup(
        self, thread_id: str, renderer: Renderer, checkpoint_ns: str, checkpoint_ids: Sequence[str]
    ) -> list[bytes | None]:
        """The kept entry of each checkpoint, or None."""
        with self._lock:
            entries = self._threads.get(thread_id)
            if entries is None:
                return [None] * len(checkpoint_ids)
            self._threads.move_to_end(thread_id)
            kept = entries.by_slot.get((renderer, checkpoint_ns), {})
            return [kept.get(c) for c in checkpoint_ids]

    def store(
        self,
        thread_id: str,
        renderer: Renderer,
        checkpoint_ns: str,
        token: int,
        rendered: Iterable[tuple[str, bytes]],
    ) -> bool:
        """Keep entries rendered from what was read after `token()`; refused (False) if the
        thread changed since then."""
        with self._lock:
            if max(self._changed_at.get(thread_id, 0), self._forgotten) > token:
                return False
            entries = self._threads.get(thread_id)
            if entries is None:
                entries = self._threads[thread_id] = _ThreadEntries()
            self._threads.move_to_end(thread_id)
            kept = entries.by_slot.setdefault((renderer, checkpoint_ns), {})
            for checkpoint_id, data in rendered:
                old = kept.get(checkpoint_id)
                if old is not None:
                    self._forget(entries, old)
                kept[checkpoint_id] = data
                entries.size += len(data) + _ENTRY_OVERHEAD
                self._size += len(data) + _ENTRY_OVERHEAD
            while self._size > self.max_bytes and self._threads:
                self._drop_thread(next(iter(self._threads)))
            return True

    @property
    def size(self) -> int:
        """Bytes kept, overheads included."""
        return self._size

    # -- under the lock ---------------------------------------------------------------------

    def _tick(self, thread_id: str) -> None:
        self._clock += 1
        self._changed_at[thread_id] = self._clock
        self._changed_at.move_to_end(thread_id)
        if len(self._changed_at) > _MAX_TRACKED_THREADS:
            _, tick = self._changed_at.popitem(last=False)
            self._forgotten = max(self._forgotten, tick)

    def _forget(self, entries: _ThreadEntries, data: bytes) -> None:
        entries.size -= len(data) + _ENTRY_OVERHEAD
        self._size -= len(data) + _ENTRY_OVERHEAD

    def _drop_thread(self, thread_id: str) -> None:
        entries = self._threads.pop(thread_id, None)
        if entries is not None:
            self._size -= entries.size


_CACHES: weakref.WeakKeyDictionary[StudioSqliteSaver, HistoryCache] = weakref.WeakKeyDictionary()
