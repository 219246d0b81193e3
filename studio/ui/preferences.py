"""The user's preferences: theme, font size and the shortcuts of the everyday actions.

Kept in QSettings next to the window's layout and recent projects, read when a window opens
and applied to the whole application (the theme and font are app-wide), so a restarted
studio looks and answers to keys as it was left. Only what the user changed is stored: a
shortcut left alone follows the action registry's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from studio.ui import theme as theming
from studio.ui.actions import ACTIONS

THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
SHORTCUT_ACTIONS = ("run", "cancel", "step", "continue", "toggle_breakpoint", "find")
"""The actions whose keys the Preferences dialog lets the user choose."""
FONT_SIZES = (8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24)
SYSTEM_FONT = 0
"""A font size of 0 keeps the system's."""
_DEFAULT_FONT_PROPERTY = "studio_default_font_size"


def default_shortcut(action_id: str) -> str:
    """The registry's key for an action, as portable text ("Ctrl+Return")."""
    shortcut = ACTIONS[action_id].shortcut
    return QKeySequence(shortcut).toString() if shortcut is not None else ""


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    font_size: int = SYSTEM_FONT
    shortcuts: Mapping[str, str] = field(default_factory=dict)
    """Keys the user chose, by action id (portable text; "" means no key)."""

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        name = str(settings.value("preferences/theme", "system"))
        try:
            size = int(str(settings.value("preferences/font_size", SYSTEM_FONT)))
        except ValueError:
            size = SYSTEM_FONT
        shortcuts = {
            action_id: str(settings.value(f"preferences/shortcuts/{action_id}"))
            for action_id in SHORTCUT_ACTIONS
            if settings.contains(f"preferences/shortcuts/{action_id}")
        }
        return cls(
            name if name in THEMES else "system",
            size if size in FONT_SIZES else SYSTEM_FONT,
            shortcuts,
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("preferences/theme", self.theme)
        settings.setValue("preferences/font_size", self.font_size)
        settings.remove("preferences/shortcuts")
        for action_id, keys in self.shortcuts.items():
            if keys != default_shortcut(action_id):
                settings.setValue(f"preferences/shortcuts/{action_id}", keys)

    def shortcut(self, action_id: str) -> str:
        return self.shortcuts.get(action_id, default_shortcut(action_id))

    def resolved_theme(self) -> theming.Theme:
        if self.theme == "dark":
            return theming.DARK
        if self.theme == "light":
            return theming.LIGHT
        return theming.system_theme()


def apply(preferences: Preferences, app: QApplication, actions: Mapping[str, QAction]) -> None:
    """Theme and font for the application, keys for the window's actions."""
    wanted = preferences.resolved_theme()
    if theming.current(app).name != wanted.name or app.property("studio_theme") is None:
        theming.apply(app, wanted)
    _apply_font(app, preferences.font_size)
    for action_id in SHORTCUT_ACTIONS:
        action = actions.get(action_id)
        if action is None:
            continue
        action.setShortcut(QKeySequence(preferences.shortcut(action_id)))
        tip = ACTIONS[action_id].tip
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if tip:
            action.setToolTip(f"{tip} ({keys})" if keys else tip)


def _apply_font(app: QApplication, size: int) -> None:
    """Set the application's point size; SYSTEM_FONT goes back to the one it started with."""
    default = app.property(_DEFAULT_FONT_PROPERTY)
    if default is None:
        default = app.font().pointSize()
        app.setProperty(_DEFAULT_FONT_PROPERTY, default)
    font = app.font()
    wanted = size or int(default)
    if font.pointSize() != wanted:
        font.setPointSize(wanted)
        app.setFont(font)
