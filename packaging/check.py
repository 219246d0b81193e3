"""Build the one-folder app with PyInstaller and prove the result works, as a user would use it.

    python packaging/check.py [--dist DIR] [--no-build]

Run from the repository root with the `packaging` extra installed. It checks that the bundle
prints its version, opens the example project it carries and saves a screenshot of the window
(offscreen, so no display is needed), opens a project that has its own virtual environment
(its runtime then runs in that interpreter), serves the example headless and answers a run over
HTTP, and that the desktop entry and AppStream metainfo are valid. Exit code 0: all of it held.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import CLEAN_EXIT, ServerProcess  # noqa: E402
from tests.support.venvs import make_project, make_venv  # noqa: E402

PACKAGING = ROOT / "packaging"
APP_ID = "io.github.lgstudio.LgStudio"
SCREENSHOT_SIZE = (1440, 900)
DESKTOP_KEYS = ("Type", "Name", "Exec", "Icon", "Categories")


class CheckFailed(Exception):
    pass


def build(dist: Path, work: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(PACKAGING / "lg-studio.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def executable(dist: Path) -> Path:
    name = "lg-studio.exe" if sys.platform == "win32" else "lg-studio"
    found = dist / "lg-studio" / name
    if not found.is_file():
        raise CheckFailed(f"no executable at {found}: did the build succeed?")
    return found


def bundled_example(app: Path) -> Path:
    """The example project inside the bundle: the check must not read the source tree's copy."""
    for candidate in app.parent.rglob("examples/demo/langgraph.json"):
        return candidate.parent
    raise CheckFailed(f"the bundle under {app.parent} carries no example project")


def check_version(app: Path) -> None:
    out = subprocess.run([str(app), "--version"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or not out.stdout.startswith("lg-studio "):
        raise CheckFailed(f"--version printed {out.stdout!r} {out.stderr!r}")
    print(f"ok  version: {out.stdout.strip()}")  # noqa: T201


def check_screenshot(app: Path, example: Path, scratch: Path, name: str = "bundle") -> None:
    png = scratch / f"{name}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(scratch)}
    out = subprocess.run(
        [str(app), str(example), "--screenshot", str(png)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    if out.returncode != 0:
        raise CheckFailed(f"--screenshot exited with {out.returncode}:\n{out.stderr}")
    image = QImage(str(png))
    if (image.width(), image.height()) != SCREENSHOT_SIZE:
        raise CheckFailed(f"screenshot is {image.width()}x{image.height()}, not {SCREENSHOT_SIZE}")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, 900, 29)}
    if len(colours) < 4:
        raise CheckFailed("the screenshot is blank")
    print(f"ok  screenshot: {png}")  # noqa: T201


def check_project_environment(app: Path, scratch: Path) -> None:
    """A project with its own virtual environment gets its runtime from the bundle's source."""
    project = make_project(scratch / "venv-project")
    make_venv(project, with_runtime_packages=True)
    check_screenshot(app, project, scratch, name="venv-project")


def check_serve(app: Path, example: Path, scratch: Path) -> None:
    server = ServerProcess(scratch / "data", project=example, command=(str(app),))
    server.start(timeout=120)
    try:
        body = json.dumps({"assistant_id": "approval", "input": {"request": "ship it"}}).encode()
        request = urllib.request.Request(
            f"{server.url}/runs/wait", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "__interrupt__" not in answer:
            raise CheckFailed(f"the approval graph did not pause: {answer}")
    finally:
        code = server.stop()
    if code not in CLEAN_EXIT:
        raise CheckFailed(f"serve exited with {code}:\n{server.log()}")
    print(f"ok  serve: a run on {server.url} paused at its interrupt")  # noqa: T201


def check_desktop_files() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    missing = [k for k in DESKTOP_KEYS if not entry.get("Desktop Entry", k, fallback="")]
    if missing:
        raise CheckFailed(f"the desktop entry lacks {missing}")
    appstream = shutil.which("appstreamcli")
    if appstream is None:
        print("--  metainfo: appstreamcli not installed, not validated")  # noqa: T201
        return
    metainfo = PACKAGING / f"{APP_ID}.metainfo.xml"
    out = subprocess.run(
        [appstream, "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise CheckFailed(f"appstreamcli rejects the metainfo:\n{out.stdout}{out.stderr}")
    print("ok  desktop entry and metainfo")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the app goes")
    parser.add_argument("--no-build", action="store_true", help="check an existing build")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lg-studio-check-") as scratch_name:
        scratch = Path(scratch_name)
        try:
            check_desktop_files()
            if not args.no_build:
                build(args.dist, scratch / "build")
            app = executable(args.dist)
            example = bundled_example(app)
            check_version(app)
            check_screenshot(app, example, scratch)
            check_project_environment(app, scratch)
            check_serve(app, example, scratch)
        except (CheckFailed, subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"FAILED: {exc}", file=sys.stderr)  # noqa: T201
            return 1
    print(f"The app in {args.dist / 'lg-studio'} works.")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
