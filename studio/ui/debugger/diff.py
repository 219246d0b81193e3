"""What changed between two state values, as a list of paths.

A step usually changes a key or two of a large state (one more message, a new draft), so the
diff walks both values together and reports the smallest paths that differ: `messages[12]`
added, `draft.action` changed. Equal subtrees are skipped with one `==` (C speed), and the
list is capped, so diffing ten thousand messages stays quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PathPart = str | int
ChangeKind = Literal["added", "removed", "changed"]

DEFAULT_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: the value at `path` was added, removed or changed.

    `old` is None for an addition and `new` for a removal (read `kind`, not the values, to
    tell a removal from a change to null).
    """

    path: tuple[PathPart, ...]
    kind: ChangeKind
    old: Any = None
    new: Any = None

    @property
    def key(self) -> str:
        """The top-level key the change is under (or "" for the whole value)."""
        return str(self.path[0]) if self.path else ""


@dataclass(frozen=True, slots=True)
class Diff:
    changes: tuple[Change, ...]
    truncated: bool = False
    """True when there were more than the limit's changes (the rest are not listed)."""

    def keys(self) -> list[str]:
        """The top-level keys that changed, in order."""
        return list(dict.fromkeys(change.key for change in self.changes))

    def __bool__(self) -> bool:
        return bool(self.changes)


class _Full(Exception):
    """Raised inside the walk when the limit is reached."""


def diff_values(old: Any, new: Any, *, limit: int = DEFAULT_LIMIT) -> Diff:
    """The changes that turn `old` into `new`, outermost keys in order, at most `limit`."""
    found: list[Change] = []
    try:
        _walk((), old, new, found, limit)
    except _Full:
        return Diff(tuple(found), truncated=True)
    return Diff(tuple(found))


def changed_keys(old: Any, new: Any) -> tuple[str, ...]:
    """Top-level keys added, removed or changed between two state values."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return () if old == new else ("(value)",)
    keys = [*old, *(k for k in new if k not in old)]
    return tuple(str(k) for k in keys if k not in old or k not in new or old[k] != new[k])


def _walk(path: tuple[PathPart, ...], old: Any, new: Any, found: list[Change], limit: int) -> None:
    if old is new or (type(old) is type(new) and old == new):
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in old:
            if key not in new:
                _add(found, limit, Change((*path, key), "removed", old=old[key]))
            else:
                _walk((*path, key), old[key], new[key], found, limit)
        for key in new:
            if key not in old:
                _add(found, limit, Change((*path, key), "added", new=new[key]))
    elif isinstance(old, list) and isinstance(new, list):
        common = min(len(old), len(new))
        for i in range(common):
            _walk((*path, i), old[i], new[i], found, limit)
        for i in range(common, len(new)):
            _add(found, limit, Change((*path, i), "added", new=new[i]))
        for i in range(common, len(old)):
            _add(found, limit, Change((*path, i), "removed", old=old[i]))
    else:
        _add(found, limit, Change(path, "changed", old=old, new=new))


def _add(found: list[Change], limit: int, change: Change) -> None:
    if len(found) >= limit:
        raise _Full
    found.append(change)
