"""The action registry: every shortcut is unique (an ambiguous one fires nothing)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from studio.ui.actions import MENUS, TOOLBAR, build_actions


def test_shortcuts_are_unique_and_debugging_has_its_keys(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = build_actions(parent)
    keys = [a.shortcut().toString() for a in actions.values() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    assert actions["continue"].shortcut().toString() == "F8"
    assert actions["step"].shortcut().toString() == "F10"
    assert actions["step_mode"].isCheckable()
    listed = {entry for entries in MENUS.values() for entry in entries} | set(TOOLBAR)
    assert set(actions) <= listed, "every action is reachable from a menu or the toolbar"
