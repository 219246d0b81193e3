"""Breakpoints become the run's interrupt_before / interrupt_after."""

from __future__ import annotations

from studio.ui.debugger.breakpoints import Breakpoints


def test_toggling_adds_and_removes() -> None:
    points = Breakpoints().toggled("tools", "before").toggled("model", "after")
    assert points.interrupt_before() == ["tools"]
    assert points.interrupt_after() == ["model"]
    assert points.has("tools", "before")
    assert not points.has("tools", "after")
    assert not points.toggled("tools", "before").toggled("model", "after")


def test_step_mode_and_a_step_break_before_every_node() -> None:
    assert Breakpoints(step_mode=True).interrupt_before() == "*"
    assert Breakpoints().interrupt_before(step=True) == "*"
    assert Breakpoints().interrupt_before() is None
    assert Breakpoints().interrupt_after() is None
