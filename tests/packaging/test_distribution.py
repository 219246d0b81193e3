"""What `pip install .` and `pipx install .` get: the wheel, and the desktop integration files.

Building the one-folder app takes a minute and is its own command (`packaging/check.py`); the
wheel is what every other installation starts from, so it is checked on every run.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.server import ROOT

APP_ID = "io.github.lgstudio.LgStudio"


def _build_wheel(out: Path) -> zipfile.ZipFile:
    pip_wheel = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q")
    built = subprocess.run([*pip_wheel, "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("lg_studio-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_carries_the_resources_and_the_commands(tmp_path: Path) -> None:
    with _build_wheel(tmp_path) as wheel:
        names = set(wheel.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        commands = wheel.read(entry_points).decode()
    for needed in (
        "studio/py.typed",
        "studio/resources/__init__.py",
        "studio/resources/icons/app.svg",
        "studio/resources/styles/studio.qss",
        "studio/resources/examples/demo/langgraph.json",
        "studio/resources/examples/demo/approval.py",
    ):
        assert needed in names, f"the wheel lacks {needed}"
    assert not [n for n in names if "/.lg-studio/" in n or "__pycache__" in n]
    assert not [n for n in names if n.startswith("tests/")]
    assert "lg-studio = studio.cli:main" in commands


def test_the_desktop_entry_names_the_command_and_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "packaging" / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "lg-studio"
    assert section["Icon"] == APP_ID
    assert "Development" in section["Categories"].split(";")


def test_the_metainfo_is_valid_appstream() -> None:
    appstream = shutil.which("appstreamcli")
    assert appstream is not None, ".ci/run installs appstream"
    metainfo = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
    out = subprocess.run(
        [appstream, "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in metainfo.read_text()
