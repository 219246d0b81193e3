"""A thread's checkpoints linked into a tree: each checkpoint under the one it came from.

The server lists history newest first across every branch; a fork (an edited state, a
replay) is a checkpoint whose parent already has a child. Here the list becomes lanes: the
oldest line of checkpoints is the main lane, and every later child of a checkpoint starts a
branch lane drawn under it, so forks read as branches and earlier rows never move when a new
branch appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.protocol.schema import ThreadState
from studio.ui.debugger.diff import changed_keys

SOURCE_LABELS = {"input": "input", "loop": "step", "update": "edited", "fork": "forked"}


@dataclass(eq=False)
class HistoryNode:
    """One checkpoint, its place in the tree, and who wrote it."""

    state: ThreadState
    parent: HistoryNode | None = None
    children: list[HistoryNode] = field(default_factory=list)

    @property
    def checkpoint_id(self) -> str:
        return checkpoint_id(self.state)

    @property
    def parent_id(self) -> str | None:
        parent = self.state.get("parent_checkpoint")
        found = parent.get("checkpoint_id") if parent else None
        return str(found) if found else None

    @property
    def step(self) -> int | None:
        step = self.metadata.get("step")
        return step if isinstance(step, int) else None

    @property
    def source(self) -> str:
        return str(self.metadata.get("source") or "")

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self.state.get("metadata") or {}

    @property
    def values(self) -> Any:
        return self.state.get("values")

    @property
    def next(self) -> tuple[str, ...]:
        return tuple(self.state.get("next") or ())

    @property
    def interrupt_count(self) -> int:
        return sum(len(task.get("interrupts") or []) for task in self.state.get("tasks") or [])

    def writers(self) -> tuple[str, ...]:
        """The nodes whose writes made this checkpoint.

        LangGraph no longer records them in the checkpoint's metadata, but the parent's
        tasks carry their results: the ones that finished are the writers. Edits and
        copies were written by a person, not a node (`edited_keys` says what changed).
        """
        if self.source != "loop" or self.parent is None:
            return ()
        tasks = self.parent.state.get("tasks") or []
        done = tuple(str(t["name"]) for t in tasks if t.get("result") is not None)
        return done or self.parent.next

    def edited_keys(self) -> tuple[str, ...]:
        """For an edited checkpoint, the top-level keys whose values differ from its parent."""
        if self.parent is None or self.source != "update":
            return ()
        return changed_keys(self.parent.values, self.values)

    def summary(self) -> str:
        """Which checkpoint this is: its step, writer, short id and what runs next."""
        parts = [f"Step {self.step}" if self.step is not None else "Checkpoint"]
        writers = self.writers()
        parts.append(
            f"written by {', '.join(writers)}" if writers else self.label().split(" · ")[-1]
        )
        parts.append(f"id …{self.checkpoint_id[-8:]}")
        if self.next:
            parts.append(f"next: {', '.join(self.next)}")
        return " · ".join(parts)

    def label(self) -> str:
        """What the history row says: `2 · review`, `3 · edited request`, `0 · input`."""
        step = "" if self.step is None else f"{self.step} · "
        writers = self.writers()
        if writers:
            return step + ", ".join(w.strip("_") if w == "__start__" else w for w in writers)
        what = SOURCE_LABELS.get(self.source, self.source or "checkpoint")
        edited = self.edited_keys()
        return step + (f"{what} {', '.join(edited)}" if edited else what)


@dataclass(eq=False)
class Lane:
    """A line of checkpoints, each the child of the one before; `forks` maps a checkpoint id
    to the lanes that branch off there (oldest first)."""

    nodes: list[HistoryNode]
    forks: dict[str, list[Lane]] = field(default_factory=dict)


class History:
    """All loaded checkpoints of one thread, as a tree."""

    def __init__(self, states: Iterable[ThreadState]) -> None:
        self.by_id: dict[str, HistoryNode] = {}
        for state in states:
            if state.get("checkpoint"):
                node = HistoryNode(state)
                self.by_id[node.checkpoint_id] = node
        for node in self.by_id.values():
            parent_id = node.parent_id
            node.parent = self.by_id.get(parent_id) if parent_id else None
            if node.parent is not None:
                node.parent.children.append(node)
        for node in self.by_id.values():
            node.children.sort(key=age)
        self.roots = sorted((n for n in self.by_id.values() if n.parent is None), key=age)

    @property
    def head(self) -> HistoryNode | None:
        """The newest checkpoint: where the thread is now."""
        return max(self.by_id.values(), key=age, default=None)

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, checkpoint: str) -> HistoryNode | None:
        return self.by_id.get(checkpoint)

    def lanes(self) -> list[Lane]:
        """One lane per root (oldest first); branches nest inside them."""
        return [_lane(root) for root in self.roots]


def checkpoint_id(state: ThreadState) -> str:
    checkpoint = state.get("checkpoint")
    return str(checkpoint["checkpoint_id"]) if checkpoint else ""


def age(node: HistoryNode) -> tuple[str, str]:
    """A sort key, oldest first."""
    # Checkpoint ids are time-ordered (uuid6); the timestamp first, for servers whose ids
    # are not.
    return (node.state.get("created_at") or "", node.checkpoint_id)


def _lane(start: HistoryNode) -> Lane:
    lane = Lane([])
    node: HistoryNode | None = start
    while node is not None:
        lane.nodes.append(node)
        if len(node.children) > 1:
            lane.forks[node.checkpoint_id] = [_lane(child) for child in node.children[1:]]
        node = node.children[0] if node.children else None
    return lane


def flatten(lanes: Sequence[Lane]) -> list[HistoryNode]:
    """Every node of `lanes` in the order rows show them (a fork's branches right after it)."""
    rows: list[HistoryNode] = []
    for lane in lanes:
        for node in lane.nodes:
            rows.append(node)
            rows.extend(flatten(lane.forks.get(node.checkpoint_id, [])))
    return rows
