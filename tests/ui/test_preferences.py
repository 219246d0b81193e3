"""Preferences: theme, font size and shortcuts chosen in the dialog are applied at once and
come back when the window is opened again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from studio.ui import preferences, theme
from studio.ui.main_window import MainWindow
from studio.ui.preferences_dialog import PreferencesDialog


@pytest.fixture
def app_look(qapp: QApplication) -> Iterator[QApplication]:
    """Put the application's theme and font back as they were: they are process-wide."""
    font = qapp.font()
    yield qapp
    theme.apply(qapp, theme.system_theme())
    qapp.setFont(font)


def _window(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(QSettings(str(path), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window


def test_preferences_apply_and_survive_a_restart(
    qtbot: QtBot, tmp_path: Path, app_look: QApplication
) -> None:
    settings = tmp_path / "studio.ini"
    first = _window(qtbot, settings)
    assert first.commands["run"].shortcut().toString() == "Ctrl+Return"
    assert first.preferences.theme == "system", "the default follows the system"

    first.commands["preferences"].trigger()
    dialog = first.findChild(PreferencesDialog)
    assert dialog is not None
    assert dialog.isVisible()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_size.setCurrentIndex(dialog.font_size.findData(13))
    dialog.keys["run"].setKeySequence(QKeySequence("Ctrl+R"))
    dialog.keys["find"].setKeySequence(QKeySequence("Ctrl+Shift+F"))
    dialog.accept()
    assert theme.current().name == "dark"
    assert app_look.palette().window().color().name() == theme.DARK.window
    assert app_look.font().pointSize() == 13
    assert first.commands["run"].shortcut().toString() == "Ctrl+R"
    assert "Ctrl+R" in first.commands["run"].toolTip()
    first.close()

    theme.apply(app_look, theme.LIGHT)  # as a new process would start
    second = _window(qtbot, settings)
    assert second.preferences.theme == "dark"
    assert theme.current().name == "dark"
    assert app_look.font().pointSize() == 13
    assert second.commands["run"].shortcut().toString() == "Ctrl+R"
    assert second.commands["find"].shortcut().toString() == "Ctrl+Shift+F"
    assert second.commands["cancel"].shortcut().toString() == "Ctrl+.", "untouched: default"

    dialog = second.show_preferences()
    assert dialog.theme.currentData() == "dark"
    assert dialog.font_size.currentData() == 13
    dialog.restore_defaults()
    dialog.accept()
    assert second.commands["run"].shortcut().toString() == "Ctrl+Return"
    assert not QSettings(str(settings), QSettings.Format.IniFormat).contains(
        "preferences/shortcuts/run"
    ), "defaults are not stored: a changed default reaches the user"


def test_a_key_taken_by_another_action_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path / "studio.ini")
    dialog = window.show_preferences()
    dialog.keys["run"].setKeySequence(QKeySequence("Ctrl+0"))  # Fit Graph's
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.problem.text() == "Ctrl+0 is already the key of Fit Graph."
    assert window.commands["run"].shortcut().toString() == "Ctrl+Return"
    dialog.keys["run"].setKeySequence(QKeySequence("F10"))  # Step's, chosen in the dialog
    dialog.accept()
    assert dialog.problem.text() == "F10 is already the key of Step."
    dialog.reject()


def test_stored_nonsense_falls_back_to_defaults(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    settings.setValue("preferences/theme", "purple")
    settings.setValue("preferences/font_size", "huge")
    loaded = preferences.Preferences.load(settings)
    assert loaded == preferences.Preferences()
