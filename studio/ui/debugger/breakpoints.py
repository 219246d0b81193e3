"""Where a run pauses: before or after chosen nodes, or before every node in step mode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

Where = Literal["before", "after"]
ALL_NODES = "*"


@dataclass(frozen=True, slots=True)
class Breakpoints:
    """The breakpoints of one graph; a new value for every change, so signals can carry it."""

    before: frozenset[str] = field(default_factory=frozenset)
    after: frozenset[str] = field(default_factory=frozenset)
    step_mode: bool = False

    def toggled(self, node: str, where: Where) -> Breakpoints:
        """The same breakpoints with the one at `node` (`where`) switched on or off."""
        if where == "before":
            return replace(self, before=self.before ^ {node})
        return replace(self, after=self.after ^ {node})

    def has(self, node: str, where: Where) -> bool:
        return node in (self.before if where == "before" else self.after)

    def interrupt_before(self, *, step: bool = False) -> Literal["*"] | Sequence[str] | None:
        """`interrupt_before` for the next run: every node when stepping, else the set ones.

        LangGraph does not stop again before the node a run resumes at, so "*" moves one
        node at a time.
        """
        if step or self.step_mode:
            return ALL_NODES
        return sorted(self.before) or None

    def interrupt_after(self) -> Sequence[str] | None:
        return sorted(self.after) or None

    def __bool__(self) -> bool:
        return bool(self.before or self.after or self.step_mode)
