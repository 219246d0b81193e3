"""Light and dark themes: one palette of named colours for widgets, QSS and the canvas.

The studio follows the system's colour scheme by default. Colours live here once; the QSS
template in resources/styles refers to them by name, and canvas items read them directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from studio.ui import resources


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    accent: str
    border: str
    node: str
    node_text: str
    terminal: str
    active: str
    done: str
    failed: str
    edge: str
    cluster: str
    highlight_text: str

    def color(self, name: str) -> QColor:
        return QColor(str(asdict(self)[name]))


LIGHT = Theme(
    name="light",
    window="#f4f5f7",
    base="#ffffff",
    alternate="#f0f2f5",
    text="#1f2328",
    muted="#6e7781",
    accent="#2f6feb",
    border="#d0d7de",
    node="#ffffff",
    node_text="#1f2328",
    terminal="#e7ecf3",
    active="#f2a33a",
    done="#2da44e",
    failed="#cf222e",
    edge="#57606a",
    cluster="#eef3fb",
    highlight_text="#ffffff",
)

DARK = Theme(
    name="dark",
    window="#1e2227",
    base="#16191d",
    alternate="#22262c",
    text="#e6edf3",
    muted="#8b949e",
    accent="#4c8dff",
    border="#373e47",
    node="#262b32",
    node_text="#e6edf3",
    terminal="#30363d",
    active="#e3a03b",
    done="#3fb950",
    failed="#f85149",
    edge="#9aa4af",
    cluster="#1f2a38",
    highlight_text="#ffffff",
)


def system_theme() -> Theme:
    scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for qt_role, colour in [
        (role.Window, theme.window),
        (role.WindowText, theme.text),
        (role.Base, theme.base),
        (role.AlternateBase, theme.alternate),
        (role.Text, theme.text),
        (role.Button, theme.window),
        (role.ButtonText, theme.text),
        (role.ToolTipBase, theme.base),
        (role.ToolTipText, theme.text),
        (role.PlaceholderText, theme.muted),
        (role.Highlight, theme.accent),
        (role.HighlightedText, theme.highlight_text),
        (role.Link, theme.accent),
    ]:
        palette.setColor(qt_role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    palette.setColor(disabled, role.Text, QColor(theme.muted))
    palette.setColor(disabled, role.ButtonText, QColor(theme.muted))
    palette.setColor(disabled, role.WindowText, QColor(theme.muted))
    return palette


def apply(app: QApplication, theme: Theme) -> None:
    """Fusion, the theme's palette, and the studio's style sheet filled with its colours."""
    app.setStyle("Fusion")
    app.setPalette(_palette(theme))
    app.setStyleSheet(resources.style_sheet("studio").format_map(asdict(theme)))
    app.setProperty("studio_theme", theme.name)


def current(app: QApplication | None = None) -> Theme:
    app = app or QApplication.instance()  # type: ignore[assignment]
    name = app.property("studio_theme") if app is not None else None
    return DARK if name == "dark" else LIGHT
