"""The Preferences dialog (Ctrl+,): theme, font size and the keys of the everyday actions.

It edits a copy and hands back a whole `Preferences` when the user presses OK; the window
saves and applies it. A key already used by another action is refused with a message, as
an ambiguous shortcut in Qt fires neither action.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QKeySequenceEdit,
    QVBoxLayout,
    QWidget,
)

from studio.ui.actions import ACTIONS
from studio.ui.preferences import (
    FONT_SIZES,
    SHORTCUT_ACTIONS,
    SYSTEM_FONT,
    THEMES,
    Preferences,
    default_shortcut,
)
from studio.ui.widgets.problem_label import ProblemLabel


class PreferencesDialog(QDialog):
    preferences_chosen = Signal(object)
    """The user pressed OK with these Preferences."""

    def __init__(
        self,
        preferences: Preferences,
        actions: Mapping[str, QAction],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("PreferencesDialog")
        self._actions = actions
        self.theme = QComboBox()
        for name, label in THEMES.items():
            self.theme.addItem(label, name)
        self.theme.setCurrentIndex(self.theme.findData(preferences.theme))
        self.font_size = QComboBox()
        self.font_size.addItem("System default", SYSTEM_FONT)
        for size in FONT_SIZES:
            self.font_size.addItem(f"{size} pt", size)
        self.font_size.setCurrentIndex(max(0, self.font_size.findData(preferences.font_size)))
        look = QGroupBox("Appearance")
        look_form = QFormLayout(look)
        look_form.addRow("Theme", self.theme)
        look_form.addRow("Font size", self.font_size)
        self.keys: dict[str, QKeySequenceEdit] = {}
        keys = QGroupBox("Keyboard shortcuts")
        keys_form = QFormLayout(keys)
        for action_id in SHORTCUT_ACTIONS:
            edit = QKeySequenceEdit(QKeySequence(preferences.shortcut(action_id)))
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.setToolTip(f"Default: {default_shortcut(action_id) or 'none'}")
            self.keys[action_id] = edit
            keys_form.addRow(ACTIONS[action_id].text.replace("&", ""), edit)
        self.problem = ProblemLabel()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(look)
        layout.addWidget(keys)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def chosen(self) -> Preferences:
        """What the dialog shows, as Preferences."""
        return Preferences(
            str(self.theme.currentData()),
            int(self.font_size.currentData()),
            {action_id: edit.keySequence().toString() for action_id, edit in self.keys.items()},
        )

    def restore_defaults(self) -> None:
        self.theme.setCurrentIndex(self.theme.findData("system"))
        self.font_size.setCurrentIndex(0)
        for action_id, edit in self.keys.items():
            edit.setKeySequence(QKeySequence(default_shortcut(action_id)))

    def accept(self) -> None:
        clash = self._clash()
        if clash:
            self.problem.show_problem(clash)
            return
        self.preferences_chosen.emit(self.chosen())
        super().accept()

    def _clash(self) -> str:
        """A message when a chosen key is another action's (or chosen twice); else ""."""
        chosen = self.chosen().shortcuts
        taken = {
            action.shortcut().toString(): action_id
            for action_id, action in self._actions.items()
            if action_id not in chosen and not action.shortcut().isEmpty()
        }
        for action_id, keys in chosen.items():
            if not keys:
                continue
            others = [a for a, k in chosen.items() if k == keys and a != action_id]
            owner = taken.get(keys) or (others[0] if others else None)
            if owner is not None:
                name = ACTIONS[owner].text.replace("&", "")
                return f"{keys} is already the key of {name}."
        return ""
