"""The one place that finds the studio's files: icons, styles and the bundled examples.

Installed, they are the package `studio.resources` (setup.py maps the top-level `resources/`
folder there); in a source checkout that package does not exist and the folder is read in
place. No .qrc compilation step is needed either way.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QIcon


@cache
def root() -> Path:
    try:
        return Path(str(importlib.resources.files("studio.resources")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources"


def example_project(name: str = "demo") -> Path:
    return root() / "examples" / name


def style_sheet(name: str) -> str:
    return (root() / "styles" / f"{name}.qss").read_text(encoding="utf-8")


def user_data_dir() -> Path:
    """Where the studio keeps data that belongs to no project (e.g. the example's threads)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / ".lg-studio"


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(root() / "icons" / f"{name}.svg"))
